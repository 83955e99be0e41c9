//! Delivery of the outbox's e-mails.
//!
//! Messages are written to the outbox in the same transaction as the change they report
//! (a password reset, a dossier milestone); this job claims due messages (a lease, so several
//! instances never send one twice at the same time), hands them to the configured transport,
//! and marks them sent — or failed, to be retried with exponential backoff.
//!
//! Transports: SMTP (`smtp://` or `smtps://` URL, lettre), or a directory where each message is
//! written as an `.eml` file (the default: demos and development see their mail without a
//! server), or none (messages stay in the outbox).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use motcua_store::{OutboxMessage, Store};

/// Where e-mail goes.
#[derive(Clone)]
pub enum MailTransport {
    /// Leave messages in the outbox.
    None,
    /// One `.eml` file per message in this directory.
    Directory(PathBuf),
    /// An SMTP server, e.g. `smtps://user:password@mail.example.vn:465` or
    /// `smtp://relay.local:25`.
    Smtp(String),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Directory(d) => write!(f, "Directory({})", d.display()),
            // The URL may hold a password.
            Self::Smtp(_) => f.write_str("Smtp(***)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The sender, e.g. `Một cửa điện tử <noreply@motcua.example.vn>`.
    pub from: String,
}

/// Messages claimed per run.
const BATCH: u32 = 50;
/// How long a claimed message is reserved for the claiming instance.
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Attempts after which a message waits a day between tries.
const MAX_BACKOFF_EXP: i32 = 10;

enum Sender {
    None,
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct Mailer {
    sender: Sender,
    from: Mailbox,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("mail.from {:?} is not an address: {e}", settings.from))?;
        let sender = match &settings.transport {
            MailTransport::None => Sender::None,
            MailTransport::Directory(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create mail directory {}: {e}", dir.display()))?;
                Sender::File(AsyncFileTransport::new(dir))
            }
            MailTransport::Smtp(url) => Sender::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("invalid mail.smtp_url: {e}"))?
                    .build(),
            ),
        };
        Ok(Self { sender, from })
    }

    fn build(&self, m: &OutboxMessage) -> Result<Message, String> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| format!("recipient is not an address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| format!("cannot build message: {e}"))
    }

    async fn send(&self, m: &OutboxMessage) -> Result<(), String> {
        let message = self.build(m)?;
        match &self.sender {
            Sender::None => Err("no mail transport configured".into()),
            Sender::File(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Sender::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }

    /// Sends what is due; returns how many were sent.
    pub async fn deliver_due(&self, store: &Arc<dyn Store>) -> Result<usize, String> {
        if matches!(self.sender, Sender::None) {
            return Ok(0);
        }
        let now = Utc::now();
        let claimed = store
            .claim_messages(now, now + LEASE, BATCH)
            .await
            .map_err(|e| e.to_string())?;
        let mut sent = 0;
        for m in claimed.iter().filter(|m| m.channel == "email") {
            match self.send(m).await {
                Ok(()) => {
                    store
                        .mark_message_sent(m.id, Utc::now())
                        .await
                        .map_err(|e| e.to_string())?;
                    sent += 1;
                }
                Err(err) => {
                    let exp = m.attempts.clamp(0, MAX_BACKOFF_EXP) as u32;
                    let retry = Utc::now()
                        + TimeDelta::seconds(30 * 2_i64.pow(exp)).min(TimeDelta::days(1));
                    // The error text comes from the transport, never from the message body.
                    tracing::warn!(message_id = m.id, attempts = m.attempts + 1, error = %err, "e-mail delivery failed; will retry");
                    store
                        .mark_message_failed(m.id, &err, retry)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(sent)
    }
}

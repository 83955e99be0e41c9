//! Outbox delivery through the directory transport, on the backend of the test run.

use std::sync::Arc;

use motcua_store::NewOutboxMessage;
use motcua_worker::mail::{MailSettings, MailTransport, Mailer};

#[tokio::test]
async fn outbox_messages_are_delivered_once_and_failures_retried() {
    let t = motcua_store::testing::fresh_store().await;
    let store: Arc<dyn motcua_store::Store> = t.store.clone();
    let dir = tempfile::tempdir().unwrap();
    let good = store
        .enqueue_message(&NewOutboxMessage {
            channel: "email".into(),
            recipient: "nguoi.dan@example.vn".into(),
            subject: "Đặt lại mật khẩu".into(),
            body: "Liên kết: https://motcua.example/password/reset?token=abc".into(),
        })
        .await
        .unwrap();
    let bad = store
        .enqueue_message(&NewOutboxMessage {
            channel: "email".into(),
            recipient: "not an address".into(),
            subject: "x".into(),
            body: "y".into(),
        })
        .await
        .unwrap();
    let mailer = Mailer::new(&MailSettings {
        transport: MailTransport::Directory(dir.path().to_owned()),
        from: "Một cửa điện tử <noreply@motcua.example.vn>".into(),
    })
    .unwrap();
    assert_eq!(mailer.deliver_due(&store).await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "one .eml written");
    let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(eml.contains("nguoi.dan@example.vn"));
    // A second run sends nothing more: the good one is sent, the bad one waits to retry.
    assert_eq!(mailer.deliver_due(&store).await.unwrap(), 0);
    let sent = store.messages_to("nguoi.dan@example.vn").await.unwrap();
    assert_eq!(sent[0].id, good);
    assert!(sent[0].sent_at.is_some());
    let failed = store.messages_to("not an address").await.unwrap();
    assert_eq!(failed[0].id, bad);
    assert!(failed[0].sent_at.is_none());
    assert_eq!(failed[0].attempts, 1);
    assert!(failed[0].last_error.is_some());
    assert!(failed[0].next_attempt_at > chrono::Utc::now());
}

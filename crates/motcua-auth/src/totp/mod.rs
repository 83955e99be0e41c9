//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second
//! steps — the only combination every authenticator app supports.
//!
//! - [`TotpSecret::generate`] draws a 160-bit key (RFC 4226 §4 recommends 160 bits);
//!   [`TotpSecret::provisioning_uri`] gives the `otpauth://` URI to show as a QR code, and
//!   [`TotpSecret::to_base32`] the same key for typing in.
//! - [`TotpSecret::verify`] accepts the current step and one step either side (clock drift and
//!   typing time), and refuses any step at or before the last one used: the caller stores the
//!   returned step as `last_used_step`, so a code seen over someone's shoulder cannot be
//!   replayed, not even within its 30 seconds.
//! - [`recovery`]: one-time recovery codes for a lost phone.
//!
//! The key must be stored so the server can compute codes (it cannot be hashed); the storage
//! layer should encrypt it at rest if it can.

pub mod recovery;

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::secret::{RngError, Secret, random_bytes};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "motcua";
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Seconds per time step.
pub const PERIOD_SECS: i64 = 30;
/// Steps accepted on either side of the current one.
pub const SKEW_STEPS: u64 = 1;
/// Bytes in a generated key (160 bits).
pub const SECRET_LEN: usize = 20;
/// The shortest key accepted when importing one (RFC 4226 §4: at least 128 bits).
pub const MIN_SECRET_LEN: usize = 16;

/// Why a key could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpSecretError {
    #[error("the key is not valid base32")]
    NotBase32,
    #[error("the key is shorter than {MIN_SECRET_LEN} bytes")]
    TooShort,
}

/// Why a presented code was refused. The distinction is for the message shown to the person
/// who typed it; all three count as a failed attempt for throttling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpRejection {
    /// Not six digits (after removing spaces and hyphens).
    #[error("a code is six digits")]
    Malformed,
    /// Six digits, but not the code of any accepted step.
    #[error("wrong or expired code")]
    Wrong,
    /// The code of a step already used: wait for the next code.
    #[error("this code has already been used")]
    Replayed,
}

/// A TOTP key. `Debug` prints `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSecret(Secret<Vec<u8>>);

impl TotpSecret {
    /// A fresh 160-bit key from the OS random number generator.
    pub fn generate() -> Result<Self, RngError> {
        Ok(Self(Secret::new(random_bytes::<SECRET_LEN>()?.to_vec())))
    }

    /// A key from its raw bytes (as stored).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TotpSecretError> {
        if bytes.len() < MIN_SECRET_LEN {
            return Err(TotpSecretError::TooShort);
        }
        Ok(Self(Secret::new(bytes.to_vec())))
    }

    /// A key from base32 as people type it: case, spaces, hyphens and `=` padding ignored.
    pub fn from_base32(text: &str) -> Result<Self, TotpSecretError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = Secret::new(
            BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| TotpSecretError::NotBase32)?,
        );
        Self::from_bytes(bytes.expose())
    }

    /// The raw key, to store it.
    pub fn expose_bytes(&self) -> &[u8] {
        self.0.expose()
    }

    /// The key in unpadded upper-case base32, for people who cannot scan the QR code.
    pub fn to_base32(&self) -> Secret<String> {
        Secret::new(BASE32_NOPAD.encode(self.0.expose()))
    }

    /// The Key URI (`otpauth://totp/motcua:<label>?secret=…&issuer=motcua&…`) that
    /// authenticator apps read from a QR code. `account_label` is what the person recognises
    /// their account by (login name or e-mail address); it is percent-encoded.
    pub fn provisioning_uri(&self, account_label: &str) -> Secret<String> {
        let issuer = percent_encode(ISSUER);
        Secret::new(format!(
            "otpauth://totp/{issuer}:{label}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={PERIOD_SECS}",
            label = percent_encode(account_label),
            secret = self.to_base32().expose(),
        ))
    }

    /// The code for time step `step` (zero-padded to six digits).
    pub fn code_for_step(&self, step: u64) -> String {
        format!(
            "{:0width$}",
            hotp(self.0.expose(), step, DIGITS),
            width = DIGITS as usize
        )
    }

    /// The code valid at `at`.
    pub fn code_at(&self, at: DateTime<Utc>) -> String {
        self.code_for_step(time_step(at).unwrap_or(0))
    }

    /// Checks `code` at time `now`. On success returns the matched time step, which the caller
    /// must store as the account's `last_used_step` and pass back next time (`None` before the
    /// first use). Steps at or before `last_used_step` are refused as replays.
    ///
    /// All candidate steps are computed and compared in constant time, so the response time
    /// does not depend on which step (if any) matched.
    pub fn verify(
        &self,
        code: &str,
        now: DateTime<Utc>,
        last_used_step: Option<u64>,
    ) -> Result<u64, TotpRejection> {
        let presented: String = code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if presented.len() != DIGITS as usize || !presented.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpRejection::Malformed);
        }
        let Some(current) = time_step(now) else {
            return Err(TotpRejection::Wrong);
        };
        let mut fresh_match = None;
        let mut replayed_match = false;
        for step in current.saturating_sub(SKEW_STEPS)..=current.saturating_add(SKEW_STEPS) {
            let expected = self.code_for_step(step);
            let matches: bool = expected.as_bytes().ct_eq(presented.as_bytes()).into();
            if matches {
                if last_used_step.is_some_and(|last| step <= last) {
                    replayed_match = true;
                } else {
                    // The latest matching step wins, so `last_used_step` only moves forward.
                    fresh_match = Some(step);
                }
            }
        }
        match (fresh_match, replayed_match) {
            (Some(step), _) => Ok(step),
            (None, true) => Err(TotpRejection::Replayed),
            (None, false) => Err(TotpRejection::Wrong),
        }
    }
}

/// The RFC 6238 time step of `at` (Unix time divided by 30), or `None` before 1970.
pub fn time_step(at: DateTime<Utc>) -> Option<u64> {
    u64::try_from(at.timestamp().div_euclid(PERIOD_SECS)).ok()
}

/// RFC 4226 HOTP with HMAC-SHA-1: the `digits`-digit code (1–9 digits) for `counter`.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation (RFC 4226 §5.3).
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits.clamp(1, 9))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// The SHA-1 key of RFC 6238 Appendix B (and RFC 4226 Appendix D).
    const RFC_KEY: &[u8] = b"12345678901234567890";

    fn at(unix: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(unix, 0).unwrap()
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(hotp(RFC_KEY, counter as u64, 6), code, "counter {counter}");
        }
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        // Appendix B, SHA-1 rows: time, step (hex), 8-digit TOTP.
        let rows: [(i64, u64, u32); 6] = [
            (59, 0x1, 94287082),
            (1111111109, 0x23523EC, 7081804),
            (1111111111, 0x23523ED, 14050471),
            (1234567890, 0x273EF07, 89005924),
            (2000000000, 0x3F940AA, 69279037),
            (20000000000, 0x27BC86AA, 65353130),
        ];
        let secret = TotpSecret::from_bytes(RFC_KEY).unwrap();
        for (time, step, code8) in rows {
            assert_eq!(time_step(at(time)), Some(step), "{time}");
            assert_eq!(hotp(RFC_KEY, step, 8), code8, "{time}");
            // Six digits are the last six of the eight.
            let code6 = format!("{:06}", code8 % 1_000_000);
            assert_eq!(secret.code_at(at(time)), code6, "{time}");
            assert_eq!(secret.verify(&code6, at(time), None), Ok(step), "{time}");
        }
    }

    #[test]
    fn one_step_of_skew_either_side_and_no_more() {
        let secret = TotpSecret::from_bytes(RFC_KEY).unwrap();
        let now = at(1_700_000_015);
        let step = time_step(now).unwrap();
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let s = step.checked_add_signed(offset).unwrap();
            let result = secret.verify(&secret.code_for_step(s), now, None);
            if accepted {
                assert_eq!(result, Ok(s), "offset {offset}");
            } else {
                assert_eq!(result, Err(TotpRejection::Wrong), "offset {offset}");
            }
        }
    }

    #[test]
    fn a_used_step_cannot_be_replayed() {
        let secret = TotpSecret::generate().unwrap();
        let now = at(1_700_000_000);
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(
            secret.verify(&code, now, Some(step)),
            Err(TotpRejection::Replayed)
        );
        // Still refused 20 s later, while the code would otherwise be within the window.
        assert_eq!(
            secret.verify(&code, at(1_700_000_020), Some(step)),
            Err(TotpRejection::Replayed)
        );
        // A code of an earlier step, still in the window, is refused too.
        let previous = secret.code_for_step(step - 1);
        assert_eq!(
            secret.verify(&previous, now, Some(step)),
            Err(TotpRejection::Replayed)
        );
        // The next step's code is fine.
        let next = at(1_700_000_030);
        assert_eq!(
            secret.verify(&secret.code_at(next), next, Some(step)),
            Ok(step + 1)
        );
    }

    #[test]
    fn malformed_codes_are_refused_before_any_computation() {
        let secret = TotpSecret::generate().unwrap();
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "12 34 5"] {
            assert_eq!(
                secret.verify(bad, at(1_700_000_000), None),
                Err(TotpRejection::Malformed),
                "{bad:?}"
            );
        }
        // Spaces and hyphens people type are ignored.
        let now = at(1_700_000_000);
        let code = secret.code_at(now);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(secret.verify(&spaced, now, None).is_ok());
        assert_eq!(
            secret.verify("000000", at(-100), None),
            Err(TotpRejection::Wrong)
        );
    }

    #[test]
    fn secrets_are_160_bits_and_round_trip_through_base32() {
        let secret = TotpSecret::generate().unwrap();
        assert_eq!(secret.expose_bytes().len(), 20);
        let b32 = secret.to_base32();
        assert_eq!(b32.expose().len(), 32);
        assert_eq!(TotpSecret::from_base32(b32.expose()).unwrap(), secret);
        let typed = b32.expose().to_lowercase().replace("", " ");
        assert_eq!(TotpSecret::from_base32(&typed).unwrap(), secret);
        assert_ne!(TotpSecret::generate().unwrap(), secret);
        assert_eq!(
            TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
                .unwrap()
                .expose_bytes(),
            RFC_KEY
        );
        assert_eq!(
            TotpSecret::from_base32("not base32!"),
            Err(TotpSecretError::NotBase32)
        );
        assert_eq!(
            TotpSecret::from_base32("GEZDGNBV"),
            Err(TotpSecretError::TooShort)
        );
        assert_eq!(format!("{secret:?}"), "TotpSecret(***)");
    }

    #[test]
    fn provisioning_uri_follows_the_key_uri_format() {
        let secret = TotpSecret::from_bytes(RFC_KEY).unwrap();
        let uri = secret.provisioning_uri("Nguyễn Văn A <an@example.vn>");
        assert_eq!(
            uri.expose(),
            "otpauth://totp/motcua:Nguy%E1%BB%85n%20V%C4%83n%20A%20%3Can%40example.vn%3E\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=motcua&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{uri:?}"), "***");
    }
}

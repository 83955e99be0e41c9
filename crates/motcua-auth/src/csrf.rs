//! CSRF protection: synchronizer tokens bound to the session, for every form that changes
//! something.
//!
//! Each session has a [`CsrfKey`], either derived from the server's secret and the session
//! ([`CsrfKey::derive`], nothing to store, changes with the session) or drawn at random and
//! stored with the session ([`CsrfKey::generate`]). A form carries
//! [`csrf_token`]`(key)`: a fresh 128-bit nonce and `HMAC-SHA256(key, nonce)`. The token is
//! different on every page — so a compressed response cannot be used to guess it byte by byte
//! (BREACH) — yet any of them verifies against the session's key ([`verify_csrf`]), so several
//! open tabs keep working.
//!
//! A token from another session, an old session, or another server secret does not verify.
//! Forms shown before login (the login form itself) need a pre-session: the web layer gives
//! anonymous visitors a session cookie too, and rotates it at login.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use data_encoding::BASE64URL_NOPAD;

use crate::secret::{RngError, Secret, random_bytes};
use crate::token::TokenHash;

/// Domain separation: these MACs mean nothing anywhere else.
const CONTEXT: &[u8] = b"motcua/csrf/v1";
const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 32;
/// Characters in a token (48 bytes in unpadded base64url).
pub const CSRF_TOKEN_LEN: usize = 64;

/// A session's CSRF key. `Debug` prints `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfKey(Secret<[u8; 32]>);

impl CsrfKey {
    /// A random key, to store with the session.
    pub fn generate() -> Result<Self, RngError> {
        Ok(Self(Secret::new(random_bytes::<32>()?)))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Secret::new(bytes))
    }

    pub fn expose_bytes(&self) -> &[u8; 32] {
        self.0.expose()
    }

    /// The key of the session whose token digest is `session`, under the server secret
    /// `server_secret` (at least 32 random bytes, shared by all instances). Nothing is stored;
    /// a new session (for instance at login) gets a new key.
    pub fn derive(server_secret: &[u8], session: &TokenHash) -> Self {
        let mut mac = hmac(server_secret);
        mac.update(CONTEXT);
        mac.update(b"/key/");
        mac.update(session.as_bytes());
        Self(Secret::new(mac.finalize().into_bytes().into()))
    }
}

/// A token for one form: `base64url(nonce ‖ HMAC-SHA256(key, nonce))`, 64 characters.
pub fn csrf_token(key: &CsrfKey) -> Result<String, RngError> {
    let nonce = random_bytes::<NONCE_LEN>()?;
    let mut bytes = Vec::with_capacity(NONCE_LEN + TAG_LEN);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&tag(key, &nonce).finalize().into_bytes());
    Ok(BASE64URL_NOPAD.encode(&bytes))
}

/// Whether `presented` is a token made by [`csrf_token`] with `key`. The MAC comparison is
/// constant-time.
pub fn verify_csrf(key: &CsrfKey, presented: &str) -> bool {
    if presented.len() != CSRF_TOKEN_LEN {
        return false;
    }
    let Ok(bytes) = BASE64URL_NOPAD.decode(presented.as_bytes()) else {
        return false;
    };
    let (nonce, presented_tag) = bytes.split_at(NONCE_LEN);
    tag(key, nonce).verify_slice(presented_tag).is_ok()
}

fn tag(key: &CsrfKey, nonce: &[u8]) -> Hmac<Sha256> {
    let mut mac = hmac(key.expose_bytes());
    mac.update(CONTEXT);
    mac.update(b"/token/");
    mac.update(nonce);
    mac
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_against_their_session_only() {
        let key = CsrfKey::generate().unwrap();
        let other = CsrfKey::generate().unwrap();
        let a = csrf_token(&key).unwrap();
        let b = csrf_token(&key).unwrap();
        assert_eq!(a.len(), CSRF_TOKEN_LEN);
        assert_ne!(a, b, "a fresh nonce every time");
        assert!(verify_csrf(&key, &a) && verify_csrf(&key, &b));
        assert!(!verify_csrf(&other, &a));
        assert_eq!(format!("{key:?}"), "CsrfKey(***)");
    }

    #[test]
    fn tampered_or_malformed_tokens_fail() {
        let key = CsrfKey::generate().unwrap();
        let token = csrf_token(&key).unwrap();
        let mut flipped = token.clone().into_bytes();
        // Change one character of the tag, keeping it valid base64url.
        flipped[40] = if flipped[40] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        let nonce_changed = format!(
            "{}{}",
            if token.starts_with('A') { "B" } else { "A" },
            &token[1..]
        );
        for bad in [
            String::new(),
            token[1..].to_owned(),
            format!("{token}A"),
            flipped,
            nonce_changed,
            "!".repeat(CSRF_TOKEN_LEN),
        ] {
            assert!(!verify_csrf(&key, &bad), "{bad}");
        }
    }

    #[test]
    fn derived_keys_follow_the_session_and_the_server_secret() {
        let session = TokenHash::of("session one");
        let k1 = CsrfKey::derive(b"server secret of 32 bytes or more", &session);
        let same = CsrfKey::derive(b"server secret of 32 bytes or more", &session);
        let other_session = CsrfKey::derive(
            b"server secret of 32 bytes or more",
            &TokenHash::of("session two"),
        );
        let other_server = CsrfKey::derive(b"another server secret, 32 bytes+", &session);
        assert_eq!(k1, same);
        let token = csrf_token(&k1).unwrap();
        assert!(verify_csrf(&same, &token));
        assert!(!verify_csrf(&other_session, &token));
        assert!(!verify_csrf(&other_server, &token));
        assert_eq!(CsrfKey::from_bytes(*k1.expose_bytes()), k1);
    }
}

//! API keys for integrating systems: `mc_live_<id>_<secret>`.
//!
//! - The prefix `mc_live_` makes a leaked key recognisable to secret scanners and to people.
//! - The id (8 characters) is stored in clear and indexed, so a presented key is looked up by
//!   id and then checked against its digest; it also names the key in the security log and in
//!   the administration pages without revealing anything.
//! - The secret (52 characters, 260 bits) is never stored; the server keeps the SHA-256 digest
//!   of the whole key ([`TokenHash`]), so the id cannot be moved to another secret.
//!
//! Ids are random (40 bits); the storage layer must keep them unique and generate again on
//! the rare collision. Revocation and expiry belong to the stored record.

use std::fmt;

use crate::secret::{RngError, Secret, random_string};
use crate::token::TokenHash;

/// The fixed start of every key.
pub const API_KEY_PREFIX: &str = "mc_live_";

/// Lower-case Crockford base32: no `_` (the separator), nothing ambiguous, selectable with a
/// double click.
const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
const ID_LEN: usize = 8;
const SECRET_LEN: usize = 52;

/// The public identifier of a key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiKeyId(String);

impl ApiKeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stored id; `None` when it has not the shape of one.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == ID_LEN && text.bytes().all(|b| ALPHABET.contains(&b)))
            .then(|| Self(text.to_owned()))
    }
}

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A freshly created key: store `id` and `hash`, show `key` once to the administrator.
#[derive(Debug)]
pub struct NewApiKey {
    pub id: ApiKeyId,
    pub hash: TokenHash,
    /// The full key, `mc_live_<id>_<secret>`; never stored, never logged.
    pub key: Secret<String>,
}

impl NewApiKey {
    pub fn generate() -> Result<Self, RngError> {
        let id = ApiKeyId(random_string(ALPHABET, ID_LEN)?);
        let secret = Secret::new(random_string(ALPHABET, SECRET_LEN)?);
        let key = Secret::new(format!("{API_KEY_PREFIX}{id}_{}", secret.expose()));
        Ok(Self {
            hash: TokenHash::of(key.expose()),
            id,
            key,
        })
    }
}

/// Why a presented key was refused before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    #[error("not a motcua API key")]
    Malformed,
}

/// A key as presented in a request, split so the id can be looked up. `Debug` hides the key.
#[derive(Debug)]
pub struct PresentedApiKey {
    pub id: ApiKeyId,
    key: Secret<String>,
}

impl PresentedApiKey {
    /// Checks the shape (prefix, id, secret length and alphabet) without any lookup.
    pub fn parse(presented: &str) -> Result<Self, ApiKeyError> {
        let presented = presented.trim();
        let rest = presented
            .strip_prefix(API_KEY_PREFIX)
            .ok_or(ApiKeyError::Malformed)?;
        let (id, secret) = rest.split_once('_').ok_or(ApiKeyError::Malformed)?;
        let id = ApiKeyId::parse(id).ok_or(ApiKeyError::Malformed)?;
        if secret.len() != SECRET_LEN || !secret.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(ApiKeyError::Malformed);
        }
        Ok(Self {
            id,
            key: Secret::new(presented.to_owned()),
        })
    }

    /// Whether this key is the one whose digest was stored under its id (constant time).
    pub fn verify(&self, stored: &TokenHash) -> bool {
        stored.matches(self.key.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_parses_and_verifies_against_its_hash() {
        let new = NewApiKey::generate().unwrap();
        let key = new.key.expose();
        assert!(key.starts_with("mc_live_"));
        assert_eq!(key.len(), 8 + ID_LEN + 1 + SECRET_LEN);
        assert_eq!(&key[8..16], new.id.as_str());
        let presented = PresentedApiKey::parse(key).unwrap();
        assert_eq!(presented.id, new.id);
        assert!(presented.verify(&new.hash));
        assert!(!presented.verify(&NewApiKey::generate().unwrap().hash));
        assert!(!format!("{new:?}").contains(&key[17..]));
        assert!(!format!("{presented:?}").contains(&key[17..]));
        assert_eq!(ApiKeyId::parse(new.id.as_str()), Some(new.id.clone()));
    }

    #[test]
    fn the_id_cannot_be_moved_to_another_secret() {
        let a = NewApiKey::generate().unwrap();
        let b = NewApiKey::generate().unwrap();
        let forged = format!("{API_KEY_PREFIX}{}_{}", a.id, &b.key.expose()[17..]);
        let presented = PresentedApiKey::parse(&forged).unwrap();
        assert_eq!(presented.id, a.id);
        assert!(!presented.verify(&a.hash));
        assert!(!presented.verify(&b.hash));
    }

    #[test]
    fn malformed_keys_are_refused() {
        let good = NewApiKey::generate().unwrap().key.expose().clone();
        let secret = &good[17..];
        for bad in [
            String::new(),
            "mc_live_".to_owned(),
            good.replace("mc_live_", "mc_test_"),
            good.replacen('_', "-", 1),
            format!("mc_live_abcdefg_{secret}"),
            format!("mc_live_abcdefgh_{}", &secret[1..]),
            format!("mc_live_abcdefgh_{secret}x"),
            format!("mc_live_ABCDEFGH_{secret}"),
            format!("mc_live_abcdefgh_{}u", &secret[1..]),
        ] {
            assert_eq!(
                PresentedApiKey::parse(&bad).unwrap_err(),
                ApiKeyError::Malformed,
                "{bad}"
            );
        }
        assert!(PresentedApiKey::parse(&format!(" {good}\n")).is_ok());
    }
}

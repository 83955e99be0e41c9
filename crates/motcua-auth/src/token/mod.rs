//! Random opaque tokens — session, password reset, e-mail confirmation — and API keys.
//!
//! A token is 256 bits from the OS random number generator, sent to its owner once as
//! unpadded URL-safe base64 (43 characters, safe in cookies, URLs and headers). The server
//! stores only its SHA-256 digest, a [`TokenHash`]: someone who reads the sessions table (a
//! backup, an SQL injection elsewhere) holds digests, and cannot turn them back into tokens.
//! A fast hash is enough because the token has full entropy, unlike a password.
//!
//! Lookups are by digest (`WHERE token_hash = ?`): the database compares digests, never the
//! secret, so its comparison timing reveals nothing about the token.

mod api_key;
mod scope;

use std::fmt;

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use api_key::{API_KEY_PREFIX, ApiKeyError, ApiKeyId, NewApiKey, PresentedApiKey};
pub use scope::{Scope, ScopeSet};

use crate::secret::{RngError, Secret, random_bytes};

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
/// Characters in a token's text form.
pub const TOKEN_LEN: usize = 43;

/// A freshly generated token, to hand to its owner once. `Debug` prints `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token(Secret<String>);

impl Token {
    pub fn generate() -> Result<Self, RngError> {
        Ok(Self(Secret::new(
            BASE64URL_NOPAD.encode(&random_bytes::<TOKEN_BYTES>()?),
        )))
    }

    /// The token's text, to put in a cookie, a link or a response.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// What to store.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(self.expose())
    }

    /// Whether `presented` has the shape of a token; anything else can be refused without a
    /// lookup.
    pub fn is_well_formed(presented: &str) -> bool {
        presented.len() == TOKEN_LEN
            && presented
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
}

/// The SHA-256 digest of a token, as stored. Equality is constant-time. `Debug` shows only a
/// prefix, enough to correlate log lines.
#[derive(Clone, Copy, Eq)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The digest of a presented token's text.
    pub fn of(presented: &str) -> Self {
        Self(Sha256::digest(presented.as_bytes()).into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex, 64 characters, for text columns.
    pub fn to_hex(&self) -> String {
        HEXLOWER.encode(&self.0)
    }

    /// The digest from [`TokenHash::to_hex`]'s form.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = HEXLOWER.decode(hex.as_bytes()).ok()?;
        bytes.try_into().ok().map(Self)
    }

    /// Whether `presented` is the token this is the digest of, in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        *self == Self::of(presented)
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl std::hash::Hash for TokenHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Equal digests are equal bytes, so this agrees with the constant-time `eq`.
        self.0.hash(state);
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_unique() {
        let tokens: Vec<Token> = (0..100).map(|_| Token::generate().unwrap()).collect();
        for (i, t) in tokens.iter().enumerate() {
            assert!(Token::is_well_formed(t.expose()), "{}", t.expose());
            assert!(!tokens[..i].contains(t));
        }
        assert_eq!(format!("{:?}", tokens[0]), "Token(***)");
        assert!(!Token::is_well_formed(""));
        assert!(!Token::is_well_formed(&"a".repeat(44)));
        assert!(!Token::is_well_formed(&format!("{}=", "a".repeat(42))));
    }

    #[test]
    fn the_digest_is_sha256_of_the_text() {
        // FIPS 180-2 example: SHA-256("abc").
        assert_eq!(
            TokenHash::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = Token::generate().unwrap();
        let hash = token.hash();
        assert!(hash.matches(token.expose()));
        assert!(!hash.matches(&token.expose()[1..]));
        assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(TokenHash::from_bytes(*hash.as_bytes()), hash);
        assert_eq!(TokenHash::from_hex("abc"), None);
        assert_eq!(TokenHash::from_hex(&"AB".repeat(32)), None);
        assert_eq!(
            format!("{:?}", TokenHash::of("abc")),
            "TokenHash(ba7816bf…)"
        );
    }
}

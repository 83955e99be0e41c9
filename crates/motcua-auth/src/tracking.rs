//! The secret printed in a dossier receipt's QR code, which lets anyone holding the paper
//! track the dossier without typing a phone number or ID digits.
//!
//! The secret is not stored: it is `HMAC-SHA256(server secret, dossier salt)`, where the
//! salt is a random value stored with the dossier. So every print of the receipt (form 01,
//! reprints, the other forms) carries the same secret, an idempotent replay of the creating
//! call can answer with it again, and rotating the server secret invalidates every printed
//! code at once. 128 bits, in unpadded lowercase base32 (26 characters, URL-safe).

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Domain separation: these MACs mean nothing anywhere else.
const CONTEXT: &[u8] = b"motcua/tracking/v1/";
const SECRET_BYTES: usize = 16;

fn mac(server_secret: &[u8], salt: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(server_secret).expect("HMAC accepts keys of any length");
    mac.update(CONTEXT);
    mac.update(salt.as_bytes());
    mac
}

/// The tracking secret of the dossier whose salt is `salt`.
pub fn tracking_secret(server_secret: &[u8], salt: &str) -> String {
    let tag = mac(server_secret, salt).finalize().into_bytes();
    BASE32_NOPAD
        .encode(&tag[..SECRET_BYTES])
        .to_ascii_lowercase()
}

/// Whether `presented` is that dossier's secret (case-insensitive, constant-time compare).
pub fn verify_tracking_secret(server_secret: &[u8], salt: &str, presented: &str) -> bool {
    let Ok(bytes) = BASE32_NOPAD.decode(presented.trim().to_ascii_uppercase().as_bytes()) else {
        return false;
    };
    bytes.len() == SECRET_BYTES
        && mac(server_secret, salt)
            .verify_truncated_left(&bytes)
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_salt_gives_the_same_secret_and_only_it_verifies() {
        let key = [7u8; 32];
        let a = tracking_secret(&key, "salt-a");
        assert_eq!(a.len(), 26);
        assert_eq!(a, tracking_secret(&key, "salt-a"));
        assert!(verify_tracking_secret(&key, "salt-a", &a));
        assert!(verify_tracking_secret(&key, "salt-a", &a.to_uppercase()));
        assert!(!verify_tracking_secret(&key, "salt-b", &a));
        assert!(!verify_tracking_secret(&[8u8; 32], "salt-a", &a));
        assert!(!verify_tracking_secret(&key, "salt-a", &a[..25]));
        assert!(!verify_tracking_secret(&key, "salt-a", ""));
        assert!(!verify_tracking_secret(&key, "salt-a", "not base32 !"));
        let mut flipped = a.clone().into_bytes();
        flipped[0] = if flipped[0] == b'a' { b'b' } else { b'a' };
        assert!(!verify_tracking_secret(
            &key,
            "salt-a",
            std::str::from_utf8(&flipped).unwrap()
        ));
    }
}

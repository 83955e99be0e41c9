//! One-time recovery codes, for a person who lost the phone holding their TOTP key.
//!
//! [`generate`] makes [`COUNT`] codes of [`LEN`] characters from Crockford's base32 alphabet
//! (no `i`, `l`, `o`, `u`: nothing to misread on paper), 50 bits each, shown once as
//! `xxxxx-xxxxx`. They are stored as argon2id hashes ([`hash_all`]); 50 bits is too little for
//! a fast hash to protect against someone holding a copy of the database.
//!
//! All of one account's codes share a salt, so checking a presented code costs one argon2
//! computation however many codes remain ([`find`]). Reading is forgiving: case, spaces and
//! hyphens are ignored and `i`/`l` read as `1`, `o` as `0`.
//!
//! A used code must be deleted by the caller ([`find`] returns its index).

use argon2::password_hash::{CustomizedPasswordHasher as _, PasswordHasher as _};
use argon2::{Params, PasswordHash};
use subtle::ConstantTimeEq;

use crate::password::{PasswordError, PasswordHasher};
use crate::secret::{RngError, Secret, random_bytes, random_string};

/// Codes generated at a time.
pub const COUNT: usize = 10;
/// Characters per code (without the hyphen).
pub const LEN: usize = 10;

/// Crockford's base32 alphabet, lower case.
const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// One recovery code, in canonical form (10 lower-case characters). `Debug` prints `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCode(Secret<String>);

impl RecoveryCode {
    /// The code as shown to its owner: `abcde-fghjk`.
    pub fn display(&self) -> Secret<String> {
        let code = self.0.expose();
        Secret::new(format!("{}-{}", &code[..LEN / 2], &code[LEN / 2..]))
    }

    /// Reads a code as typed; `None` when it cannot be a recovery code at all.
    pub fn parse(input: &str) -> Option<Self> {
        let mut canonical = String::with_capacity(LEN);
        for c in input.chars() {
            let c = match c.to_ascii_lowercase() {
                ' ' | '-' | '\t' => continue,
                'i' | 'l' => '1',
                'o' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            canonical.push(c);
        }
        (canonical.len() == LEN).then(|| Self(Secret::new(canonical)))
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.expose().as_bytes()
    }
}

/// [`COUNT`] fresh codes.
pub fn generate() -> Result<Vec<RecoveryCode>, RngError> {
    (0..COUNT)
        .map(|_| Ok(RecoveryCode(Secret::new(random_string(ALPHABET, LEN)?))))
        .collect()
}

/// The PHC strings to store for `codes`, all with one fresh salt and `hasher`'s parameters.
pub fn hash_all(
    hasher: &PasswordHasher,
    codes: &[RecoveryCode],
) -> Result<Vec<String>, PasswordError> {
    let salt = random_bytes::<16>()?;
    codes
        .iter()
        .map(|code| {
            hasher
                .argon2()
                .hash_password_with_salt(code.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(PasswordError::Argon2)
        })
        .collect()
}

/// The index in `stored` of the code matching `presented`, if any. Every stored hash is
/// compared (in constant time), whichever matches; one argon2 computation per distinct salt.
/// An unparseable `presented` costs one computation too, and matches nothing.
pub fn find(
    hasher: &PasswordHasher,
    presented: &str,
    stored: &[String],
) -> Result<Option<usize>, PasswordError> {
    let Some(code) = RecoveryCode::parse(presented) else {
        hasher.dummy_verify(presented);
        return Ok(None);
    };
    let mut computed: Vec<(String, PasswordHash)> = Vec::new();
    let mut found = None;
    for (index, phc) in stored.iter().enumerate() {
        let parsed = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Err(PasswordError::MalformedHash);
        };
        // Everything but the digest identifies one computation.
        let key = phc
            .rsplit_once('$')
            .map_or("", |(prefix, _)| prefix)
            .to_owned();
        let ours = match computed.iter().find(|(k, _)| *k == key) {
            Some((_, hash)) => hash.clone(),
            None => {
                let params = Params::try_from(&parsed).map_err(|_| PasswordError::MalformedHash)?;
                let hash = hasher
                    .argon2()
                    .hash_password_customized(
                        code.as_bytes(),
                        &salt,
                        Some(parsed.algorithm.as_str()),
                        parsed.version,
                        params,
                    )
                    .map_err(PasswordError::Argon2)?;
                computed.push((key, hash.clone()));
                hash
            }
        };
        let ours = ours.hash.ok_or(PasswordError::MalformedHash)?;
        if bool::from(ours.as_bytes().ct_eq(expected.as_bytes())) && found.is_none() {
            found = Some(index);
        }
    }
    if computed.is_empty() {
        hasher.dummy_verify(presented);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::HashParams;

    #[test]
    fn ten_distinct_codes_of_ten_characters() {
        let codes = generate().unwrap();
        assert_eq!(codes.len(), COUNT);
        for (i, code) in codes.iter().enumerate() {
            let shown = code.display();
            assert_eq!(shown.expose().len(), LEN + 1);
            assert_eq!(&shown.expose()[5..6], "-");
            assert!(!codes[..i].contains(code));
            assert_eq!(RecoveryCode::parse(shown.expose()).as_ref(), Some(code));
            assert_eq!(format!("{code:?}"), "RecoveryCode(***)");
        }
    }

    #[test]
    fn reading_is_forgiving_but_strict_about_length_and_alphabet() {
        let code = RecoveryCode::parse("abcde-01234").unwrap();
        for typed in [
            "ABCDE 01234",
            "abcdeo1234",
            "ABCDE-O1234",
            "abcde-0i234",
            "abcde0l234",
        ] {
            assert_eq!(RecoveryCode::parse(typed).as_ref(), Some(&code), "{typed}");
        }
        for bad in ["", "abcde", "abcde-012345", "abcde-0123u", "abcde-0123đ"] {
            assert!(RecoveryCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_code_is_found_once_among_the_stored_hashes() {
        let hasher = PasswordHasher::new(HashParams::fast_for_tests()).unwrap();
        let codes = generate().unwrap();
        let stored = hash_all(&hasher, &codes).unwrap();
        assert_eq!(stored.len(), COUNT);
        // One salt for all.
        let salt = |phc: &str| phc.split('$').nth(4).unwrap().to_owned();
        assert!(stored.iter().all(|s| salt(s) == salt(&stored[0])));
        assert!(stored[0].starts_with("$argon2id$"));

        let third = codes[3].display();
        assert_eq!(find(&hasher, third.expose(), &stored).unwrap(), Some(3));
        let upper = third.expose().to_uppercase();
        assert_eq!(find(&hasher, &upper, &stored).unwrap(), Some(3));
        // The caller deletes the used one; it no longer matches.
        let mut remaining = stored.clone();
        remaining.remove(3);
        assert_eq!(find(&hasher, third.expose(), &remaining).unwrap(), None);
        assert_eq!(find(&hasher, "00000-00000", &stored).unwrap(), None);
        assert_eq!(find(&hasher, "nonsense", &stored).unwrap(), None);
        assert_eq!(find(&hasher, third.expose(), &[]).unwrap(), None);
        assert_eq!(
            find(&hasher, third.expose(), &["garbage".to_owned()]),
            Err(PasswordError::MalformedHash)
        );
    }

    #[test]
    fn codes_hashed_in_separate_batches_are_all_found() {
        let hasher = PasswordHasher::new(HashParams::fast_for_tests()).unwrap();
        let first = generate().unwrap();
        let second = generate().unwrap();
        let mut stored = hash_all(&hasher, &first[..2]).unwrap();
        stored.extend(hash_all(&hasher, &second[..2]).unwrap());
        let code = second[1].display();
        assert_eq!(find(&hasher, code.expose(), &stored).unwrap(), Some(3));
    }
}

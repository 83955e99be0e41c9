//! Password hashing with argon2id, stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! The PHC string carries its own parameters, so hashes made with older, cheaper parameters
//! still verify; [`needs_rehash`] tells the login handler to re-hash with the current ones
//! right after a successful verification, while it still holds the plain password.
//!
//! Passwords are normalized to Unicode NFKC before hashing (NIST SP 800-63B §5.1.1.2):
//! Vietnamese input methods produce either precomposed (`ệ`) or combining (`ê` + `̣`)
//! characters for the same visible text, and a person must be able to log in from any
//! keyboard. The policy of what passwords are acceptable lives in
//! `motcua_domain::identity::password`.
//!
//! Messages must never reveal whether an account exists, and neither may response times:
//! when no account matches a login name, call [`PasswordHasher::dummy_verify`] so the request
//! costs as much as a real verification.

use std::sync::OnceLock;

use argon2::password_hash::{self, PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use unicode_normalization::UnicodeNormalization;

use crate::secret::{RngError, random_bytes};

/// The longest password accepted, in bytes after normalization. The domain policy allows 128
/// characters (at most 512 bytes); the margin covers NFKC expansion. Anything longer is not a
/// password but an attempt to make the server work.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The salt length in bytes (the argon2 recommendation).
const SALT_LEN: usize = 16;

/// The digest length in bytes.
const OUTPUT_LEN: usize = 32;

/// The cost parameters of argon2id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB (argon2 `m`).
    pub memory_kib: u32,
    /// Passes over the memory (argon2 `t`).
    pub iterations: u32,
    /// Lanes (argon2 `p`).
    pub parallelism: u32,
}

impl HashParams {
    /// OWASP Password Storage Cheat Sheet's recommended minimum for argon2id: 19 MiB, two
    /// passes, one lane. About 20–40 ms per hash on a server core, which bounds how many
    /// guesses per second a stolen database allows without making logins slow.
    pub const OWASP: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// The cheapest valid parameters, for tests that hash many passwords. Never in production.
    pub const fn fast_for_tests() -> Self {
        Self {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }

    fn to_argon2(self) -> Result<Params, PasswordError> {
        Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(OUTPUT_LEN),
        )
        .map_err(|_| PasswordError::InvalidParams)
    }
}

impl Default for HashParams {
    fn default() -> Self {
        Self::OWASP
    }
}

/// Why hashing or verification could not be carried out. A wrong password is not an error:
/// [`PasswordHasher::verify`] returns `Ok(false)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("invalid argon2 parameters")]
    InvalidParams,
    #[error("password longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// The stored hash is not a PHC string of an argon2 variant: corrupt data, never the
    /// user's fault.
    #[error("the stored password hash is not a valid argon2 PHC string")]
    MalformedHash,
    #[error(transparent)]
    Rng(#[from] RngError),
    #[error("argon2 failed: {0}")]
    Argon2(password_hash::Error),
}

/// Hashes and verifies passwords with one set of parameters. Cheap to share (`&self`
/// everywhere); build one at start-up.
pub struct PasswordHasher {
    params: HashParams,
    argon2: Argon2<'static>,
    /// A hash of a random password with the current parameters, made on first use, for
    /// [`PasswordHasher::dummy_verify`].
    dummy: OnceLock<String>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    pub fn new(params: HashParams) -> Result<Self, PasswordError> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.to_argon2()?);
        Ok(Self {
            params,
            argon2,
            dummy: OnceLock::new(),
        })
    }

    pub fn params(&self) -> HashParams {
        self.params
    }

    /// The configured argon2 context, for hashing other secrets the same way.
    pub(crate) fn argon2(&self) -> &Argon2<'static> {
        &self.argon2
    }

    /// The PHC string of `password` with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let normalized = normalize(password)?;
        let salt = random_bytes::<SALT_LEN>()?;
        let hash = self
            .argon2
            .hash_password_with_salt(normalized.as_bytes(), &salt)
            .map_err(PasswordError::Argon2)?;
        Ok(hash.to_string())
    }

    /// Whether `password` matches the stored `phc` string. The comparison is constant-time
    /// (inside the argon2 crate) and uses the parameters recorded in `phc`, not the current
    /// ones. An over-long password costs a dummy verification and is simply wrong.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        let parsed = parse(phc)?;
        let Ok(normalized) = normalize(password) else {
            self.dummy_verify(password);
            return Ok(false);
        };
        match self.argon2.verify_password(normalized.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(PasswordError::Argon2(e)),
        }
    }

    /// Spends the time of one verification and throws the result away. Call it when the login
    /// name matches no account (or an account without a password), so that the response time
    /// does not tell an attacker which names exist.
    pub fn dummy_verify(&self, password: &str) {
        let dummy = self.dummy.get_or_init(|| {
            let random = random_bytes::<16>().unwrap_or([0x5a; 16]);
            let filler: String = random.iter().map(|b| format!("{b:02x}")).collect();
            // With valid parameters (checked in `new`) and a short password, hashing only fails
            // when the OS RNG does; then any well-formed hash of these parameters will do.
            self.hash(&filler).unwrap_or_default()
        });
        let truncated: String = password.chars().take(MAX_PASSWORD_BYTES / 4).collect();
        if let Ok(parsed) = PasswordHash::new(dummy) {
            let _ = self.argon2.verify_password(truncated.as_bytes(), &parsed);
        } else {
            let _ = self.hash(&truncated);
        }
    }

    /// Whether `phc` should be replaced by a hash with this hasher's parameters.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        needs_rehash(phc, &self.params)
    }
}

/// Whether `phc` was made with another algorithm, version, parameters or sizes than `params`
/// describe (or cannot be read at all). After a successful login the handler re-hashes the
/// password and stores the new string, so raising the cost takes effect gradually.
pub fn needs_rehash(phc: &str, params: &HashParams) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(stored) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != argon2::ARGON2ID_IDENT.as_str()
        || parsed.version != Some(Version::V0x13.into())
        || stored.m_cost() != params.memory_kib
        || stored.t_cost() != params.iterations
        || stored.p_cost() != params.parallelism
        || parsed.hash.is_none_or(|h| h.len() != OUTPUT_LEN)
        || parsed.salt.is_none_or(|s| s.len() < SALT_LEN)
}

fn parse(phc: &str) -> Result<PasswordHash, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
    let algorithm = parsed.algorithm.as_str();
    if ![
        argon2::ARGON2ID_IDENT,
        argon2::ARGON2I_IDENT,
        argon2::ARGON2D_IDENT,
    ]
    .iter()
    .any(|ident| ident.as_str() == algorithm)
        || parsed.salt.is_none()
        || parsed.hash.is_none()
    {
        return Err(PasswordError::MalformedHash);
    }
    Ok(parsed)
}

fn normalize(password: &str) -> Result<zeroize::Zeroizing<String>, PasswordError> {
    let normalized = zeroize::Zeroizing::new(password.nfkc().collect::<String>());
    if normalized.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordHasher {
        PasswordHasher::new(HashParams::fast_for_tests()).unwrap()
    }

    #[test]
    fn default_parameters_are_owasps() {
        assert_eq!(
            HashParams::default(),
            HashParams {
                memory_kib: 19456,
                iterations: 2,
                parallelism: 1
            }
        );
    }

    #[test]
    fn owasp_hash_has_the_phc_shape_and_verifies() {
        let hasher = PasswordHasher::new(HashParams::default()).unwrap();
        let phc = hasher.hash("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher.verify("correct horse battery staple", &phc).unwrap());
        assert!(!hasher.verify("correct horse battery stapl", &phc).unwrap());
        assert!(!hasher.needs_rehash(&phc));
    }

    #[test]
    fn salts_make_every_hash_different() {
        let hasher = fast();
        let a = hasher.hash("mật khẩu rất dài").unwrap();
        let b = hasher.hash("mật khẩu rất dài").unwrap();
        assert_ne!(a, b);
        assert!(hasher.verify("mật khẩu rất dài", &a).unwrap());
        assert!(hasher.verify("mật khẩu rất dài", &b).unwrap());
    }

    #[test]
    fn composed_and_decomposed_vietnamese_are_the_same_password() {
        let hasher = fast();
        let composed = "Nghệ An quê tôi";
        let decomposed = "Nghe\u{302}\u{323} An que\u{302} to\u{302}i";
        assert_ne!(composed, decomposed);
        let phc = hasher.hash(composed).unwrap();
        assert!(hasher.verify(decomposed, &phc).unwrap());
        assert!(!hasher.verify("Nghe An que toi", &phc).unwrap());
    }

    #[test]
    fn reference_implementation_vector_verifies() {
        // From the test suite of the reference C implementation (argon2id, v=19, m=2^8 KiB,
        // t=2, p=1, password "password", salt "somesalt"): pins the algorithm and the
        // encoding, not just our own round trip.
        let hasher = fast();
        let phc =
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        assert!(hasher.verify("password", phc).unwrap());
        assert!(!hasher.verify("Password", phc).unwrap());
        // An 8-byte salt and other parameters: replaced at the next login.
        assert!(needs_rehash(phc, &HashParams::fast_for_tests()));
    }

    #[test]
    fn malformed_hashes_are_errors_not_false() {
        let hasher = fast();
        for bad in [
            "",
            "plain text",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$argon2id$v=19$m=16,t=2,p=1$c29tZXNhbHQ",
            "$pbkdf2-sha256$29000$N2bMeS8F4Bwj5DyHMAYA$abc",
        ] {
            assert_eq!(
                hasher.verify("password", bad),
                Err(PasswordError::MalformedHash),
                "{bad:?}"
            );
            assert!(needs_rehash(bad, &HashParams::default()));
        }
    }

    #[test]
    fn over_long_passwords_are_refused_when_hashing_and_wrong_when_verifying() {
        let hasher = fast();
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(hasher.hash(&long), Err(PasswordError::TooLong));
        let phc = hasher.hash(&long[..MAX_PASSWORD_BYTES]).unwrap();
        assert!(hasher.verify(&long[..MAX_PASSWORD_BYTES], &phc).unwrap());
        assert!(!hasher.verify(&long, &phc).unwrap());
    }

    #[test]
    fn rehash_is_needed_when_parameters_change() {
        let fast_params = HashParams::fast_for_tests();
        let phc = fast().hash("tXq8-vP2m!k").unwrap();
        assert!(!needs_rehash(&phc, &fast_params));
        assert!(needs_rehash(&phc, &HashParams::default()));
        for changed in [
            HashParams {
                memory_kib: 16,
                ..fast_params
            },
            HashParams {
                iterations: 2,
                ..fast_params
            },
            HashParams {
                parallelism: 2,
                ..fast_params
            },
        ] {
            assert!(needs_rehash(&phc, &changed), "{changed:?}");
        }
        // Another argon2 variant with the same parameters still verifies but is replaced.
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            fast_params.to_argon2().unwrap(),
        )
        .hash_password_with_salt(b"tXq8-vP2m!k", &[7; 16])
        .unwrap()
        .to_string();
        assert!(argon2i.starts_with("$argon2i$"));
        assert!(fast().verify("tXq8-vP2m!k", &argon2i).unwrap());
        assert!(needs_rehash(&argon2i, &fast_params));
    }

    #[test]
    fn invalid_parameters_are_refused() {
        for params in [
            HashParams {
                memory_kib: 1,
                iterations: 1,
                parallelism: 1,
            },
            HashParams {
                memory_kib: 64,
                iterations: 0,
                parallelism: 1,
            },
            HashParams {
                memory_kib: 64,
                iterations: 1,
                parallelism: 0,
            },
        ] {
            assert_eq!(
                PasswordHasher::new(params).unwrap_err(),
                PasswordError::InvalidParams
            );
        }
    }

    #[test]
    fn dummy_verify_does_the_work_of_a_real_one() {
        // Equal cost by construction: the dummy is a real hash with the current parameters
        // and goes through the same verification. (Timing it would be flaky under load.)
        let hasher = PasswordHasher::new(HashParams::default()).unwrap();
        assert!(
            hasher.dummy.get().is_none(),
            "made on first use, not at start-up"
        );
        hasher.dummy_verify("whatever was typed");
        let dummy = hasher.dummy.get().unwrap();
        assert!(
            dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{dummy}"
        );
        assert!(!hasher.needs_rehash(dummy));
        assert!(parse(dummy).is_ok());
        // Over-long input is truncated, not refused, so it costs the same.
        hasher.dummy_verify(&"x".repeat(10 * MAX_PASSWORD_BYTES));
        assert!(format!("{hasher:?}").contains("19456"));
    }
}

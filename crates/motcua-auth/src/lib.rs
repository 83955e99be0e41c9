//! The security building blocks of motcua's accounts: pure functions and small types, no
//! database and no HTTP, so every rule is tested here, fast and exhaustively.
//!
//! | module | what | why it is here |
//! |---|---|---|
//! | [`password`] | argon2id hashing in PHC strings, rehash detection, dummy verification | passwords must survive a database leak; timing must not reveal whether an account exists |
//! | [`totp`] | RFC 6238 codes, secrets, `otpauth://` URIs, replay protection, recovery codes | second factor, mandatory for officers when configured |
//! | [`token`] | random opaque tokens stored as SHA-256 digests, API keys and their scopes | a leaked session table must not let anyone in |
//! | [`csrf`] | HMAC synchronizer tokens bound to a session | every form is protected |
//! | [`tracking`] | the receipt QR code's tracking secret, derived, not stored | every reprint carries the same code |
//! | [`throttle`] | login throttling and temporary lockout: a pure policy and an in-memory store | online guessing must be slow |
//! | [`policy`] | who may do what to which resource, in one pure function | every route asks the same question the same way |
//!
//! The only I/O is the operating system's random number generator ([`random_bytes`]); the
//! clock is always passed in.
//!
//! Secrets (tokens, TOTP keys, recovery codes) are held in [`Secret`], whose `Debug` prints
//! `***`, so logging a struct that holds one cannot leak it.

pub mod csrf;
pub mod password;
pub mod policy;
mod secret;
pub mod throttle;
pub mod token;
pub mod totp;
pub mod tracking;

pub use secret::{RngError, Secret, random_bytes};

//! The domain of motcua: plain types and rules with no I/O.
//!
//! Everything here can be tested without a database or a server; the storage and web layers
//! depend on this crate, never the other way round.

pub mod agency;
pub mod error;
pub mod identity;
pub mod unit;

pub use error::{FieldError, Validation};

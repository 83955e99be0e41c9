//! The dossier (hồ sơ) rules of SPEC §4, with no I/O:
//!
//! | module | what |
//! |---|---|
//! | [`status`] | the states and the national portal's status codes |
//! | [`code`] | dossier codes `<agency code>-<yyMMdd>-<NNNN>` |
//! | [`lifecycle`] | the state machine: every command, who may give it, in which states, and its effects (appointment, pause, assignment, forms, notifications) |
//! | [`chain`] | the append-only log, each entry chained to the previous by SHA-256 |
//!
//! Nothing else may change a dossier's state: the storage layer persists what
//! [`lifecycle::apply`] returns, with the version it was computed from (optimistic
//! concurrency), and the log entry it describes.

pub mod chain;
pub mod code;
pub mod lifecycle;
pub mod status;

pub use code::{DossierCode, DossierCodeError};
pub use lifecycle::{
    ClockChange, Command, Dossier, FormKind, Performer, Refusal, ReturnChannel, Transition, apply,
};
pub use status::Status;

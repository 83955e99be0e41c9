//! The procedure catalog (thủ tục hành chính, TTHC) of motcua — SPEC §3.
//!
//! A pure crate: no database, no HTTP, no file system except the reader handed to
//! [`parse::parse_reader`]. It holds
//!
//! * [`model`]: the catalog types ([`Procedure`], channels, durations, fees, documents, legal
//!   basis, results, online level), the per-agency internal process ([`InternalProcess`]) and
//!   the e-form definition ([`FormDefinition`]) with their validation;
//! * [`parse`]: the robust parser of the national-portal export (`data/tthc/*.jsonl`), which
//!   never drops a procedure silently and reports per field what it could and could not parse;
//! * [`local`]: an agency's local settings for a procedure ([`local::LocalSettings`]: internal
//!   process steps, e-form fields, receiving points, online level, fee overrides) and the
//!   check of an applicant's e-form values ([`local::check_values`]);
//! * [`mod@fingerprint`]: a stable content hash so the importer can version what changed.

pub mod fingerprint;
pub mod local;
pub mod model;
pub mod parse;

pub use fingerprint::{FINGERPRINT_VERSION, fingerprint, source_fingerprint};
pub use model::eform::{FieldKind, FormDefinition, FormField, SelectOption};
pub use model::process::{InternalProcess, InternalStep, StepRole, TimeBudget};
pub use model::{
    Channel, ChannelKind, Currency, DefinitionError, Duration, DurationSource, DurationUnit, Fee,
    FeeKind, FeeSource, LegalDocument, Level, OnlineLevel, OnlineLevelBasis, Procedure, RawFields,
    RelatedProcedure, RequiredDocument, Requirement, ResultDoc, Subject, SubjectKind,
};
pub use parse::report::{FieldStats, ParseReport, TargetFigures};
pub use parse::{
    FailedLine, FieldOutcome, ImportBatch, LineError, ParseIssue, ParsedProcedure, add_to_report,
    parse_line, parse_reader,
};

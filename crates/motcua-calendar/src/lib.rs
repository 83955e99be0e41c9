//! motcua's working calendar: everything a due date depends on, as pure functions and data.

pub mod lunar;

use std::collections::BTreeMap;

/// Tết of every lunar year from `from` to `to` inclusive, keyed by the year as text, for
/// `motcua calendar tet FROM TO --json` (`{"1985": "1985-01-21", …}`).
pub fn tet_range(from: i32, to: i32) -> Result<BTreeMap<String, String>, lunar::LunarError> {
    if from > to {
        return Err(lunar::LunarError::OutOfRange(from));
    }
    (from..=to)
        .map(|y| Ok((y.to_string(), lunar::tet(y)?.to_string())))
        .collect()
}

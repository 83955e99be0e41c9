//! What an integrating system's API key may do.

use std::fmt;
use std::str::FromStr;

use motcua_domain::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One permission of an API key. Keys get only what their integration needs; a key without
/// a scope can read public data and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read dossiers and their milestones (status synchronisation with the national portal,
    /// ministries' systems).
    DossiersRead,
    /// Submit dossiers and update them on an applicant's behalf (national portal submissions).
    DossiersWrite,
    /// Read indicators and dashboards of every agency (reporting systems).
    StatisticsRead,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[
        Scope::DossiersRead,
        Scope::DossiersWrite,
        Scope::StatisticsRead,
    ];

    /// The stable name, as stored and as written in requests.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DossiersRead => "dossiers:read",
            Scope::DossiersWrite => "dossiers:write",
            Scope::StatisticsRead => "statistics:read",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = FieldError;

    /// Parses a stable name; error code `one_of` on the field `scopes`.
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .iter()
            .copied()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| {
                FieldError::new(
                    "scopes",
                    "one_of",
                    format!(
                        "Phạm vi quyền «{}» không hợp lệ; các giá trị hợp lệ: {}.",
                        s.trim(),
                        ScopeSet::all()
                    ),
                    format!(
                        "Unknown scope “{}”; valid scopes: {}.",
                        s.trim(),
                        ScopeSet::all()
                    ),
                )
            })
    }
}

/// A set of scopes. Text form: names separated by spaces (or commas), in [`Scope::ALL`] order,
/// as in OAuth's `scope` parameter. Serialized as a JSON array of names.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(u32);

impl ScopeSet {
    pub const EMPTY: Self = Self(0);

    pub fn all() -> Self {
        Scope::ALL.iter().copied().collect()
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn with(self, scope: Scope) -> Self {
        Self(self.0 | scope.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The stored form (one bit per scope).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// From the stored form; unknown bits are dropped.
    pub fn from_bits(bits: u32) -> Self {
        Scope::ALL
            .iter()
            .copied()
            .filter(|s| bits & s.bit() != 0)
            .collect()
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl FromStr for ScopeSet {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, FieldError> {
        s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|part| !part.is_empty())
            .map(str::parse)
            .collect()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Scope::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

impl fmt::Debug for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Scope::as_str))
            .finish()
    }
}

impl Serialize for ScopeSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Scope::as_str))
    }
}

impl<'de> Deserialize<'de> for ScopeSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        names
            .iter()
            .map(|n| n.parse::<Scope>())
            .collect::<Result<Self, _>>()
            .map_err(|e| serde::de::Error::custom(e.message_en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_their_names() {
        for &scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>().unwrap(), scope);
            assert_eq!(scope.to_string(), scope.as_str());
        }
        let e = "admin".parse::<Scope>().unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("scopes", "one_of"));
        assert!(
            e.message_en
                .contains("dossiers:read dossiers:write statistics:read")
        );
        assert!(e.message_vi.contains("«admin»"));
    }

    #[test]
    fn sets_parse_print_and_serialize_in_a_stable_order() {
        let set: ScopeSet = "statistics:read, dossiers:read  dossiers:read"
            .parse()
            .unwrap();
        assert!(set.contains(Scope::DossiersRead) && set.contains(Scope::StatisticsRead));
        assert!(!set.contains(Scope::DossiersWrite));
        assert_eq!(set.to_string(), "dossiers:read statistics:read");
        assert_eq!(
            format!("{set:?}"),
            r#"{"dossiers:read", "statistics:read"}"#
        );
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["dossiers:read","statistics:read"]"#);
        assert_eq!(serde_json::from_str::<ScopeSet>(&json).unwrap(), set);
        assert!(serde_json::from_str::<ScopeSet>(r#"["root"]"#).is_err());
        assert_eq!("".parse::<ScopeSet>().unwrap(), ScopeSet::EMPTY);
        assert!(ScopeSet::EMPTY.is_empty());
        assert!("dossiers:read root".parse::<ScopeSet>().is_err());
        assert_eq!(ScopeSet::all().iter().count(), Scope::ALL.len());
        assert_eq!(ScopeSet::all(), Scope::ALL.iter().copied().collect());
    }
}

//! Dossier codes (mã hồ sơ): `<receiving agency code>-<yyMMdd>-<NNNN>`, e.g.
//! `000.00.12.H29-251122-0001`. The sequence is per agency per day (Vietnam time), from
//! 0001 without gaps; the storage layer allocates it inside the reception transaction, so it
//! is unique and gap-free under concurrency and across instances. Past 9999 a day the number
//! simply grows to five digits rather than failing a reception.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use motcua_domain::agency::AgencyCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierCode {
    agency: AgencyCode,
    date: NaiveDate,
    sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    #[error("a dossier code looks like 000.00.12.H29-251122-0001")]
    Format,
    #[error("the sequence starts at 1")]
    Sequence,
}

impl DossierCode {
    /// The code of the `sequence`-th dossier received by `agency` on the Vietnam date of
    /// `received`.
    pub fn new(
        agency: AgencyCode,
        received: DateTime<FixedOffset>,
        sequence: u32,
    ) -> Result<Self, DossierCodeError> {
        let date = received
            .with_timezone(&motcua_calendar::vietnam())
            .date_naive();
        Self::on(agency, date, sequence)
    }

    pub fn on(
        agency: AgencyCode,
        date: NaiveDate,
        sequence: u32,
    ) -> Result<Self, DossierCodeError> {
        if sequence == 0 {
            return Err(DossierCodeError::Sequence);
        }
        if !(2000..2100).contains(&date.year()) {
            return Err(DossierCodeError::Format);
        }
        Ok(Self {
            agency,
            date,
            sequence,
        })
    }

    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// `yyMMdd`: the key under which sequences are counted with the agency.
    pub fn day_key(date: NaiveDate) -> String {
        date.format("%y%m%d").to_string()
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.agency,
            Self::day_key(self.date),
            self.sequence
        )
    }
}

impl FromStr for DossierCode {
    type Err = DossierCodeError;

    fn from_str(s: &str) -> Result<Self, DossierCodeError> {
        let s = s.trim();
        let mut parts = s.rsplitn(3, '-');
        let (Some(seq), Some(day), Some(agency)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(DossierCodeError::Format);
        };
        if seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DossierCodeError::Format);
        }
        if day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DossierCodeError::Format);
        }
        let date = NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d")
            .map_err(|_| DossierCodeError::Format)?;
        let agency: AgencyCode = agency.parse().map_err(|_| DossierCodeError::Format)?;
        let sequence: u32 = seq.parse().map_err(|_| DossierCodeError::Format)?;
        let code = Self::on(agency, date, sequence)?;
        // Only the canonical spelling (leading zeros to four digits) is a code.
        if code.to_string() != s {
            return Err(DossierCodeError::Format);
        }
        Ok(code)
    }
}

impl Serialize for DossierCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DossierCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn agency() -> AgencyCode {
        "000.00.12.H29".parse().unwrap()
    }

    #[test]
    fn formats_and_parses_the_spec_example() {
        let code =
            DossierCode::on(agency(), NaiveDate::from_ymd_opt(2025, 11, 22).unwrap(), 1).unwrap();
        assert_eq!(code.to_string(), "000.00.12.H29-251122-0001");
        assert_eq!(
            "000.00.12.H29-251122-0001".parse::<DossierCode>().unwrap(),
            code
        );
        let big = DossierCode::on(agency(), code.date(), 12345).unwrap();
        assert_eq!(big.to_string(), "000.00.12.H29-251122-12345");
        assert_eq!(big.to_string().parse::<DossierCode>().unwrap(), big);
    }

    #[test]
    fn the_day_is_the_day_in_vietnam() {
        // 23:30 UTC on 21 November is 06:30 on 22 November in Vietnam.
        let at = chrono::Utc
            .with_ymd_and_hms(2025, 11, 21, 23, 30, 0)
            .unwrap()
            .fixed_offset();
        let code = DossierCode::new(agency(), at, 7).unwrap();
        assert_eq!(code.to_string(), "000.00.12.H29-251122-0007");
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "000.00.12.H29",
            "000.00.12.H29-251122-1",
            "000.00.12.H29-251122-0000",
            "000.00.12.H29-251322-0001",
            "000.00.12.H29-2511220-0001",
            "000.00.12.H29-251122-00a1",
            "xyz-251122-0001",
            "000.00.12.H29-251122-00001",
        ] {
            assert!(bad.parse::<DossierCode>().is_err(), "{bad:?} accepted");
        }
    }

    proptest! {
        #[test]
        fn round_trips(days in 0i64..30_000, seq in 1u32..100_000) {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64);
            prop_assume!(date.year() < 2100);
            let code = DossierCode::on(agency(), date, seq).unwrap();
            prop_assert_eq!(code.to_string().parse::<DossierCode>().unwrap(), code);
        }
    }
}

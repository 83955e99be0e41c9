//! Content fingerprints for versioning on re-import.
//!
//! [`fingerprint`] hashes (SHA-256) the canonical JSON of the *parsed* procedure without its
//! [`crate::RawFields`]: changes to what a citizen sees (name, channels, fees,
//! documents, legal basis, …) give a new fingerprint, while crawl noise that only lives in the
//! raw fields (detail URL, portal widgets in `raw_text`) does not. Texts are whitespace-squashed
//! first, so re-wrapped text hashes the same. The value is prefixed with
//! [`FINGERPRINT_VERSION`]; an importer seeing another prefix knows the parser changed and can
//! re-fingerprint stored versions instead of creating spurious new ones.
//!
//! [`source_fingerprint`] hashes the raw source fields instead (NFC- and whitespace-normalized),
//! which is stable across parser improvements.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{Procedure, RawFields};
use crate::parse::text::{normalize, squash};

/// Prefix of [`fingerprint`] values; bumped whenever the parsed representation changes.
pub const FINGERPRINT_VERSION: &str = "v1";

fn normalize_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = squash(s),
        Value::Array(a) => a.iter_mut().for_each(normalize_value),
        Value::Object(o) => o.values_mut().for_each(normalize_value),
        _ => {}
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn sha256_json(v: &Value) -> String {
    // serde_json maps are ordered (BTreeMap) without the preserve_order feature, and struct
    // fields serialize in declaration order: the encoding is canonical.
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

/// `v1:<sha256 hex>` of the normalized parsed procedure (raw fields excluded).
pub fn fingerprint(p: &Procedure) -> String {
    let mut value = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut value {
        o.remove("raw");
    }
    normalize_value(&mut value);
    format!("{FINGERPRINT_VERSION}:{}", sha256_json(&value))
}

/// `src:<sha256 hex>` of the normalized source fields (URL and page dump excluded).
pub fn source_fingerprint(raw: &RawFields) -> String {
    let mut value = serde_json::to_value(raw).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut value {
        o.remove("detail_url");
        o.remove("raw_text");
        for v in o.values_mut() {
            if let Value::String(s) = v {
                *s = squash(&normalize(s));
            }
        }
    }
    format!("src:{}", sha256_json(&value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_line;

    const LINE: &str = r#"{"ma_thu_tuc":"1.000001","ten_thu_tuc":"Đăng ký khai sinh","cap_thuc_hien":"Cấp xã","cach_thuc_thuc_hien":"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcMiễn phí","detail_url":"https://a"}"#;

    #[test]
    fn stable_and_sensitive() {
        let a = parse_line(LINE).unwrap();
        let b = parse_line(LINE).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert!(a.fingerprint.starts_with("v1:"));
        assert_eq!(a.fingerprint.len(), 3 + 64);

        // Crawl noise does not change it; whitespace neither.
        let moved = LINE
            .replace("https://a", "https://b")
            .replace("Đăng ký khai sinh", "Đăng ký  khai sinh");
        assert_eq!(parse_line(&moved).unwrap().fingerprint, a.fingerprint);

        // A new fee does.
        let fee = LINE.replace("Miễn phí", "8,000 Việt Nam Đồng");
        assert_ne!(parse_line(&fee).unwrap().fingerprint, a.fingerprint);
    }

    #[test]
    fn source_fingerprint_ignores_url() {
        let a = parse_line(LINE).unwrap();
        let moved = parse_line(&LINE.replace("https://a", "https://b")).unwrap();
        assert_eq!(
            source_fingerprint(&a.procedure.raw),
            source_fingerprint(&moved.procedure.raw)
        );
    }
}

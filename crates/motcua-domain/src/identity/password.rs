//! The password policy, in the spirit of NIST SP 800-63B §5.1.1.2: length matters, composition
//! rules do not.
//!
//! A password is accepted when it
//! - has at least [`MIN_LEN`] (10) and at most [`MAX_LEN`] (128) characters, counted as
//!   Unicode scalar values; spaces and any character are allowed, nothing is trimmed;
//! - does not contain one of the account's identifiers (user name, personal ID, tax code,
//!   phone, e-mail address or its local part), compared case-insensitively; identifiers
//!   shorter than 4 characters are ignored;
//! - is not a repetition of one character or of a group of up to 4 (`aaaaaaaaaa`,
//!   `abcabcabcabc`), nor a run of consecutive characters (`0123456789`, `abcdefghij`,
//!   `9876543210`), ignoring symbols at either end;
//! - is not on a small embedded list of very common passwords and words (`password`,
//!   `matkhau`, `anhyeuem`, `qwerty`, `motcua`…), also when digits or symbols are added at
//!   either end (`Password2024!`, `matkhau@123`).
//!
//! There are no rules on character classes and no expiry; hashing (argon2id) belongs to the
//! server, not here.
//!
//! Error codes on the field: `required`, `too_short`, `too_long`, `contains_identifier`,
//! `repetitive`, `sequential`, `common`.

use crate::error::{FieldError, Validation};

/// The fewest characters a password may have.
pub const MIN_LEN: usize = 10;
/// The most characters a password may have.
pub const MAX_LEN: usize = 128;

/// The field name used by [`check`].
pub const FIELD: &str = "password";

/// Very common passwords and the words they are built on, lower-case. Short entries are
/// there for the "word plus digits" rule (`admin123456`).
const COMMON: &[&str] = &[
    // Generic favourites of breach corpora.
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "iloveyou",
    "qwerty",
    "qwertyui",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbnm",
    "qazwsx",
    "qazwsxedc",
    "1qaz2wsx",
    "zaq12wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "admin",
    "administrator",
    "root",
    "user",
    "guest",
    "test",
    "tester",
    "testing",
    "welcome",
    "letmein",
    "changeme",
    "default",
    "secret",
    "login",
    "master",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "superman",
    "batman",
    "sunshine",
    "princess",
    "starwars",
    "trustno1",
    "computer",
    "internet",
    "hello",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "abc123",
    "1234567890",
    "0987654321",
    "a123456789",
    "123456789a",
    "1234567890a",
    "12345678910",
    "1234512345",
    "1234554321",
    "1122334455",
    "1234567899",
    "1234567891",
    "123456789z",
    "147258369",
    "1472583690",
    "147852369",
    "1478963250",
    "159357",
    "741852963",
    "0123456789a",
    "11223344",
    // Vietnamese favourites.
    "matkhau",
    "matkhaumoi",
    "doimatkhau",
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "iloveu",
    "xinchao",
    "vietnam",
    "hanoi",
    "saigon",
    "hochiminh",
    "tphcm",
    "nguyen",
    // This service.
    "motcua",
    "motcuadientu",
    "dichvucong",
    "congdichvucong",
    "dvc",
    "hoso",
];

/// Checks `password` against the policy, reporting problems against the field `password`.
///
/// `identifiers` are the account's own names and numbers in canonical form (user name,
/// personal ID, tax code, phone, e-mail).
pub fn check(password: &str, identifiers: &[&str]) -> Result<(), Validation> {
    let mut v = Validation::default();
    check_into(&mut v, FIELD, password, identifiers);
    v.finish()
}

/// Checks `password` against the policy, pushing problems on `field` into `v` (for forms with
/// several fields, or a `new_password` field).
pub fn check_into(v: &mut Validation, field: &str, password: &str, identifiers: &[&str]) {
    if password.is_empty() {
        v.push(FieldError::required(field));
        return;
    }
    let len = password.chars().count();
    if len < MIN_LEN {
        v.push(FieldError::new(
            field,
            "too_short",
            format!("Mật khẩu phải có ít nhất {MIN_LEN} ký tự."),
            format!("The password must be at least {MIN_LEN} characters long."),
        ));
        return;
    }
    if len > MAX_LEN {
        v.push(FieldError::too_long(field, MAX_LEN));
        return;
    }
    let lower = password.to_lowercase();
    if contains_identifier(&lower, identifiers) {
        v.push(FieldError::new(
            field,
            "contains_identifier",
            "Mật khẩu không được chứa tên đăng nhập, số định danh, mã số thuế, số điện thoại hay địa chỉ thư điện tử của tài khoản.",
            "The password must not contain the account's user name, ID number, tax code, phone number or e-mail address.",
        ));
    }
    // Symbols at either end do not make a weak password strong.
    let stem = lower.trim_matches(|c: char| !c.is_alphanumeric());
    // Nor do digits.
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if is_repetitive(&lower) || is_repetitive(stem) {
        v.push(FieldError::new(
            field,
            "repetitive",
            "Mật khẩu không được chỉ là một ký tự hay một nhóm ký tự lặp lại.",
            "The password must not just repeat one character or a short group of characters.",
        ));
    } else if is_sequential(stem) {
        v.push(FieldError::new(
            field,
            "sequential",
            "Mật khẩu không được là một dãy ký tự liên tiếp như 1234567890 hoặc abcdefghij.",
            "The password must not be a run of consecutive characters such as 1234567890 or abcdefghij.",
        ));
    } else if [lower.as_str(), stem, core]
        .iter()
        .any(|s| !s.is_empty() && COMMON.contains(s))
    {
        v.push(FieldError::new(
            field,
            "common",
            "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn một cụm từ dài hơn và khó đoán hơn.",
            "This password is too common and easy to guess; choose a longer, less predictable phrase.",
        ));
    }
}

fn contains_identifier(lower: &str, identifiers: &[&str]) -> bool {
    identifiers.iter().any(|id| {
        let id = id.trim().to_lowercase();
        let local = id.split_once('@').map(|(local, _)| local.to_owned());
        [Some(id), local]
            .into_iter()
            .flatten()
            .any(|candidate| candidate.chars().count() >= 4 && lower.contains(&candidate))
    })
}

/// Whether `s` (at least 6 characters) repeats a group of 1 to 4 characters at least twice.
fn is_repetitive(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    n >= 6 && (1..=4).any(|unit| n >= 2 * unit && (unit..n).all(|i| chars[i] == chars[i - unit]))
}

/// Whether `s` (at least 6 characters) is a run of consecutive code points, up or down.
fn is_sequential(s: &str) -> bool {
    let codes: Vec<i64> = s.chars().map(|c| i64::from(u32::from(c))).collect();
    codes.len() >= 6
        && [1, -1]
            .iter()
            .any(|step| codes.windows(2).all(|w| w[1] - w[0] == *step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(password: &str, identifiers: &[&str]) -> Vec<&'static str> {
        match check(password, identifiers) {
            Ok(()) => vec![],
            Err(v) => {
                assert!(v.0.iter().all(|e| e.field == FIELD));
                v.0.iter().map(|e| e.code).collect()
            }
        }
    }

    #[test]
    fn accepts_long_unpredictable_passwords() {
        let ids = [
            "nguyenvana",
            "079203000034",
            "0912345678",
            "an.nguyen@example.vn",
        ];
        let long = "đây là mật khẩu dài ".repeat(6) + "12345678";
        assert_eq!(long.chars().count(), MAX_LEN);
        for good in [
            "correct horse battery staple",
            "Cà phê sữa đá lúc 6 giờ sáng",
            "tXq8-vP2m!k",
            "hoa sen nở ở Đồng Tháp",
            "1234567890x7",
            "aaaaaaaaab2",
            "abcdeabcde",
            &long,
        ] {
            assert_eq!(codes(good, &ids), Vec::<&str>::new(), "{good:?}");
        }
        // Unicode characters are counted, not bytes: 10 Vietnamese letters are enough.
        assert!(check("đườngsáưôơ", &[]).is_ok());
    }

    #[test]
    fn refuses_weak_passwords_with_their_codes() {
        let ids = [
            "nguyenvana",
            "079203000034",
            "0912345678",
            "An.Nguyen@Example.vn",
            "ab",
        ];
        let too_long = "x7Qm".repeat(32) + "z";
        let bad: &[(&str, &[&str])] = &[
            ("", &["required"]),
            ("short", &["too_short"]),
            ("ĐườngSáng", &["too_short"]),
            ("123456789", &["too_short"]),
            (&too_long, &["too_long"]),
            ("Nguyenvana2024", &["contains_identifier"]),
            ("my id 079203000034!", &["contains_identifier"]),
            ("call 0912345678 now", &["contains_identifier"]),
            ("an.nguyen@example.vn", &["contains_identifier"]),
            ("xx AN.NGUYEN yy", &["contains_identifier"]),
            ("aaaaaaaaaa", &["repetitive"]),
            ("          ", &["repetitive"]),
            ("ababababab", &["repetitive"]),
            ("123123123123", &["repetitive"]),
            ("abcdabcdabcd", &["repetitive"]),
            ("!!1111111111!!", &["repetitive"]),
            ("0123456789", &["sequential"]),
            ("1234567890", &["common"]),
            ("9876543210", &["sequential"]),
            ("abcdefghijk", &["sequential"]),
            ("0123456789!", &["sequential"]),
            ("password12", &["common"]),
            ("Password2024!", &["common"]),
            ("P@ssw0rd1234", &["common"]),
            ("matkhau@123", &["common"]),
            ("anhyeuem123", &["common"]),
            ("123anhyeuem", &["common"]),
            ("qwertyuiop", &["common"]),
            ("1q2w3e4r5t", &["common"]),
            ("admin123456", &["common"]),
            ("abc1234567", &["common"]),
            ("a123456789", &["common"]),
            ("Motcua2025!", &["common"]),
            ("dichvucong1", &["common"]),
            ("nguyenvana1111111111", &["contains_identifier"]),
            ("0912345678012345678", &["contains_identifier"]),
            ("nguyenvana", &["contains_identifier"]),
        ];
        for (password, expected) in bad {
            assert_eq!(codes(password, &ids), *expected, "{password:?}");
        }
        // Both kinds of problem are reported together.
        assert_eq!(
            codes("abcdabcdabcd", &["abcd"]),
            ["contains_identifier", "repetitive"]
        );
        assert_eq!(
            codes("matkhau0912345678", &ids),
            ["contains_identifier", "common"]
        );
    }

    #[test]
    fn reports_on_the_given_field() {
        let mut v = Validation::default();
        check_into(&mut v, "new_password", "x", &[]);
        assert_eq!(v.0[0].field, "new_password");
        assert_eq!(v.0[0].code, "too_short");
        assert!(v.0[0].message_vi.contains("10 ký tự"));
    }

    #[test]
    fn the_common_list_is_lower_case_and_unique() {
        for (i, w) in COMMON.iter().enumerate() {
            assert_eq!(*w, w.to_lowercase());
            assert!(!COMMON[..i].contains(w), "{w} twice");
        }
    }
}

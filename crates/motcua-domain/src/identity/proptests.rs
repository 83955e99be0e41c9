//! Property tests of the identity validators.

use proptest::prelude::*;

use super::{Email, PROVINCE_CODES, PersonalId, Phone, Sex, TaxCode, password};

fn province() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(PROVINCE_CODES.iter().map(|(c, _)| *c).collect::<Vec<_>>())
}

/// Strings made mostly of the characters identifiers are made of, so the parsers' inner
/// branches are reached far more often than with arbitrary text.
fn identifier_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[0-9 +\\-.()@a-zA-Z_\u{a0}đ０]{0,24}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn personal_ids_with_a_known_province_parse_and_round_trip(
        province in province(),
        century in 0u8..10,
        yy in 0u8..100,
        random in 0u32..1_000_000,
    ) {
        let s = format!("{province}{century}{yy:02}{random:06}");
        let id = PersonalId::parse(&s).unwrap();
        prop_assert_eq!(id.as_str(), s.as_str());
        prop_assert_eq!(id.province_code(), province);
        prop_assert_eq!(id.sex(), if century % 2 == 0 { Sex::Male } else { Sex::Female });
        let base = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800][century as usize];
        prop_assert_eq!(id.birth_year(), base + i32::from(yy));
        prop_assert_eq!(PersonalId::parse(id.as_str()).unwrap(), id.clone());
        let spaced = format!(" {} {} {} ", &s[..3], &s[3..6], &s[6..]);
        prop_assert_eq!(PersonalId::parse(&spaced).unwrap(), id.clone());
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<PersonalId>(&json).unwrap(), id.clone());

        // The masked form shows the first four and last two digits, nothing else.
        let masked = id.masked();
        prop_assert_eq!(masked.len(), 12);
        prop_assert_eq!(&masked[..4], &s[..4]);
        prop_assert_eq!(&masked[4..10], "******");
        prop_assert_eq!(&masked[10..], &s[10..]);
        prop_assert_eq!(masked.bytes().filter(u8::is_ascii_digit).count(), 6);
        prop_assert_eq!(format!("{:?}", id), format!("PersonalId({:?})", masked));
        prop_assert_eq!(id.last4(), &s[8..]);
    }

    #[test]
    fn personal_ids_with_an_unknown_province_are_refused(p in 0u32..1000, rest in 0u64..1_000_000_000) {
        let code = format!("{p:03}");
        prop_assume!(PROVINCE_CODES.iter().all(|(c, _)| *c != code));
        let e = PersonalId::parse(&format!("{code}{rest:09}")).unwrap_err();
        prop_assert_eq!(e.code, "province");
    }

    #[test]
    fn every_tax_prefix_has_at_most_one_check_digit(prefix in 0u32..1_000_000_000) {
        let prefix = format!("{prefix:09}");
        let computed = TaxCode::check_digit(&prefix);
        let mut valid = 0;
        for d in 0u8..10 {
            let s = format!("{prefix}{d}");
            match TaxCode::parse(&s) {
                Ok(tax) => {
                    valid += 1;
                    prop_assert_eq!(Some(d), computed);
                    prop_assert_eq!(tax.as_str(), s.as_str());
                    prop_assert!(!tax.is_branch());
                    prop_assert_eq!(tax.branch(), None);
                }
                Err(e) => {
                    prop_assert_ne!(Some(d), computed);
                    prop_assert_eq!(e.code, "check_digit");
                }
            }
        }
        prop_assert_eq!(valid, usize::from(computed.is_some()));
    }

    #[test]
    fn branch_codes_normalize_and_refuse_000(prefix in 0u32..1_000_000_000, branch in 0u16..1000) {
        let prefix = format!("{prefix:09}");
        let Some(d) = TaxCode::check_digit(&prefix) else { return Ok(()) };
        let parent = format!("{prefix}{d}");
        let hyphenated = format!("{parent}-{branch:03}");
        let plain = format!("{parent}{branch:03}");
        for input in [&hyphenated, &plain] {
            let r = TaxCode::parse(input);
            if branch == 0 {
                prop_assert_eq!(r.unwrap_err().code, "branch_number");
            } else {
                let tax = r.unwrap();
                prop_assert_eq!(tax.as_str(), hyphenated.as_str());
                prop_assert_eq!(tax.parent(), parent.as_str());
                let number = format!("{branch:03}");
                prop_assert_eq!(tax.branch(), Some(number.as_str()));
                prop_assert!(tax.is_branch());
                prop_assert_eq!(TaxCode::parse(tax.as_str()).unwrap(), tax.clone());
            }
        }
    }

    #[test]
    fn phones_round_trip_through_every_form(
        mobile in proptest::bool::ANY,
        prefix in proptest::sample::select(vec![b'3', b'5', b'7', b'8', b'9']),
        rest in 0u64..100_000_000_000,
    ) {
        let domestic = if mobile {
            format!("0{}{:08}", prefix as char, rest % 100_000_000)
        } else {
            format!("02{:09}", rest % 1_000_000_000)
        };
        let phone = Phone::parse(&domestic).unwrap();
        prop_assert_eq!(phone.as_str(), domestic.as_str());
        prop_assert_eq!(phone.is_mobile(), mobile);
        for form in [phone.e164(), phone.e164()[1..].to_owned(), format!("00{}", &phone.e164()[1..])] {
            prop_assert_eq!(Phone::parse(&form).unwrap(), phone.clone());
        }
        let masked = phone.masked();
        prop_assert_eq!(masked.len(), domestic.len());
        prop_assert_eq!(masked.bytes().filter(u8::is_ascii_digit).count(), 6);
    }

    #[test]
    fn emails_round_trip(local in "[a-zA-Z0-9_+]{1,10}(\\.[a-z0-9]{1,5}){0,2}", domain in "([a-zA-Z0-9]{1,8}\\.){1,3}[a-zA-Z]{2,6}") {
        let email = Email::parse(&format!("{local}@{domain}")).unwrap();
        prop_assert_eq!(email.local_part(), local.as_str());
        prop_assert_eq!(email.domain(), domain.to_ascii_lowercase());
        prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in any::<String>()) {
        check_all(&s);
    }

    #[test]
    fn parsers_never_panic_on_identifier_like_text(s in identifier_like()) {
        check_all(&s);
    }
}

/// Runs every parser on `s`; whatever is accepted must re-parse to itself.
fn check_all(s: &str) {
    if let Ok(id) = PersonalId::parse(s) {
        assert_eq!(PersonalId::parse(id.as_str()).unwrap(), id);
        let _ = (id.sex(), id.birth_year(), id.masked(), id.province_name());
    }
    if let Ok(tax) = TaxCode::parse(s) {
        assert_eq!(TaxCode::parse(tax.as_str()).unwrap(), tax);
        let _ = (tax.parent(), tax.branch());
    }
    if let Ok(phone) = Phone::parse(s) {
        assert_eq!(Phone::parse(phone.as_str()).unwrap(), phone);
        let _ = (phone.kind(), phone.masked(), phone.e164());
    }
    if let Ok(email) = Email::parse(s) {
        assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        let _ = (email.local_part(), email.domain());
    }
    let _ = password::check(s, &[s, "0912345678"]);
    let _ = s.parse::<super::Role>();
}

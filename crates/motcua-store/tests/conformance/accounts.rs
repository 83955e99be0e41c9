//! Accounts, roles, sessions, password resets, throttling, API keys, the security log, the
//! outbox and server secrets (`AccountStore`).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_domain::identity::{Role, VerificationLevel};
use motcua_store::testing::{TestStore, fresh_store};
use motcua_store::{
    AccountFilter, AccountKind, ApiKeyRecord, NewAccount, NewOutboxMessage, NewReceivingPoint,
    NewSecurityEvent, PageRequest, ProfileUpdate, SecurityEventFilter, SessionRecord, Store,
    StoreError, TotpState,
};

use crate::{agency, unit};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 15, 8, 0, 0).unwrap()
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

fn ev(kind: &str) -> NewSecurityEvent {
    NewSecurityEvent::new(kind, t0())
}

fn new_account(kind: AccountKind, login: &str, name: &str, email: Option<&str>) -> NewAccount {
    NewAccount {
        kind,
        login: login.into(),
        full_name: name.into(),
        email: email.map(Into::into),
        phone: None,
        password_hash: format!("$argon2id$hash-of-{login}"),
        verification: VerificationLevel::SelfRegistered,
        address_unit_code: None,
        address_line: None,
    }
}

fn citizen(login: &str, email: Option<&str>) -> NewAccount {
    new_account(AccountKind::Citizen, login, "Nguyễn Văn An", email)
}

async fn create(t: &TestStore, account: &NewAccount) -> i64 {
    t.store
        .create_account(account, ev("register"))
        .await
        .unwrap()
        .id
}

async fn all_events(store: &dyn Store) -> Vec<motcua_store::SecurityEvent> {
    store
        .security_events(&SecurityEventFilter {
            page: PageRequest::new(None, Some(200)),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
}

async fn count_accounts(store: &dyn Store) -> i64 {
    store
        .list_accounts(&AccountFilter::default())
        .await
        .unwrap()
        .total
}

fn invalid_field(err: StoreError) -> String {
    match err {
        StoreError::Invalid(v) => v.0[0].field.clone(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn session(token: &str, account_id: i64, expires_at: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        token_hash: token.into(),
        account_id,
        created_at: t0(),
        last_seen_at: t0(),
        expires_at,
        mfa_pending: false,
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Firefox".into()),
    }
}

fn mail(to: &str, subject: &str) -> NewOutboxMessage {
    NewOutboxMessage {
        channel: "email".into(),
        recipient: to.into(),
        subject: subject.into(),
        body: format!("Nội dung: {subject}"),
    }
}

// ---- accounts ----

#[tokio::test]
async fn accounts_are_created_found_and_logged() {
    let t = fresh_store().await;
    t.store
        .upsert_units(&[unit("79", None, "Hồ Chí Minh")])
        .await
        .unwrap();
    let mut new = citizen("079123456789", Some("an@example.vn"));
    new.phone = Some("0912345678".into());
    new.address_unit_code = Some("79".into());
    new.address_line = Some("12 Lê Lợi".into());
    let created = t.store.create_account(&new, ev("register")).await.unwrap();
    assert_eq!(created.kind, AccountKind::Citizen);
    assert_eq!(created.login, "079123456789");
    assert_eq!(created.email.as_deref(), Some("an@example.vn"));
    assert_eq!(created.phone.as_deref(), Some("0912345678"));
    assert_eq!(created.address_unit_code.as_deref(), Some("79"));
    assert_eq!(created.address_line.as_deref(), Some("12 Lê Lợi"));
    assert_eq!(created.password_hash, new.password_hash);
    assert_eq!(created.verification, VerificationLevel::SelfRegistered);
    assert!(created.totp.is_none());
    assert!(!created.disabled);
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(created.created_at, created.password_changed_at);
    let debug = format!("{created:?}");
    assert!(!debug.contains("argon2id"), "Debug leaks the hash: {debug}");

    let got = t.store.get_account(created.id).await.unwrap().unwrap();
    assert_eq!(got.login, created.login);
    assert_eq!(got.created_at, created.created_at);
    assert!(
        t.store
            .get_account(created.id + 1000)
            .await
            .unwrap()
            .is_none()
    );

    let by_login = t
        .store
        .find_account_for_login("079123456789")
        .await
        .unwrap();
    assert_eq!(by_login.map(|a| a.id), Some(created.id));
    let by_email = t
        .store
        .find_account_for_login("an@example.vn")
        .await
        .unwrap();
    assert_eq!(by_email.map(|a| a.id), Some(created.id));
    assert!(
        t.store
            .find_account_for_login("nobody")
            .await
            .unwrap()
            .is_none()
    );
    let by_email = t
        .store
        .find_account_by_email("an@example.vn")
        .await
        .unwrap();
    assert_eq!(by_email.map(|a| a.id), Some(created.id));
    assert!(
        t.store
            .find_account_by_email("079123456789")
            .await
            .unwrap()
            .is_none(),
        "a login is not an e-mail"
    );

    let events = all_events(&*t.store).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "register");
    assert_eq!(events[0].account_id, Some(created.id));
    assert_eq!(events[0].account_login.as_deref(), Some("079123456789"));
}

#[tokio::test]
async fn accounts_without_email_do_not_collide() {
    let t = fresh_store().await;
    create(&t, &citizen("079000000001", None)).await;
    create(&t, &citizen("079000000002", None)).await;
    assert_eq!(count_accounts(&*t.store).await, 2);
}

#[tokio::test]
async fn conflicts_name_the_field_and_write_nothing() {
    let t = fresh_store().await;
    create(&t, &citizen("079123456789", Some("an@example.vn"))).await;

    let err = t
        .store
        .create_account(
            &citizen("079123456789", Some("other@example.vn")),
            ev("register"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "login" }),
        "{err:?}"
    );
    let err = t
        .store
        .create_account(
            &citizen("079999999999", Some("an@example.vn")),
            ev("register"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "email" }),
        "{err:?}"
    );

    assert_eq!(count_accounts(&*t.store).await, 1);
    assert_eq!(
        all_events(&*t.store).await.len(),
        1,
        "no event for a refused account"
    );
    assert!(
        t.store
            .find_account_for_login("other@example.vn")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn unknown_address_unit_is_invalid_and_writes_nothing() {
    let t = fresh_store().await;
    let mut new = citizen("079123456789", None);
    new.address_unit_code = Some("99".into());
    let err = t
        .store
        .create_account(&new, ev("register"))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "address_unit_code");
    assert_eq!(count_accounts(&*t.store).await, 0);
    assert!(all_events(&*t.store).await.is_empty());
}

#[tokio::test]
async fn profile_updates_change_clear_and_refuse() {
    let t = fresh_store().await;
    t.store
        .upsert_units(&[unit("79", None, "Hồ Chí Minh")])
        .await
        .unwrap();
    let mut new = citizen("079123456789", Some("an@example.vn"));
    new.phone = Some("0912345678".into());
    new.address_line = Some("12 Lê Lợi".into());
    let id = create(&t, &new).await;
    create(&t, &citizen("079000000002", Some("binh@example.vn"))).await;
    let before = t.store.get_account(id).await.unwrap().unwrap();

    let updated = t
        .store
        .update_profile(
            id,
            &ProfileUpdate {
                full_name: Some("Trần Thị Bích".into()),
                address_unit_code: Some(Some("79".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.full_name, "Trần Thị Bích");
    assert_eq!(updated.address_unit_code.as_deref(), Some("79"));
    assert_eq!(
        updated.email.as_deref(),
        Some("an@example.vn"),
        "None leaves a field as it is"
    );
    assert_eq!(updated.phone.as_deref(), Some("0912345678"));
    assert_eq!(updated.address_line.as_deref(), Some("12 Lê Lợi"));
    assert!(updated.updated_at >= before.updated_at);
    assert_eq!(updated.created_at, before.created_at);

    let cleared = t
        .store
        .update_profile(
            id,
            &ProfileUpdate {
                email: Some(None),
                phone: Some(None),
                address_unit_code: Some(None),
                address_line: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.full_name, "Trần Thị Bích");
    assert_eq!(cleared.email, None);
    assert_eq!(cleared.phone, None);
    assert_eq!(cleared.address_unit_code, None);
    assert_eq!(cleared.address_line, None);
    assert!(
        t.store
            .find_account_by_email("an@example.vn")
            .await
            .unwrap()
            .is_none()
    );
    let got = t.store.get_account(id).await.unwrap().unwrap();
    assert_eq!(got.email, None);

    // The search text follows the new name.
    let found = t
        .store
        .list_accounts(&AccountFilter {
            q: Some("tran thi".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].account.id, id);

    let err = t
        .store
        .update_profile(
            id,
            &ProfileUpdate {
                email: Some(Some("binh@example.vn".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "email" }),
        "{err:?}"
    );
    let err = t
        .store
        .update_profile(
            id,
            &ProfileUpdate {
                full_name: Some("X".into()),
                address_unit_code: Some(Some("99".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "address_unit_code");
    assert_eq!(
        t.store.get_account(id).await.unwrap().unwrap().full_name,
        "Trần Thị Bích",
        "a refused update changes nothing"
    );
    let err = t
        .store
        .update_profile(id + 1000, &ProfileUpdate::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}

#[tokio::test]
async fn verification_and_disabling() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    t.store
        .set_verification(id, VerificationLevel::CounterVerified, ev("verified"))
        .await
        .unwrap();
    let got = t.store.get_account(id).await.unwrap().unwrap();
    assert_eq!(got.verification, VerificationLevel::CounterVerified);

    t.store
        .create_session(&session("s1", id, t0() + minutes(60)))
        .await
        .unwrap();
    t.store
        .set_disabled(id, true, ev("account_disabled"))
        .await
        .unwrap();
    assert!(t.store.get_account(id).await.unwrap().unwrap().disabled);
    assert!(
        t.store.get_session("s1", t0()).await.unwrap().is_none(),
        "disabling ends the sessions"
    );
    t.store
        .set_disabled(id, false, ev("account_enabled"))
        .await
        .unwrap();
    assert!(!t.store.get_account(id).await.unwrap().unwrap().disabled);

    let kinds: Vec<(String, Option<i64>)> = all_events(&*t.store)
        .await
        .into_iter()
        .map(|e| (e.kind, e.account_id))
        .collect();
    for kind in ["verified", "account_disabled", "account_enabled"] {
        assert!(
            kinds.contains(&(kind.to_owned(), Some(id))),
            "{kind} logged about the account: {kinds:?}"
        );
    }

    for err in [
        t.store
            .set_verification(id + 1000, VerificationLevel::IdpVerified, ev("verified"))
            .await
            .unwrap_err(),
        t.store
            .set_disabled(id + 1000, true, ev("account_disabled"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
}

#[tokio::test]
async fn listing_searches_folded_filters_and_pages() {
    let t = fresh_store().await;
    let a = t
        .store
        .create_agency(&agency("000.00.00.H29", "UBND TP.HCM", None))
        .await
        .unwrap();
    let b = t
        .store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap();
    let an = create(&t, &citizen("079123456789", Some("nguyen.an@example.vn"))).await;
    let business = create(
        &t,
        &new_account(AccountKind::Business, "0312345678", "Công ty Đông Á", None),
    )
    .await;
    let o1 = create(
        &t,
        &new_account(
            AccountKind::Officer,
            "cb.lan",
            "Lê Thị Lan",
            Some("lan@tphcm.gov.vn"),
        ),
    )
    .await;
    let o2 = create(
        &t,
        &new_account(AccountKind::Officer, "cb.minh", "Phạm Minh", None),
    )
    .await;
    t.store
        .grant_role(o1, a.id, Role::Specialist, None, ev("role_granted"))
        .await
        .unwrap();
    t.store
        .grant_role(o1, b.id, Role::Leader, None, ev("role_granted"))
        .await
        .unwrap();
    t.store
        .grant_role(o2, b.id, Role::AgencyAdmin, None, ev("role_granted"))
        .await
        .unwrap();

    let list = |filter: AccountFilter| {
        let store = t.store.clone();
        async move { store.list_accounts(&filter).await.unwrap() }
    };
    let ids = |page: &motcua_store::Page<motcua_store::AccountWithRoles>| {
        page.items.iter().map(|i| i.account.id).collect::<Vec<_>>()
    };

    let all = list(AccountFilter::default()).await;
    assert_eq!(all.total, 4);
    // Ordered by login.
    assert_eq!(ids(&all), vec![business, an, o1, o2]);

    for (q, expected) in [
        ("nguyen van", vec![an]),
        ("NGUYỄN", vec![an]),
        ("dong a", vec![business]),
        ("0312", vec![business]),
        ("lan@tphcm", vec![o1]),
        ("le thi lan", vec![o1]),
        ("cb.", vec![o1, o2]),
        ("không có", vec![]),
        ("   ", vec![business, an, o1, o2]),
    ] {
        let page = list(AccountFilter {
            q: Some(q.into()),
            ..Default::default()
        })
        .await;
        assert_eq!(ids(&page), expected, "q = {q:?}");
        assert_eq!(page.total, expected.len() as i64, "q = {q:?}");
    }

    let officers = list(AccountFilter {
        kind: Some(AccountKind::Officer),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&officers), vec![o1, o2]);
    let lan = &officers.items[0];
    assert_eq!(
        lan.roles
            .iter()
            .map(|r| (r.agency_code.as_str(), r.role))
            .collect::<Vec<_>>(),
        vec![
            ("000.00.00.H29", Role::Specialist),
            ("000.00.12.H29", Role::Leader)
        ]
    );
    assert_eq!(lan.roles[1].agency_name, "Sở Tư pháp");
    assert_eq!(officers.items[1].roles.len(), 1);
    assert!(all.items[0].roles.is_empty());

    let in_a = list(AccountFilter {
        agency_ids: Some(vec![a.id]),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&in_a), vec![o1]);
    assert_eq!(in_a.items[0].roles.len(), 2, "every role, not just a's");
    let in_b = list(AccountFilter {
        agency_ids: Some(vec![a.id, b.id]),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&in_b), vec![o1, o2]);
    let in_none = list(AccountFilter {
        agency_ids: Some(vec![]),
        ..Default::default()
    })
    .await;
    assert_eq!(in_none.total, 0);
    let combined = list(AccountFilter {
        q: Some("minh".into()),
        kind: Some(AccountKind::Officer),
        agency_ids: Some(vec![b.id]),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(&combined), vec![o2]);

    let page2 = list(AccountFilter {
        page: PageRequest::new(Some(2), Some(3)),
        ..Default::default()
    })
    .await;
    assert_eq!(page2.total, 4);
    assert_eq!(ids(&page2), vec![o2]);
    assert_eq!((page2.page, page2.per_page), (2, 3));
}

// ---- roles ----

#[tokio::test]
async fn roles_grant_and_revoke_idempotently() {
    let t = fresh_store().await;
    let a = t
        .store
        .create_agency(&agency("000.00.00.H29", "UBND TP.HCM", None))
        .await
        .unwrap();
    let b = t
        .store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap();
    for (agency_code, code) in [(&a.code, "Q1"), (&b.code, "Q2")] {
        t.store
            .upsert_receiving_point(&NewReceivingPoint {
                agency_code: agency_code.clone(),
                code: code.into(),
                name: format!("Bộ phận {code}"),
                address: None,
                unit_code: None,
            })
            .await
            .unwrap();
    }
    let o = create(
        &t,
        &new_account(AccountKind::Officer, "cb.lan", "Lê Thị Lan", None),
    )
    .await;
    assert!(t.store.officer_roles(o).await.unwrap().is_empty());

    let granted = |role, point: Option<&'static str>| {
        let store = t.store.clone();
        async move {
            store
                .grant_role(o, a.id, role, point, ev("role_granted"))
                .await
        }
    };
    assert!(granted(Role::ReceivingOfficer, Some("Q1")).await.unwrap());
    assert!(
        !granted(Role::ReceivingOfficer, Some("Q1")).await.unwrap(),
        "already held"
    );
    assert!(granted(Role::Specialist, None).await.unwrap());

    let roles = t.store.officer_roles(o).await.unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].role, Role::ReceivingOfficer);
    assert_eq!(roles[0].receiving_point.as_deref(), Some("Q1"));
    assert_eq!(roles[0].agency_id, a.id);
    assert_eq!(roles[0].agency_code, "000.00.00.H29");
    assert_eq!(roles[1].role, Role::Specialist);
    assert_eq!(roles[1].receiving_point, None);

    // Q2 belongs to another agency.
    let err = granted(Role::Leader, Some("Q2")).await.unwrap_err();
    assert_eq!(invalid_field(err), "receiving_point");
    let err = granted(Role::Leader, Some("nowhere")).await.unwrap_err();
    assert_eq!(invalid_field(err), "receiving_point");
    let err = t
        .store
        .grant_role(o, b.id + 1000, Role::Leader, None, ev("role_granted"))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "agency");
    let err = t
        .store
        .grant_role(o + 1000, a.id, Role::Leader, None, ev("role_granted"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(t.store.officer_roles(o).await.unwrap().len(), 2);

    assert!(
        t.store
            .revoke_role(o, a.id, Role::Specialist, ev("role_revoked"))
            .await
            .unwrap()
    );
    assert!(
        !t.store
            .revoke_role(o, a.id, Role::Specialist, ev("role_revoked"))
            .await
            .unwrap()
    );
    assert!(
        !t.store
            .revoke_role(o, b.id, Role::ReceivingOfficer, ev("role_revoked"))
            .await
            .unwrap(),
        "held in another agency only"
    );
    assert_eq!(t.store.officer_roles(o).await.unwrap().len(), 1);

    let events = all_events(&*t.store).await;
    let of = |kind: &str| events.iter().filter(|e| e.kind == kind).collect::<Vec<_>>();
    assert_eq!(of("role_granted").len(), 2, "only changes are logged");
    assert_eq!(of("role_revoked").len(), 1);
    for e in of("role_granted").into_iter().chain(of("role_revoked")) {
        assert_eq!(e.account_id, Some(o));
        assert_eq!(e.agency_id, Some(a.id));
        assert_eq!(e.agency_code.as_deref(), Some("000.00.00.H29"));
    }
}

// ---- sessions and passwords ----

#[tokio::test]
async fn sessions_expire_slide_pass_mfa_and_end() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    let mut s = session("hash-1", id, t0() + minutes(30));
    s.mfa_pending = true;
    t.store.create_session(&s).await.unwrap();
    assert_eq!(
        t.store.get_session("hash-1", t0()).await.unwrap(),
        Some(s.clone())
    );
    assert!(
        t.store
            .get_session("hash-1", t0() + minutes(30))
            .await
            .unwrap()
            .is_none(),
        "expired at expires_at"
    );
    assert!(t.store.get_session("other", t0()).await.unwrap().is_none());

    t.store
        .touch_session("hash-1", t0() + minutes(20), t0() + minutes(50))
        .await
        .unwrap();
    t.store.complete_session_mfa("hash-1").await.unwrap();
    let got = t
        .store
        .get_session("hash-1", t0() + minutes(40))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.last_seen_at, t0() + minutes(20));
    assert_eq!(got.expires_at, t0() + minutes(50));
    assert_eq!(got.created_at, t0());
    assert!(!got.mfa_pending);

    assert!(t.store.delete_session("hash-1").await.unwrap());
    assert!(!t.store.delete_session("hash-1").await.unwrap());
    assert!(t.store.get_session("hash-1", t0()).await.unwrap().is_none());

    let other = create(&t, &citizen("079000000002", None)).await;
    for token in ["a", "b", "c"] {
        t.store
            .create_session(&session(token, id, t0() + minutes(30)))
            .await
            .unwrap();
    }
    t.store
        .create_session(&session("theirs", other, t0() + minutes(30)))
        .await
        .unwrap();
    assert_eq!(t.store.delete_sessions_of(id, Some("b")).await.unwrap(), 2);
    assert!(t.store.get_session("b", t0()).await.unwrap().is_some());
    assert!(t.store.get_session("a", t0()).await.unwrap().is_none());
    assert!(t.store.get_session("theirs", t0()).await.unwrap().is_some());
    assert_eq!(t.store.delete_sessions_of(id, None).await.unwrap(), 1);
    assert_eq!(t.store.delete_sessions_of(id, None).await.unwrap(), 0);
    assert!(t.store.get_session("theirs", t0()).await.unwrap().is_some());
}

#[tokio::test]
async fn set_password_ends_other_sessions() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    let other = create(&t, &citizen("079000000002", None)).await;
    for token in ["keep", "x", "y"] {
        t.store
            .create_session(&session(token, id, t0() + minutes(30)))
            .await
            .unwrap();
    }
    t.store
        .create_session(&session("theirs", other, t0() + minutes(30)))
        .await
        .unwrap();
    let before = t.store.get_account(id).await.unwrap().unwrap();
    t.store
        .set_password(id, "$argon2id$new", Some("keep"), ev("password_changed"))
        .await
        .unwrap();
    let after = t.store.get_account(id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, "$argon2id$new");
    assert!(after.password_changed_at >= before.password_changed_at);
    assert!(t.store.get_session("keep", t0()).await.unwrap().is_some());
    assert!(t.store.get_session("x", t0()).await.unwrap().is_none());
    assert!(t.store.get_session("y", t0()).await.unwrap().is_none());
    assert!(t.store.get_session("theirs", t0()).await.unwrap().is_some());
    let events = all_events(&*t.store).await;
    assert_eq!(events[0].kind, "password_changed");
    assert_eq!(events[0].account_id, Some(id));

    // Without a session to keep (a reset), every session ends.
    t.store
        .set_password(id, "$argon2id$newer", None, ev("password_reset"))
        .await
        .unwrap();
    assert!(t.store.get_session("keep", t0()).await.unwrap().is_none());

    // A rehash changes the hash only.
    t.store
        .create_session(&session("z", id, t0() + minutes(30)))
        .await
        .unwrap();
    let before = t.store.get_account(id).await.unwrap().unwrap();
    t.store
        .rehash_password(id, "$argon2id$stronger")
        .await
        .unwrap();
    let after = t.store.get_account(id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, "$argon2id$stronger");
    assert_eq!(after.password_changed_at, before.password_changed_at);
    assert!(t.store.get_session("z", t0()).await.unwrap().is_some());
    assert_eq!(
        all_events(&*t.store).await.len(),
        4,
        "a rehash logs nothing"
    );

    let err = t
        .store
        .set_password(id + 1000, "h", None, ev("password_changed"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = t.store.rehash_password(id + 1000, "h").await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}

// ---- two-factor ----

fn totp(recovery: &[&str]) -> TotpState {
    TotpState {
        secret_base32: "JBSWY3DPEHPK3PXP".into(),
        enabled: false,
        last_step: None,
        recovery_hashes: recovery.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[tokio::test]
async fn totp_state_is_stored_and_steps_never_replay() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    assert!(
        !t.store.advance_totp_step(id, 1).await.unwrap(),
        "no two-factor set up"
    );
    t.store
        .set_totp(id, Some(&totp(&["h1", "h2"])), None)
        .await
        .unwrap();
    let got = t
        .store
        .get_account(id)
        .await
        .unwrap()
        .unwrap()
        .totp
        .unwrap();
    assert_eq!(got.secret_base32, "JBSWY3DPEHPK3PXP");
    assert!(!got.enabled);
    assert_eq!(got.last_step, None);
    assert_eq!(got.recovery_hashes, vec!["h1", "h2"]);
    assert_eq!(all_events(&*t.store).await.len(), 1, "no event given");

    assert!(t.store.advance_totp_step(id, 100).await.unwrap());
    assert!(!t.store.advance_totp_step(id, 100).await.unwrap(), "replay");
    assert!(!t.store.advance_totp_step(id, 99).await.unwrap(), "older");
    assert!(t.store.advance_totp_step(id, 101).await.unwrap());
    let mut enabled = t
        .store
        .get_account(id)
        .await
        .unwrap()
        .unwrap()
        .totp
        .unwrap();
    assert_eq!(enabled.last_step, Some(101));
    enabled.enabled = true;
    t.store
        .set_totp(id, Some(&enabled), Some(ev("totp_enabled")))
        .await
        .unwrap();
    assert!(
        t.store.get_account(id).await.unwrap().unwrap().totp == Some(enabled),
        "stored as given"
    );
    assert!(!t.store.advance_totp_step(id, 101).await.unwrap());
    assert!(!t.store.advance_totp_step(id + 1000, 500).await.unwrap());

    t.store
        .set_totp(id, None, Some(ev("totp_disabled")))
        .await
        .unwrap();
    assert!(
        t.store
            .get_account(id)
            .await
            .unwrap()
            .unwrap()
            .totp
            .is_none()
    );
    let events = all_events(&*t.store).await;
    assert_eq!(events[0].kind, "totp_disabled");
    assert_eq!(events[1].kind, "totp_enabled");
    assert_eq!(events[0].account_id, Some(id));
    let err = t.store.set_totp(id + 1000, None, None).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");

    // Set up again: a fresh state starts over.
    t.store.set_totp(id, Some(&totp(&[])), None).await.unwrap();
    assert!(t.store.advance_totp_step(id, 50).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_totp_steps_are_accepted_once() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    t.store.set_totp(id, Some(&totp(&[])), None).await.unwrap();
    for step in 1..=10 {
        let results = race(&t.store, move |s| async move {
            s.advance_totp_step(id, step).await.unwrap()
        })
        .await;
        assert_eq!(
            results.iter().filter(|ok| **ok).count(),
            1,
            "step {step}: {results:?}"
        );
    }
}

/// Runs `f` four times at once on the same store.
async fn race<F, Fut, T>(store: &Arc<dyn Store>, f: F) -> Vec<T>
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let fut = f(store.clone());
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_codes_work_once() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", None)).await;
    assert!(!t.store.consume_recovery_code(id, "h1").await.unwrap());
    t.store
        .set_totp(id, Some(&totp(&["h1", "h2", "h3"])), None)
        .await
        .unwrap();
    assert!(t.store.consume_recovery_code(id, "h2").await.unwrap());
    assert!(!t.store.consume_recovery_code(id, "h2").await.unwrap());
    assert!(!t.store.consume_recovery_code(id, "nope").await.unwrap());
    assert!(
        !t.store
            .consume_recovery_code(id + 1000, "h1")
            .await
            .unwrap()
    );
    let left = t
        .store
        .get_account(id)
        .await
        .unwrap()
        .unwrap()
        .totp
        .unwrap();
    assert_eq!(left.recovery_hashes, vec!["h1", "h3"]);

    let results = race(&t.store, move |s| async move {
        s.consume_recovery_code(id, "h3").await.unwrap()
    })
    .await;
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
    let left = t
        .store
        .get_account(id)
        .await
        .unwrap()
        .unwrap()
        .totp
        .unwrap();
    assert_eq!(left.recovery_hashes, vec!["h1"]);
}

// ---- password resets ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_resets_work_once_and_expire() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", Some("an@example.vn"))).await;
    let expires = t0() + minutes(30);
    t.store
        .create_password_reset(
            "reset-1",
            id,
            expires,
            &mail("an@example.vn", "Đặt lại mật khẩu"),
            ev("password_reset_requested"),
        )
        .await
        .unwrap();
    let queued = t.store.messages_to("an@example.vn").await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].subject, "Đặt lại mật khẩu");
    assert_eq!(queued[0].channel, "email");
    assert_eq!(queued[0].attempts, 0);
    assert_eq!(queued[0].sent_at, None);
    let events = all_events(&*t.store).await;
    assert_eq!(events[0].kind, "password_reset_requested");
    assert_eq!(events[0].account_id, Some(id));

    assert_eq!(
        t.store
            .consume_password_reset("reset-1", expires)
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        t.store
            .consume_password_reset("reset-1", t0() + minutes(10))
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        t.store
            .consume_password_reset("reset-1", t0() + minutes(11))
            .await
            .unwrap(),
        None,
        "used"
    );
    assert_eq!(
        t.store
            .consume_password_reset("unknown", t0())
            .await
            .unwrap(),
        None
    );

    t.store
        .create_password_reset(
            "reset-2",
            id,
            expires,
            &mail("an@example.vn", "Lần hai"),
            ev("password_reset_requested"),
        )
        .await
        .unwrap();
    let results = race(&t.store, |s| async move {
        s.consume_password_reset("reset-2", t0()).await.unwrap()
    })
    .await;
    assert_eq!(
        results.iter().filter(|r| **r == Some(id)).count(),
        1,
        "{results:?}"
    );
    assert_eq!(results.iter().filter(|r| r.is_none()).count(), 3);
    let queued = t.store.messages_to("an@example.vn").await.unwrap();
    assert_eq!(queued[0].subject, "Lần hai", "newest first");
}

// ---- throttling ----

#[tokio::test]
async fn login_failures_are_recorded_listed_cleared_and_pruned() {
    let t = fresh_store().await;
    for m in [5, 1, 3] {
        t.store
            .record_login_failure("login:079123456789", t0() + minutes(m))
            .await
            .unwrap();
    }
    t.store
        .record_login_failure("ip:203.0.113.7", t0())
        .await
        .unwrap();
    assert_eq!(
        t.store
            .login_failures("login:079123456789", t0())
            .await
            .unwrap(),
        vec![t0() + minutes(1), t0() + minutes(3), t0() + minutes(5)],
        "oldest first"
    );
    assert_eq!(
        t.store
            .login_failures("login:079123456789", t0() + minutes(3))
            .await
            .unwrap(),
        vec![t0() + minutes(3), t0() + minutes(5)]
    );
    assert!(
        t.store
            .login_failures("login:other", t0())
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        t.store
            .prune_login_failures(t0() + minutes(2))
            .await
            .unwrap(),
        2,
        "one of the login, the address's"
    );
    assert_eq!(
        t.store
            .login_failures("login:079123456789", t0())
            .await
            .unwrap()
            .len(),
        2
    );
    t.store
        .clear_login_failures("login:079123456789")
        .await
        .unwrap();
    assert!(
        t.store
            .login_failures("login:079123456789", t0())
            .await
            .unwrap()
            .is_empty()
    );
}

// ---- API keys ----

#[tokio::test]
async fn api_keys_are_created_revoked_once_and_touched() {
    let t = fresh_store().await;
    let admin = create(
        &t,
        &new_account(AccountKind::Officer, "admin", "Quản trị", None),
    )
    .await;
    let key = ApiKeyRecord {
        id: "mk_abc123".into(),
        name: "Cổng DVC quốc gia".into(),
        scopes: 0b101,
        secret_hash: "sha256-of-secret".into(),
        created_by: Some(admin),
        created_at: t0(),
        revoked_at: None,
        last_used_at: None,
    };
    let mut created = ev("api_key_created");
    created.actor_id = Some(admin);
    t.store.create_api_key(&key, created.clone()).await.unwrap();
    assert_eq!(
        t.store.get_api_key("mk_abc123").await.unwrap(),
        Some(key.clone())
    );
    assert!(t.store.get_api_key("mk_other").await.unwrap().is_none());

    let mut dup = key.clone();
    dup.name = "Khác".into();
    let err = t
        .store
        .create_api_key(&dup, created.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "id" }),
        "{err:?}"
    );

    let second = ApiKeyRecord {
        id: "mk_def456".into(),
        name: "Hệ thống kế toán".into(),
        scopes: 1,
        secret_hash: "sha256-2".into(),
        created_by: None,
        created_at: t0() + minutes(1),
        revoked_at: None,
        last_used_at: None,
    };
    t.store.create_api_key(&second, created).await.unwrap();
    let listed = t.store.list_api_keys().await.unwrap();
    assert_eq!(listed, vec![key.clone(), second.clone()]);

    t.store
        .touch_api_key("mk_abc123", t0() + minutes(7))
        .await
        .unwrap();
    assert_eq!(
        t.store
            .get_api_key("mk_abc123")
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(t0() + minutes(7))
    );

    assert!(
        t.store
            .revoke_api_key("mk_abc123", ev("api_key_revoked"))
            .await
            .unwrap()
    );
    assert!(
        !t.store
            .revoke_api_key("mk_abc123", ev("api_key_revoked"))
            .await
            .unwrap(),
        "already revoked"
    );
    assert!(
        !t.store
            .revoke_api_key("mk_unknown", ev("api_key_revoked"))
            .await
            .unwrap()
    );
    let revoked = t.store.get_api_key("mk_abc123").await.unwrap().unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        t.store
            .get_api_key("mk_def456")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );

    let events = all_events(&*t.store).await;
    let count = |kind: &str| events.iter().filter(|e| e.kind == kind).count();
    assert_eq!(count("api_key_created"), 2, "not for the refused duplicate");
    assert_eq!(count("api_key_revoked"), 1);
    let created = events.iter().find(|e| e.kind == "api_key_created").unwrap();
    assert_eq!(created.actor_id, Some(admin));
    assert_eq!(created.actor_login.as_deref(), Some("admin"));
}

// ---- security log ----

#[tokio::test]
async fn security_events_filter_by_agency_and_page_newest_first() {
    let t = fresh_store().await;
    let a = t
        .store
        .create_agency(&agency("000.00.00.H29", "UBND TP.HCM", None))
        .await
        .unwrap();
    let b = t
        .store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap();
    let officer_a = create(
        &t,
        &new_account(AccountKind::Officer, "cb.a", "Cán bộ A", None),
    )
    .await;
    let officer_b = create(
        &t,
        &new_account(AccountKind::Officer, "cb.b", "Cán bộ B", None),
    )
    .await;
    let citizen_id = create(&t, &citizen("079123456789", None)).await;
    let mut grant_a = ev("role_granted");
    grant_a.at = t0() + minutes(1);
    t.store
        .grant_role(officer_a, a.id, Role::Specialist, None, grant_a)
        .await
        .unwrap();
    let mut grant_b = ev("role_granted");
    grant_b.at = t0() + minutes(2);
    t.store
        .grant_role(officer_b, b.id, Role::Specialist, None, grant_b)
        .await
        .unwrap();
    // Events without an agency, about each account.
    for (m, account, kind) in [
        (10, officer_a, "login"),
        (11, officer_b, "login"),
        (12, citizen_id, "login"),
        (13, officer_a, "logout"),
    ] {
        let mut e = NewSecurityEvent::new(kind, t0() + minutes(m));
        e.account_id = Some(account);
        e.ip = Some("198.51.100.1".into());
        e.detail = serde_json::json!({ "method": "password" });
        t.store.append_security_event(e).await.unwrap();
    }
    // An agency event about nobody in particular, done by officer B.
    let mut e = NewSecurityEvent::new("agency_settings_changed", t0() + minutes(20));
    e.agency_id = Some(a.id);
    e.actor_id = Some(officer_b);
    t.store.append_security_event(e).await.unwrap();

    let events = |filter: SecurityEventFilter| {
        let store = t.store.clone();
        async move { store.security_events(&filter).await.unwrap() }
    };
    let kinds_at = |page: &motcua_store::Page<motcua_store::SecurityEvent>| {
        page.items
            .iter()
            .map(|e| (e.kind.clone(), e.account_id))
            .collect::<Vec<_>>()
    };

    let everything = events(SecurityEventFilter::default()).await;
    assert_eq!(
        everything.total, 10,
        "3 registrations, 2 grants, 5 appended"
    );
    let ats: Vec<_> = everything.items.iter().map(|e| (e.at, e.id)).collect();
    let mut sorted = ats.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(ats, sorted, "newest first");
    let newest = &everything.items[0];
    assert_eq!(newest.kind, "agency_settings_changed");
    assert_eq!(newest.agency_code.as_deref(), Some("000.00.00.H29"));
    assert_eq!(newest.actor_login.as_deref(), Some("cb.b"));
    assert_eq!(newest.account_login, None);
    let login = everything
        .items
        .iter()
        .find(|e| e.kind == "login" && e.account_id == Some(citizen_id))
        .unwrap();
    assert_eq!(login.account_login.as_deref(), Some("079123456789"));
    assert_eq!(login.ip.as_deref(), Some("198.51.100.1"));
    assert_eq!(login.detail, serde_json::json!({ "method": "password" }));

    let in_a = events(SecurityEventFilter {
        agency_ids: Some(vec![a.id]),
        ..Default::default()
    })
    .await;
    // Directly about A, or about officer A (who holds a role in A): never about B or the
    // citizen.
    assert_eq!(
        kinds_at(&in_a),
        vec![
            ("agency_settings_changed".into(), None),
            ("logout".into(), Some(officer_a)),
            ("login".into(), Some(officer_a)),
            ("role_granted".into(), Some(officer_a)),
            ("register".into(), Some(officer_a)),
        ]
    );
    assert_eq!(in_a.total, 5);
    let in_b = events(SecurityEventFilter {
        agency_ids: Some(vec![b.id]),
        ..Default::default()
    })
    .await;
    assert!(
        in_b.items
            .iter()
            .all(|e| e.account_id == Some(officer_b) || e.agency_id == Some(b.id))
    );
    assert_eq!(in_b.total, 3);
    let in_both = events(SecurityEventFilter {
        agency_ids: Some(vec![a.id, b.id]),
        ..Default::default()
    })
    .await;
    assert_eq!(in_both.total, 8);
    let in_none = events(SecurityEventFilter {
        agency_ids: Some(vec![]),
        ..Default::default()
    })
    .await;
    assert_eq!(in_none.total, 0);

    let of_officer = events(SecurityEventFilter {
        account_id: Some(officer_a),
        kind: Some("login".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(of_officer.total, 1);
    assert_eq!(of_officer.items[0].at, t0() + minutes(10));

    // Pages of 3, newest first, without overlap.
    let mut seen = Vec::new();
    for page in 1..=4 {
        let p = events(SecurityEventFilter {
            page: PageRequest::new(Some(page), Some(3)),
            ..Default::default()
        })
        .await;
        assert_eq!(p.total, 10);
        assert_eq!(p.items.len(), if page == 4 { 1 } else { 3 });
        seen.extend(p.items.into_iter().map(|e| e.id));
    }
    assert_eq!(
        seen,
        everything.items.iter().map(|e| e.id).collect::<Vec<_>>()
    );
}

// ---- outbox ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_claims_are_disjoint_leased_and_retried() {
    let t = fresh_store().await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            t.store
                .enqueue_message(&mail("an@example.vn", &format!("Thư {i}")))
                .await
                .unwrap(),
        );
    }
    let now = (Utc::now() + TimeDelta::seconds(1)).trunc_micros();
    let lease = now + minutes(5);

    let claims = race(&t.store, move |s| async move {
        s.claim_messages(now, lease, 3).await.unwrap()
    })
    .await;
    let mut claimed = HashSet::new();
    for batch in &claims {
        assert!(batch.len() <= 3);
        for m in batch {
            assert!(claimed.insert(m.id), "message {} claimed twice", m.id);
            assert_eq!(m.next_attempt_at, lease);
        }
    }
    assert_eq!(claimed.len(), 10, "all ten, once each: {claims:?}");

    assert!(
        t.store
            .claim_messages(now, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    assert!(
        t.store
            .claim_messages(lease - TimeDelta::seconds(1), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "still leased"
    );

    t.store.mark_message_sent(ids[0], now).await.unwrap();
    t.store
        .mark_message_failed(ids[1], "SMTP 451", lease + minutes(10))
        .await
        .unwrap();
    let later = lease + TimeDelta::seconds(1);
    let again = t
        .store
        .claim_messages(later, later + minutes(60), 20)
        .await
        .unwrap();
    let again_ids: Vec<i64> = again.iter().map(|m| m.id).collect();
    assert_eq!(
        again_ids,
        ids[2..].to_vec(),
        "lease over: claimable again, except the sent and the delayed"
    );

    let retry_at = lease + minutes(10);
    let retried = t
        .store
        .claim_messages(retry_at, retry_at + minutes(5), 20)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].id, ids[1]);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(retried[0].last_error.as_deref(), Some("SMTP 451"));
    t.store
        .mark_message_failed(ids[1], "SMTP 452", retry_at + minutes(20))
        .await
        .unwrap();

    let all = t.store.messages_to("an@example.vn").await.unwrap();
    assert_eq!(all.len(), 10);
    assert_eq!(all[0].id, ids[9], "newest first");
    let sent = all.iter().find(|m| m.id == ids[0]).unwrap();
    assert_eq!(sent.sent_at, Some(now));
    let failed = all.iter().find(|m| m.id == ids[1]).unwrap();
    assert_eq!(failed.attempts, 2);
    assert_eq!(failed.last_error.as_deref(), Some("SMTP 452"));
    assert!(
        t.store
            .claim_messages(retry_at + minutes(100), retry_at + minutes(105), 20)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != ids[0]),
        "a sent message is never claimed again"
    );
    assert!(t.store.messages_to("nobody").await.unwrap().is_empty());
}

trait TruncMicros {
    fn trunc_micros(self) -> Self;
}

impl TruncMicros for DateTime<Utc> {
    fn trunc_micros(self) -> Self {
        chrono::SubsecRound::trunc_subsecs(self, 6)
    }
}

// ---- server secrets and upkeep ----

#[tokio::test]
async fn server_secrets_are_created_once_and_shared() {
    let t = fresh_store().await;
    let first = t.store.server_secret("csrf", &[1; 32]).await.unwrap();
    assert_eq!(first, vec![1; 32]);
    assert_eq!(
        t.store.server_secret("csrf", &[2; 32]).await.unwrap(),
        first,
        "the first value stays"
    );
    assert_eq!(
        t.store.server_secret("cookie", &[3; 32]).await.unwrap(),
        vec![3; 32]
    );

    let other = motcua_store::open(&t.options).await.unwrap();
    assert_eq!(other.server_secret("csrf", &[4; 32]).await.unwrap(), first);
    assert_eq!(
        other.server_secret("session", &[5; 32]).await.unwrap(),
        vec![5; 32]
    );
    assert_eq!(
        t.store.server_secret("session", &[6; 32]).await.unwrap(),
        vec![5; 32],
        "created by the other instance"
    );
    other.close().await;
}

#[tokio::test]
async fn maintain_forgets_expired_authentication_rows() {
    let t = fresh_store().await;
    let id = create(&t, &citizen("079123456789", Some("an@example.vn"))).await;
    let now = Utc::now();
    let hour = TimeDelta::hours(1);
    t.store
        .create_session(&session("old", id, now - hour))
        .await
        .unwrap();
    t.store
        .create_session(&session("live", id, now + hour))
        .await
        .unwrap();
    for (token, expires) in [
        ("expired", now - hour),
        ("used", now + hour),
        ("open", now + hour),
    ] {
        t.store
            .create_password_reset(
                token,
                id,
                expires,
                &mail("an@example.vn", token),
                ev("password_reset_requested"),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        t.store.consume_password_reset("used", now).await.unwrap(),
        Some(id)
    );
    t.store
        .record_login_failure("k", now - TimeDelta::hours(25))
        .await
        .unwrap();
    t.store.record_login_failure("k", now - hour).await.unwrap();

    t.store.maintain().await.unwrap();

    assert!(
        t.store
            .get_session("old", now - TimeDelta::hours(2))
            .await
            .unwrap()
            .is_none(),
        "the expired session row is gone"
    );
    assert!(t.store.get_session("live", now).await.unwrap().is_some());
    assert_eq!(
        t.store
            .login_failures("k", now - TimeDelta::hours(48))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.store
            .consume_password_reset("expired", now - TimeDelta::hours(2))
            .await
            .unwrap(),
        None,
        "the expired reset row is gone"
    );
    assert_eq!(
        t.store.consume_password_reset("open", now).await.unwrap(),
        Some(id)
    );
}

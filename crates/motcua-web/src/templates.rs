//! Server-rendered HTML with minijinja. Templates are embedded in the binary; every visible
//! string goes through `t("key")`, looked up in the request's language.

use std::sync::Arc;

use minijinja::{Environment, State, Value};

use crate::i18n::{Catalogs, Lang};

macro_rules! embed {
    ($env:ident, $($name:literal),+ $(,)?) => {
        $( $env.add_template($name, include_str!(concat!("../templates/", $name)))
            .expect(concat!("template ", $name, " compiles")); )+
    };
}

pub fn environment(catalogs: Arc<Catalogs>) -> Environment<'static> {
    let mut env = Environment::new();
    embed!(
        env,
        "base.html",
        "home.html",
        "agencies.html",
        "agency.html",
        "units.html",
        "unit.html",
        "calendar.html",
        "procedure.html",
        "procedures.html",
        "tracking.html",
        "dossier_form.html",
        "admin_catalog.html",
        "fields.html",
        "error.html",
        "forms.html",
        "login.html",
        "login_totp.html",
        "register.html",
        "account.html",
        "password.html",
        "totp.html",
        "forgot.html",
        "reset.html",
        "work.html",
        "dossier_macros.html",
        "dossier_submit.html",
        "dossier_mine.html",
        "dossier_page.html",
        "dossier_queue.html",
        "dossier_reception.html",
        "officers.html",
        "security_log.html",
        "api_keys.html",
        "admin_calendar.html",
        "admin_point_weeks.html",
        "admin_procedure_list.html",
        "admin_procedure_settings.html",
        "dossier_documents.html",
        "dossier_documents_page.html",
        "my_documents.html"
    );
    env.add_function("t", move |state: &State, key: &str| -> String {
        let lang = state
            .lookup("lang")
            .and_then(|v| v.as_str().and_then(Lang::parse))
            .unwrap_or_default();
        catalogs.t(lang, key).to_owned()
    });
    env.add_filter("kind_key", |kind: &str| format!("agency.kind.{kind}"));
    env.add_filter("vntime", vntime);
    env
}

/// `{{ at|vntime }}`: an RFC 3339 moment (as values serialize) shown in Vietnam time,
/// `dd/mm/yyyy HH:MM`; anything else is shown as given, an empty value as nothing.
fn vntime(value: Value) -> String {
    let Some(text) = value.as_str() else {
        return if value.is_none() || value.is_undefined() {
            String::new()
        } else {
            value.to_string()
        };
    };
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&motcua_calendar::vietnam())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| text.to_owned())
}

/// Renders `name` with `ctx` plus the language and the current path (for the switcher).
pub fn render(
    env: &Environment<'static>,
    name: &str,
    lang: Lang,
    path: &str,
    ctx: Value,
) -> Result<String, minijinja::Error> {
    let other = match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    };
    let base =
        minijinja::context! { lang => lang.code(), other_lang => other.code(), path => path };
    env.get_template(name)?
        .render(minijinja::context! { ..base, ..ctx })
}

#[cfg(test)]
mod tests {
    #[test]
    fn vntime_shows_vietnam_time() {
        use minijinja::Value;
        assert_eq!(
            super::vntime(Value::from("2026-11-24T01:30:00Z")),
            "24/11/2026 08:30"
        );
        assert_eq!(
            super::vntime(Value::from("2026-11-24T08:30:00+07:00")),
            "24/11/2026 08:30"
        );
        assert_eq!(super::vntime(Value::from(())), "");
        assert_eq!(
            super::vntime(Value::from("không phải ngày")),
            "không phải ngày"
        );
    }

    #[test]
    fn every_template_file_is_embedded() {
        let env = super::environment(std::sync::Arc::new(crate::i18n::Catalogs::load()));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                env.get_template(&name).is_ok(),
                "templates/{name} is not embedded in templates.rs"
            );
        }
    }
}

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
        "officers.html",
        "security_log.html",
        "api_keys.html",
        "admin_calendar.html",
        "admin_point_weeks.html"
    );
    env.add_function("t", move |state: &State, key: &str| -> String {
        let lang = state
            .lookup("lang")
            .and_then(|v| v.as_str().and_then(Lang::parse))
            .unwrap_or_default();
        catalogs.t(lang, key).to_owned()
    });
    env.add_filter("kind_key", |kind: &str| format!("agency.kind.{kind}"));
    env
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

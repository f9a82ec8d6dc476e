//! Server-rendered pages: minijinja templates embedded in the binary, with
//! auto-escaping on (every template name ends in `.html`), so a department name,
//! comment or narrative holding `<script>` is shown as text. No JavaScript.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Environment, Value, context};
use std::sync::OnceLock;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("message.html", include_str!("../templates/message.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("password.html", include_str!("../templates/password.html")),
    ("index.html", include_str!("../templates/index.html")),
    (
        "public_report.html",
        include_str!("../templates/public_report.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("alerts.html", include_str!("../templates/alerts.html")),
    (
        "department.html",
        include_str!("../templates/department.html"),
    ),
    (
        "departments.html",
        include_str!("../templates/departments.html"),
    ),
    ("work.html", include_str!("../templates/work.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("version.html", include_str!("../templates/version.html")),
    ("admin.html", include_str!("../templates/admin.html")),
    ("log.html", include_str!("../templates/log.html")),
];

/// The stylesheet, served at `/static/site.css`.
pub const CSS: &str = include_str!("../static/site.css");

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and tested; a broken one shows
            // as the error page below, not a panic.
            let _ = env.add_template(name, source);
        }
        env
    })
}

/// Security headers on every page: no framing, no sniffing, no scripts at all.
pub fn harden(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// Renders a template to a response with `status`.
pub fn render(status: StatusCode, name: &str, ctx: Value) -> Response {
    let html = env().get_template(name).and_then(|t| t.render(ctx));
    let mut resp = match html {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("页面模板出错：{e}"),
        )
            .into_response(),
    };
    harden(&mut resp);
    resp
}

/// The site's name shown in every page's header.
pub const SITE: &str = "决算公开平台";

/// A message page (errors, confirmations): a title and lines of text.
pub fn message(status: StatusCode, title: &str, lines: &[&str], base: Value) -> Response {
    render(
        status,
        "message.html",
        context! { title => title, lines => lines, site => SITE, ..base },
    )
}

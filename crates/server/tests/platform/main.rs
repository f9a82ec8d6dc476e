//! The platform's tests, one binary: each module drives `juesuan serve`'s router
//! on SQLite and (when `JUESUAN_TEST_POSTGRES` is set) PostgreSQL. One binary
//! rather than one per file, because each links the whole server with Typst and
//! sqlx, and nine such binaries filled the CI machine's disk. The browser test
//! (tests/browser.rs) stays apart: it drives Chromium and should not share the
//! two cores with the rest.

mod common;

mod alerts;
mod cross_year;
mod cycle;
mod departments;
mod faults;
mod matrix;
mod security;
mod units;

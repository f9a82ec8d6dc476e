//! Renderers: pure functions from the composed [`juesuan_compose::Document`] (and,
//! for JSON, the model) to the bytes of one output format. They lay out and format;
//! they never compute a number.
//!
//! Pipeline position: compose → **render** → files (written by the CLI).

pub mod chart;
pub mod csv;
pub mod html;
pub mod json;
pub mod opendata;

//! Renderers: each turns the same report value into one format and computes nothing, so the
//! table, CSV, JSON and Markdown of one summary always agree. Adding a format is adding a file.

pub mod csv;
pub mod grid;
pub mod json;
pub mod markdown;
pub mod number;
pub mod table;

use anyhow::{Result, bail};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        Ok(match s.trim().to_lowercase().as_str() {
            "table" | "txt" | "text" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "markdown" | "md" => Format::Markdown,
            other => bail!("unknown format {other:?}; use table, csv, json or markdown"),
        })
    }

    /// The format an output file's extension asks for, if it names one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        Format::parse(ext).ok()
    }
}

/// Text shown for a key value that is empty, in formats read by people.
pub const NONE_LABEL: &str = "(none)";

/// How the grand-total row is labelled in formats read by people.
pub const TOTAL_LABEL: &str = "Total";

//! Renderers: each turns the same report value into one format and computes nothing, so the
//! table, CSV, JSON and Markdown of one summary always agree. Adding a format is adding a file.

pub mod csv;
pub mod grid;
pub mod json;
pub mod markdown;
pub mod number;
pub mod table;

use crate::report::summary::Summary;
use anyhow::{Result, bail};
use std::path::Path;

/// Prints `summary` in `format`. `raw` leaves CSV text cells as they are instead of
/// neutralizing spreadsheet formulas.
pub fn render(summary: &Summary, format: Format, raw: bool) -> Result<String> {
    Ok(match format {
        Format::Table => table::render(summary),
        Format::Csv => csv::render(summary, raw)?,
        Format::Json => json::render(summary),
        Format::Markdown => markdown::render(summary),
    })
}

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

    /// `--format` if given, else what the output file's extension names, else `default`.
    pub fn choose(flag: Option<&str>, output: Option<&Path>, default: Format) -> Result<Format> {
        match (flag, output) {
            (Some(f), _) => Format::parse(f),
            (None, Some(path)) => Ok(Format::from_path(path).unwrap_or(default)),
            (None, None) => Ok(default),
        }
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

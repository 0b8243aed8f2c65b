//! Writers: each writes one format of a report [`Table`] as bytes into any `io::Write` sink (a
//! file being written atomically, standard output). Formats for people go through `present`
//! with a locale; formats for programs (CSV, JSON) write the table's typed values directly, the
//! same in every language. Adding a format is one file here and one line in [`Format`].

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod rejects;
pub mod report;
pub mod table;
pub mod xlsx;

use crate::present::Locale;
use crate::report::table::Table;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// A self-contained web page.
    Html,
    /// A spreadsheet workbook (Excel, LibreOffice).
    Xlsx,
}

/// Choices a writer needs beyond the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Leave CSV text cells as they are instead of neutralizing spreadsheet formulas.
    pub raw: bool,
    /// CSV shape: one line per line and amount column (tidy, long), or the table as it is (wide).
    pub wide: bool,
}

/// Writes `table` in `format` into `out`.
pub fn write(
    table: &Table,
    format: Format,
    options: Options,
    locale: &Locale,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Table => table::write(table, locale, out),
        Format::Csv if options.wide => csv::write_wide(table, options.raw, out),
        Format::Csv => csv::write_long(table, options.raw, out),
        Format::Json => json::write(table, out),
        Format::Markdown => markdown::write(table, locale, out),
        Format::Html => html::write(table, locale, out),
        Format::Xlsx => xlsx::write(table, locale, out),
    }
}

impl Format {
    /// The format a name (from `--format` or a file extension) stands for.
    pub fn named(s: &str) -> Option<Format> {
        Some(match s.trim().to_lowercase().as_str() {
            "table" | "txt" | "text" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "markdown" | "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    /// The format an output file's extension asks for, if it names one.
    pub fn from_path(path: &Path) -> Option<Format> {
        Format::named(path.extension()?.to_str()?)
    }

    /// Whether the format is bytes for a program to open rather than text for a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// `--format` if given, else what the output file's extension names, else `default`.
    pub fn choose(flag: Option<Format>, output: Option<&Path>, default: Format) -> Format {
        flag.or_else(|| output.and_then(Format::from_path))
            .unwrap_or(default)
    }
}

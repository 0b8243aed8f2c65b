//! The year-end report's writers: the report is a value made of sections, so each format that
//! shows it (HTML, Markdown, a workbook) has a function for the whole report beside the one for
//! a single table, in the format's own file. This is the one place they are chosen.

use super::Format;
use crate::present::Locale;
use crate::report::yearend::YearEnd;
use anyhow::{Result, bail};
use std::io::Write;

/// Writes `report` in `format` into `out`.
pub fn write(report: &YearEnd, format: Format, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Html => super::html::write_report(report, locale, out),
        Format::Markdown => super::markdown::write_report(report, locale, out),
        Format::Xlsx => super::xlsx::write_report(report, locale, out),
        Format::Table | Format::Csv | Format::Json => {
            bail!("the year-end report is written as html, md or xlsx")
        }
    }
}

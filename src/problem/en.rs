//! The English catalogue: every kind of problem and warning in words. This is the only place
//! their English text is written; another language is another file with the same `match`.

use super::kind::{Kind, Whose};
use crate::domain::YEARS;
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::source::Workbook;

/// The English text of `kind`.
pub fn message(kind: &Kind) -> String {
    match kind {
        Kind::UnclosedQuote => "a quote opened in this record is never closed, so every line \
                                after it was read as part of one field; close the quote"
            .to_string(),
        Kind::FieldCount { found, expected } => {
            format!("has {found} fields but the header has {expected}")
        }
        Kind::TotalsRow { word } => {
            format!("typed totals row ({word:?}): remove it, danvan adds up the rows itself")
        }
        Kind::DuplicateRow { file, line } => match file {
            None => format!("same as line {line}: a duplicate row?"),
            Some(file) => format!("same as {file}:{line}: a duplicate row?"),
        },
        Kind::Date(e) => date_error(e),
        Kind::Amount(e) => number_error(e),
        Kind::TwoWays { text, reading } => match reading {
            Reading::Ambiguous { vi, en } => format!(
                "{text:?} reads two ways: {vi} (vi: '.' groups, ',' is the decimal mark) or {en} \
                 (en: ',' groups, '.' is the decimal mark) and nothing in the file settles it; \
                 give --number-format vi or en"
            ),
            Reading::Exact { value, .. } => format!("{text:?} reads as {value}"),
        },
        Kind::FloatArtifact { text, meant } => format!(
            "{text:?} looks like a spreadsheet's floating-point leftover; it probably meant \
             {meant} (danvan counts it as written)"
        ),
        Kind::CurrencyNotMeasure { text, measure } => {
            format!("{text:?} carries a currency mark but the measure is {measure:?}")
        }
        Kind::OwnUnitInScaledColumn { text, unit } => format!(
            "{text:?} has a unit of its own, but the header already says the amounts are in \
             {unit}; write the number alone"
        ),
        Kind::ScaledNotMoney { measure, unit } => format!(
            "the header says the amounts are in {unit}, but this row counts {measure:?}; put \
             money and other measures in separate columns or files"
        ),
        Kind::UnknownModel { id } => format!("model {id:?} is not in the registry"),
        Kind::DiffersFromModel {
            value,
            model,
            column,
            theirs,
        } => format!(
            "{value:?} differs from model {model}'s {} {theirs:?}",
            column_name(*column)
        ),
        Kind::EmptyFile => "the file is empty".to_string(),
        Kind::UnknownColumns { shown, more } => {
            let names: Vec<String> = shown.iter().map(|n| format!("{n:?}")).collect();
            let tail = if *more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "columns not recognised, ignored: {}{tail}",
                names.join(", ")
            )
        }
        Kind::MixedConventions { vi, en } => format!(
            "numbers are written both ways: {vi} like 1.200.000 or 106,8 (vi), {en} like \
             1,200,000 or 106.8 (en); each reads only one way, but check the file"
        ),
        Kind::HeaderBelowTop { skipped } => format!(
            "the header is on this line; the {skipped} line{} above it (titles and empty \
             rows) {} left out (give --header-row N if another line is the header)",
            if *skipped == 1 { "" } else { "s" },
            if *skipped == 1 { "was" } else { "were" }
        ),
        Kind::HeaderRowPastEnd { row, lines } => format!(
            "--header-row {row}: the file has only {lines} line{}",
            if *lines == 1 { "" } else { "s" }
        ),
        Kind::HeaderRowEmpty { row } => format!("--header-row {row}: that line is empty"),
        Kind::UnknownHeaderUnit { unit } => format!(
            "the unit {unit:?} in this header is not one danvan knows, so the amounts cannot be \
             read right; use đồng, nghìn đồng, triệu đồng or tỷ đồng (or a measure such as ngày \
             công or m2), or write the amounts in đồng and leave the unit out"
        ),
        Kind::Workbook(book) => workbook(*book),
        Kind::ReadAsUtf8 { asked } => format!(
            "this file is UTF-8, not {asked}: read as UTF-8 (--encoding applies to files that \
             are not UTF-8)"
        ),
        Kind::RegistryMissing(col) => format!("{} is missing", registry_column(*col)),
        Kind::NotAYear { text } => format!("{text:?} is not a year"),
        Kind::DuplicateModel { id, first_line } => {
            format!("duplicate model id {id:?} (first on line {first_line})")
        }
        Kind::NotPlainDecimal { text } => {
            format!("{text:?} is not a plain decimal like 1234567.5")
        }
        Kind::TotalOutOfRange { text } => format!(
            "{text:?} has more digits than danvan can add up exactly (at most {} and 28 \
             decimals)",
            rust_decimal::Decimal::MAX
        ),
        Kind::NotWholeNumber { text } => format!("{text:?} is not a whole number"),
        Kind::SameGroup { first_line } => {
            format!("the same group as line {first_line}; both are added")
        }
        Kind::SpellingVariants { spellings } => {
            let list = spellings
                .iter()
                .map(|s| {
                    format!(
                        "{:?} ({} rows, first at {}:{})",
                        s.text, s.rows, s.file, s.line
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("spellings differ only in case or accents: {list}")
        }
        Kind::UnusedModel { id } => format!("model {id:?} has no contributions"),
        Kind::NoRegistry { id } => format!(
            "rows name models ({id:?}…) but no --models registry was given, so they are not \
             checked"
        ),
        Kind::TotalTooLong {
            whose,
            measure,
            column,
            total,
        } => {
            let whose = match whose {
                Whose::Line(label) if label.is_empty() => "the total".to_string(),
                Whose::Line(label) => {
                    let parts: Vec<String> =
                        label.iter().map(|(d, v)| format!("{d} {v:?}")).collect();
                    format!("the total of {}", parts.join(", "))
                }
                Whose::Others(n) => format!("the total of the {n} other lines"),
                Whose::Grand => "the grand total".to_string(),
            };
            let column = match column {
                Some((dim, value)) => format!(", {dim} {value},"),
                None => String::new(),
            };
            format!(
                "{whose}{column} in {measure} is {total}, which needs more digits than danvan \
                 can print exactly (at most {} and 28 decimals); nothing was written",
                rust_decimal::Decimal::MAX
            )
        }
    }
}

/// A workbook given as a ledger, and how to save it as CSV, in English.
fn workbook(book: Workbook) -> String {
    let (what, how) = match book {
        Workbook::Xlsx => (
            "an Excel workbook (.xlsx)",
            "in Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\"",
        ),
        Workbook::Xls => (
            "an old Excel workbook (.xls)",
            "in Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\" (or \"CSV \
             (Comma delimited)\" in Excel 2013 and older, then --encoding windows-1258)",
        ),
        Workbook::Ods => (
            "a LibreOffice Calc spreadsheet (.ods)",
            "in LibreOffice Calc, File > Save As > \"Text CSV (.csv)\" with character set \
             Unicode (UTF-8)",
        ),
    };
    format!(
        "this is {what}, not a CSV file: danvan reads CSV. Save the sheet as CSV ({how}) and \
         give danvan the .csv file"
    )
}

/// Why a date cell is no date, in English.
pub fn date_error(e: &DateError) -> String {
    match e {
        DateError::Missing => "date is missing".to_string(),
        DateError::Unreadable(s) => {
            format!("cannot read {s:?} as a date (write day first: 15/03/2024, or 2024-03-15)")
        }
        DateError::Impossible(s) => format!("{s:?} is not a real date"),
        DateError::OutOfRange(s) => {
            format!("{s:?}: year is outside {}-{}", YEARS.start(), YEARS.end())
        }
    }
}

/// Why an amount cell is no number, in English.
pub fn number_error(e: &NumberError) -> String {
    match e {
        NumberError::Empty => "amount is missing".to_string(),
        NumberError::Unreadable(s) => format!("cannot read {s:?} as a number"),
        NumberError::TooLarge(s) => format!("{s:?} is too large to add up exactly"),
    }
}

/// A registry column's English name.
fn registry_column(col: RegCol) -> &'static str {
    match col {
        RegCol::Id => "id",
        RegCol::Name => "name",
        RegCol::Unit => "unit",
        RegCol::Year => "year",
        RegCol::Area => "area",
        RegCol::Field => "field",
        RegCol::Target => "target",
    }
}

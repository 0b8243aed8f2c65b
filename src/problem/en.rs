//! The English catalogue: every kind of problem and warning in words. This is the only place
//! their English text is written; another language is another file with the same `match`.

use super::kind::Kind;
use crate::domain::YEARS;
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::results::ResultCol;

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
        Kind::CurrencyNotMeasure { text, measure } => {
            format!("{text:?} carries a currency mark but the measure is {measure:?}")
        }
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
        Kind::RegistryMissing(col) => format!("{} is missing", registry_column(*col)),
        Kind::NotAYear { text } => format!("{text:?} is not a year"),
        Kind::DuplicateModel { id, first_line } => {
            format!("duplicate model id {id:?} (first on line {first_line})")
        }
        Kind::ResultMissing(col) => format!("{} is missing", result_column(*col)),
        Kind::ResultNotANumber { text } => format!(
            "cannot read {text:?} as a number; write the number alone (96 or 89,5) and what it \
             counts in the unit column (%, m)"
        ),
        Kind::NotPlainDecimal { text } => {
            format!("{text:?} is not a plain decimal like 1234567.5")
        }
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
    }
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

/// A results column's English name.
fn result_column(col: ResultCol) -> &'static str {
    match col {
        ResultCol::Model => "model",
        ResultCol::Indicator => "indicator",
        ResultCol::Value => "value",
        ResultCol::Unit => "unit",
    }
}

//! The English catalogue: every kind of problem and warning in words. This is the only place
//! their English text is written; another language is another file with the same `match`.

use super::kind::{Input, Kind, Sameness};
use crate::domain::Dim;
use crate::domain::YEARS;
use crate::domain::amount::plain;
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use chrono::Datelike;
use std::sync::Arc;

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
                        "{:?} ({}, first at {}:{})",
                        s.text,
                        rows(s.rows),
                        s.file,
                        s.line
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
        Kind::SameInput { first, same, input } => {
            let input = match input {
                Input::Ledger => "ledger",
                Input::Summary => "summary",
            };
            format!(
                "the same {input} as {first} ({}); adding it twice would count it twice. Use \
                 --allow-duplicates if that is really meant",
                sameness(*same)
            )
        }
        Kind::SameInputAllowed { first, same } => format!(
            "the same {} as {first}, given with --allow-duplicates: every row of it is counted \
             again, and its rows are not listed one by one as duplicates of {first}'s",
            match same {
                Sameness::File => "file",
                Sameness::Content => "content",
            }
        ),
        Kind::NotAPeriod { dim, text } => format!(
            "cannot read {text:?} as a {dim}; write {}",
            match dim {
                Dim::Year => "a year of four digits: 2024",
                Dim::Quarter => "2024-Q3 (or Q3/2024)",
                _ => "2024-03 (or 03/2024, Mar-24)",
            }
        ),
        Kind::EmptyAmid {
            column,
            rows: n,
            last,
            before,
            after,
        } => {
            let column = column_name(*column);
            let (these, it) = if *n == 1 {
                ("this row".to_string(), "it")
            } else {
                (format!("{} (to line {last})", rows(*n)), "them")
            };
            format!(
                "no {column} on {these}, while the rows around {it} have one (lines {before} and \
                 {after}): cells merged in Excel? Rows with no {column} are added up under (none)"
            )
        }
        Kind::FarDate { date, from, to } => {
            let range = if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            };
            format!(
                "{} is years away from every other date of this file (which are in {range}): a \
                 typo?",
                format_args!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
            )
        }
        Kind::AmountOutlier {
            amount,
            median,
            unit,
            measure,
        } => {
            let whose = if unit.is_empty() {
                "rows with no unit".to_string()
            } else {
                format!("{unit:?}")
            };
            format!(
                "{} is 1,000 times the median {measure} amount of {whose} (about {}) or more: a \
                 typo?",
                plain(*amount),
                plain(*median)
            )
        }
        Kind::WhereFolded {
            dim,
            given,
            matched,
        } => format!(
            "--where {dim}={given} matches no {dim} exactly, so it matches ignoring accents and \
             case: {}",
            quoted(matched)
        ),
        Kind::WhereNothing {
            dim,
            given,
            closest,
        } => {
            if closest.is_empty() {
                format!("--where {dim}={given} matches no row: no row has a {dim}")
            } else {
                format!(
                    "--where {dim}={given} matches no row; the closest {dim} values are {}",
                    quoted(closest)
                )
            }
        }
        Kind::WherePeriodNothing {
            dim,
            given,
            first,
            last,
        } => {
            let span = if first == last {
                format!("all in {first}")
            } else {
                format!("from {first} to {last}")
            };
            format!("--where {dim}={given} matches no row; the rows are dated {span}")
        }
        Kind::KeysDiffer { dim, pairs, more } => {
            let list = pairs
                .iter()
                .map(|(a, b)| format!("{a:?} / {b:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let tail = if *more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{dim} values that differ only in case, accents or spacing are added up apart: \
                 {list}{tail}. danvan check shows where each is written; fix the ledger (merging \
                 them with --aliases is coming)"
            )
        }
    }
}

/// `1 row`, `3 rows`.
pub fn rows(n: u64) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

/// `"a", "b"`.
fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sameness(same: Sameness) -> &'static str {
    match same {
        Sameness::File => "the same file",
        Sameness::Content => "the same content",
    }
}

/// Said after a warning that holds for several files: the others it holds for.
pub fn also_in(files: &[Arc<str>]) -> String {
    const SHOWN: usize = 10;
    let names: Vec<&str> = files.iter().take(SHOWN).map(|f| &**f).collect();
    let more = files.len().saturating_sub(SHOWN);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        " (the same in {} more file{}: {}{tail})",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// The line after a cut list: how many more problems (or warnings) there are.
pub fn more_not_shown(n: u64, warnings: bool) -> String {
    let noun = match (warnings, n == 1) {
        (true, true) => "warning",
        (true, false) => "warnings",
        (false, true) => "problem",
        (false, false) => "problems",
    };
    format!("… and {n} more {noun} (danvan check lists them)")
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

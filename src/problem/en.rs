//! The English catalogue: every kind of problem and warning, every message of the commands and
//! every typed failure in words. This is the only place their English text is written; the
//! Vietnamese is `vi.rs`, with the same `match`es.

use super::kind::{Kind, Whose};
use super::message::{Failure, Message};
use crate::domain::YEARS;
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::dialect::HeaderError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::present::Scale;

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

/// A command's message in English.
pub fn sentence(m: &Message) -> String {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    match m {
        Message::Tally {
            read,
            counted,
            filtered,
            rejected,
        } => format!(
            "rows read {read} = counted {counted} + filtered {filtered} + rejected {rejected}"
        ),
        Message::Refused { problems } => format!(
            "danvan: {problems} problem(s) in the data; nothing was written (fix them, or use \
             --skip-invalid)"
        ),
        Message::RefusedSummaries { problems } => {
            format!("danvan: {problems} problem(s) in the summaries; nothing was written")
        }
        Message::MoreProblems { more } => {
            format!("… and {more} more problems (danvan check lists them)")
        }
        Message::Unlisted { more, max } => format!(
            "… and {more} more problems and warnings after these, not listed (danvan lists the \
             first {max} of each; fix these and run again)"
        ),
        Message::CheckCount { errors, warnings } => format!(
            "{errors} {}, {warnings} {}",
            plural(*errors, "problem", "problems"),
            plural(*warnings, "warning", "warnings")
        ),
        Message::RejectsCapped { file, kept, more } => format!(
            "warning: {file} holds the first {kept} rejected rows; {more} more were rejected \
             (fix these and run again)"
        ),
        Message::LeftOut { measure, others } => {
            let list: Vec<String> = others
                .iter()
                .map(|(m, n)| format!("{m} ({n} rows)"))
                .collect();
            format!(
                "note: the columns show {measure} only; not shown: {} (choose with --measure)",
                list.join(", ")
            )
        }
        Message::NoTargets => "note: no model has a target, so there is no percent; add a \
                               `target` (Chỉ tiêu) column to the registry"
            .to_string(),
        Message::WithoutContribution { ids } => format!(
            "note: {} {} with no contribution: {}",
            ids.len(),
            plural(ids.len() as u64, "model", "models"),
            ids.join(", ")
        ),
        Message::Unattributed { rows } => format!(
            "note: {rows} counted row(s) name no registered model and are in no model's figures"
        ),
        Message::ThreadsCapped { asked, max } => {
            format!("note: --threads {asked} is more than danvan starts; using {max}")
        }
        Message::ScaleIgnored => "warning: --in changes only tables and Markdown; CSV and JSON \
                                  keep every amount exact, in đồng"
            .to_string(),
        Message::Rounded { scale } => format!(
            "note: money is shown in {}, rounded, so the parts shown may not add up to the \
             total shown (the total is computed before rounding)",
            scale_name(*scale)
        ),
    }
}

/// A scale's name in English, as `--in` heads say it.
fn scale_name(scale: Scale) -> &'static str {
    (crate::present::locale::EN.scaled)(scale)
}

/// A failure that stops the run, in English.
pub fn failure(f: &Failure) -> String {
    match f {
        Failure::CannotOpen { file, error } => format!("{file}: cannot open: {error}"),
        Failure::IsFolder { file } => format!("{file}: is a folder, not a ledger file"),
        Failure::Header { file, error } => format!("{file}:1: {}", header_error(error)),
        Failure::Data(kind) => message(kind),
        Failure::NotUtf8 { file, line, column } => format!(
            "{file}:{line}: column {column}: text is not UTF-8; if the file comes from an old \
             Windows program, try --encoding windows-1258"
        ),
    }
}

/// What is wrong with a header, in English.
pub fn header_error(e: &HeaderError) -> String {
    match e {
        HeaderError::Missing(cols) => format!("missing required column(s): {}", cols.join(", ")),
        HeaderError::Duplicate {
            column,
            first,
            second,
        } => format!("two columns both mean {column:?} (columns {first} and {second}); keep one"),
    }
}

/// What a problem's place says instead of a column (`row`, `file`, `header`): as it is.
pub fn place(column: &str) -> &str {
    column
}

/// The marks before a warning's text, and before a problem skipped by `--skip-invalid`.
pub const WARNING: &str = "warning: ";
pub const SKIPPED: &str = "warning: skipped: ";

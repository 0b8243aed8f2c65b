//! The English catalogue: every kind of problem and warning in words. This is the only place
//! their English text is written; another language is another file with the same `match`.

use super::kind::Kind;
use crate::domain::YEARS;
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;

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
            format!(
                "typed totals row ({}): remove it, danvan adds up the rows itself",
                quoted(word)
            )
        }
        Kind::DuplicateRow { file, line } => match file {
            None => format!("same as line {line}: a duplicate row?"),
            Some(file) => format!("same as {file}:{line}: a duplicate row?"),
        },
        Kind::Date(e) => date_error(e),
        Kind::Amount(e) => number_error(e),
        Kind::TwoWays { text, reading } => match reading {
            Reading::Ambiguous { vi, en } => format!(
                "{} reads two ways: {vi} (vi: '.' groups, ',' is the decimal mark) or {en} \
                 (en: ',' groups, '.' is the decimal mark) and nothing in the file settles it; \
                 give --number-format vi or en",
                quoted(text)
            ),
            Reading::Exact { value, .. } => format!("{} reads as {value}", quoted(text)),
        },
        Kind::SerialAmongDates { text, date } => format!(
            "{} is an Excel serial day number ({date}), but other rows of this file write their \
             dates as text; write this one as a date too",
            quoted(text)
        ),
        Kind::CurrencyNotMeasure { text, measure } => {
            format!(
                "{} carries a currency mark but the measure is {}",
                quoted(text),
                quoted(measure)
            )
        }
        Kind::UnknownModel { id } => format!("model {} is not in the registry", quoted(id)),
        Kind::DiffersFromModel {
            value,
            model,
            column,
            theirs,
        } => format!(
            "{} differs from model {model}'s {} {}",
            quoted(value),
            column_name(*column),
            quoted(theirs)
        ),
        Kind::EmptyFile => "the file is empty".to_string(),
        Kind::UnknownColumns { shown, more } => {
            let names: Vec<String> = shown.iter().map(|n| quoted(n)).collect();
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
        Kind::SerialDates {
            rows,
            example,
            date,
        } => format!(
            "every date is an Excel serial day number ({rows} rows), read as one: {} is {date}",
            quoted(example)
        ),
        Kind::RegistryMissing(col) => format!("{} is missing", registry_column(*col)),
        Kind::NotAYear { text } => format!("{} is not a year", quoted(text)),
        Kind::DuplicateModel { id, first_line } => {
            format!(
                "duplicate model id {} (first on line {first_line})",
                quoted(id)
            )
        }
        Kind::NotPlainDecimal { text } => {
            format!("{} is not a plain decimal like 1234567.5", quoted(text))
        }
        Kind::NotWholeNumber { text } => format!("{} is not a whole number", quoted(text)),
        Kind::SameGroup { first_line } => {
            format!("the same group as line {first_line}; both are added")
        }
        Kind::SpellingVariants { spellings } => {
            let list = spellings
                .iter()
                .map(|s| {
                    format!(
                        "{} ({} rows, first at {}:{})",
                        quoted(&s.text),
                        s.rows,
                        s.file,
                        s.line
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("spellings differ only in case or accents: {list}")
        }
        Kind::UnusedModel { id } => format!("model {} has no contributions", quoted(id)),
        Kind::NoRegistry { id } => format!(
            "rows name models ({}…) but no --models registry was given, so they are not \
             checked",
            quoted(id)
        ),
    }
}

/// Why a date cell is no date, in English.
pub fn date_error(e: &DateError) -> String {
    match e {
        DateError::Missing => "date is missing".to_string(),
        DateError::Unreadable(s) => {
            format!(
                "cannot read {} as a date (write day first: 15/03/2024, or 2024-03-15)",
                quoted(s)
            )
        }
        DateError::Impossible(s) => format!("{} is not a real date", quoted(s)),
        DateError::OutOfRange(s) => {
            format!(
                "{}: year is outside {}-{}",
                quoted(s),
                YEARS.start(),
                YEARS.end()
            )
        }
    }
}

/// Why an amount cell is no number, in English.
pub fn number_error(e: &NumberError) -> String {
    match e {
        NumberError::Empty => "amount is missing".to_string(),
        NumberError::Unreadable(s) => format!("cannot read {} as a number", quoted(s)),
        NumberError::TooLarge(s) => format!("{} is too large to add up exactly", quoted(s)),
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

/// A cell's text in double quotes, as the clerk typed it. Rust's `{:?}` would escape the
/// combining marks of decomposed Vietnamese (`trie\u{323}\u{302}u`), which no clerk can read; here
/// they are kept as they are. What stays escaped is what a terminal would not show or would
/// misplace: control characters (`\0`, a line break), invisible format characters, and a `"` or
/// `\` inside the text, so the quotes still say where the cell begins and ends.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '\'' || unicode_normalization::char::is_combining_mark(c) {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push('"');
    out
}

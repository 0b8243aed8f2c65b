//! The English catalogue: every kind of problem and warning, every message of the commands and
//! every typed failure in words. This is the only place their English text is written; the
//! Vietnamese is `vi.rs`, with the same `match`es.

use super::kind::{Input, Kind, Sameness, Whose};
use super::message::{Failure, Message};
use crate::domain::YEARS;
use crate::domain::amount::plain;
use crate::domain::{Dim, Lang};
use crate::ledger::column_name;
use crate::ledger::date::DateError;
use crate::ledger::dialect::HeaderError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::results::ResultCol;
use crate::ledger::source::Workbook;
use crate::present::Scale;
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
        Kind::FloatArtifact { text, meant } => format!(
            "{text:?} looks like a spreadsheet's floating-point leftover; it probably meant \
             {meant} (danvan counts it as written)"
        ),
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
        Kind::OwnUnitInScaledColumn { text, unit } => format!(
            "{} has a unit of its own, but the header already says the amounts are in \
             {unit}; write the number alone",
            quoted(text)
        ),
        Kind::ScaledNotMoney { measure, unit } => format!(
            "the header says the amounts are in {unit}, but this row counts {}; put \
             money and other measures in separate columns or files",
            quoted(measure)
        ),
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
        Kind::ResultMissing(col) => format!("{} is missing", result_column(*col)),
        Kind::ResultNotANumber { text } => format!(
            "cannot read {text:?} as a number; write the number alone (96 or 89,5) and what it \
             counts in the unit column (%, m)"
        ),
        Kind::NotPlainDecimal { text, decimal } => {
            format!(
                "{} is not a plain decimal like 1234567{decimal}5",
                quoted(text)
            )
        }
        Kind::TotalOutOfRange { text } => format!(
            "{} has more digits than danvan can add up exactly (at most {} and 28 \
             decimals)",
            quoted(text),
            rust_decimal::Decimal::MAX
        ),
        Kind::NotWholeNumber { text } => format!("{} is not a whole number", quoted(text)),
        Kind::SameGroup { first_line } => {
            format!("the same group as line {first_line}; both are added")
        }
        Kind::SpellingVariants { dim, spellings } => {
            let list = spellings
                .iter()
                .map(|s| {
                    format!(
                        "{} ({}, first at {}:{})",
                        quoted(&s.text),
                        rows(s.rows),
                        s.file,
                        s.line
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            // The alias lines that would count them as one: each onto the most used spelling.
            let main = spellings
                .iter()
                .max_by_key(|s| s.rows)
                .map(|s| s.text.as_str());
            let aliases = spellings
                .iter()
                .filter(|s| Some(s.text.as_str()) != main)
                .map(|s| format!("{dim},{},{}", s.text, main.unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "spellings differ only in case or accents: {list}; to count them as one, add to \
                 an --aliases file: {aliases}"
            )
        }
        Kind::UnusedModel { id } => format!("model {} has no contributions", quoted(id)),
        Kind::NoRegistry { id } => format!(
            "rows name models ({}…) but no --models registry was given, so they are not \
             checked",
            quoted(id)
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
            "cannot read {} as a {dim}; write {}",
            quoted(text),
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
                day(*date)
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
                quoted(unit)
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
            quoted_list(matched)
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
                    quoted_list(closest)
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
                .map(|(a, b)| format!("{} / {}", quoted(a), quoted(b)))
                .collect::<Vec<_>>()
                .join(", ");
            let tail = if *more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{dim} values that differ only in case, accents or spacing are added up apart: \
                 {list}{tail}. danvan check shows where each is written; fix the ledger, or \
                 count them as one with --aliases"
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

/// `1 row`, `3 rows`.
pub fn rows(n: u64) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

/// A date as a clerk writes it, in either language: `15/03/2025`.
pub(super) fn day(d: chrono::NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// `"a", "b"`, each as typed.
pub(super) fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| quoted(v))
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
fn also_in(files: &[Arc<str>]) -> String {
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
        Message::MoreProblems { more, warnings } => {
            let noun = match (warnings, *more == 1) {
                (true, true) => "warning",
                (true, false) => "warnings",
                (false, true) => "problem",
                (false, false) => "problems",
            };
            format!("… and {more} more {noun} (danvan check lists them)")
        }
        Message::AlsoIn { files } => also_in(files),
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
                .map(|(m, n)| format!("{m} ({})", rows(*n)))
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
        Failure::Header { file, line, error } => {
            format!("{file}:{line}: {}", header_error(error))
        }
        Failure::Problem(p) => p.text(Lang::En),
        Failure::OfFile { file, kind } => format!("{file}: {}", message(kind)),
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
/// A results column's English name.
fn result_column(col: ResultCol) -> &'static str {
    match col {
        ResultCol::Model => "model",
        ResultCol::Indicator => "indicator",
        ResultCol::Value => "value",
        ResultCol::Unit => "unit",
    }
}

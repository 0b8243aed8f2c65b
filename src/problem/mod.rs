//! Problems as data. Reading never panics and never stops at the first bad row: every problem is
//! collected with its file, line and column, and the command decides what to do with them (list
//! them all in `check`, refuse the data elsewhere, or skip the rows with `--skip-invalid`).
//!
//! What went wrong is a [`Kind`] carrying its data; its words come from a catalogue per language
//! ([`en`], [`vi`]), the one place where messages are written. The commands' own sentences
//! ([`Message`]) and the errors that stop a run most often ([`Failure`]) are typed the same way.

pub mod en;
mod kind;
mod message;
pub mod vi;

pub use kind::{Input, Kind, Sameness, Spelling, Whose};
pub use message::{Failure, Message, describe};

use crate::domain::Lang;

use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: Arc<str>,
    /// Physical line where the record starts; the header is line 1; 0 when no line applies.
    pub line: u64,
    /// The column as the file names it, or `row` when the problem is the record as a whole.
    pub column: String,
    pub kind: Kind,
}

impl Problem {
    pub fn error(file: &Arc<str>, line: u64, column: impl Into<String>, kind: Kind) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.clone(),
            line,
            column: column.into(),
            kind,
        }
    }

    pub fn warning(file: &Arc<str>, line: u64, column: impl Into<String>, kind: Kind) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, line, column, kind)
        }
    }
}

/// The text of `kind` in `lang`.
pub fn text(kind: &Kind, lang: Lang) -> String {
    match lang {
        Lang::En => en::message(kind),
        Lang::Vi => vi::message(kind),
    }
}

impl Problem {
    /// `FILE:LINE: COLUMN: message` in `lang`, warnings marked as such after the column.
    pub fn text(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.push_text(lang, &mut out);
        out
    }

    /// [`Problem::text`], appended to `out`.
    pub fn push_text(&self, lang: Lang, out: &mut String) {
        let (mark, place) = match lang {
            Lang::En => (en::WARNING, en::place(&self.column)),
            Lang::Vi => (vi::WARNING, vi::place(&self.column)),
        };
        let mark = match self.severity {
            Severity::Error => "",
            Severity::Warning => mark,
        };
        let message = text(&self.kind, lang);
        // Writing into a `String` cannot fail.
        let _ = write!(out, "{}:{}: {place}: {mark}{message}", self.file, self.line);
    }
}

/// The mark before a warning's text, in `lang`.
pub fn warning_mark(lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::WARNING,
        Lang::Vi => vi::WARNING,
    }
}

/// The mark before a problem skipped by `--skip-invalid`, in `lang`.
pub fn skipped_mark(lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::SKIPPED,
        Lang::Vi => vi::SKIPPED,
    }
}

impl fmt::Display for Problem {
    /// The English text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A rejected record kept whole for `--rejects`: its fields as read, and why it was refused,
/// as (column, kind) pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub file_index: usize,
    pub line: u64,
    pub fields: Vec<String>,
    pub reasons: Vec<(String, Kind)>,
}

impl Rejected {
    /// The `reason` cell of `--rejects` in `lang`: `column: message; column: message`.
    pub fn reason(&self, lang: Lang) -> String {
        self.reasons
            .iter()
            .map(|(column, kind)| {
                let place = match lang {
                    Lang::En => en::place(column),
                    Lang::Vi => vi::place(column),
                };
                format!("{place}: {}", text(kind, lang))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::date::DateError;

    #[test]
    fn english_wording() {
        let text = |k: Kind| en::message(&k);
        assert_eq!(
            text(Kind::FieldCount {
                found: 3,
                expected: 4
            }),
            "has 3 fields but the header has 4"
        );
        assert_eq!(
            text(Kind::Date(DateError::Unreadable("xx".into()))),
            "cannot read \"xx\" as a date (write day first: 15/03/2024, or 2024-03-15)"
        );
        assert_eq!(
            text(Kind::Date(DateError::Impossible("31/02/2024".into()))),
            "\"31/02/2024\" is not a real date"
        );
        assert_eq!(
            text(Kind::DuplicateRow {
                file: None,
                line: 4
            }),
            "same as line 4: a duplicate row?"
        );
        assert_eq!(
            text(Kind::UnknownColumns {
                shown: vec!["a".into(), "b".into()],
                more: 3
            }),
            "columns not recognised, ignored: \"a\", \"b\" and 3 more"
        );
    }

    /// A cell's text is quoted as typed: decomposed accents stay as they are (Rust's `{:?}`
    /// would write `\u{323}`), while what a terminal would hide or misplace is escaped.
    #[test]
    fn cell_text_is_quoted_as_typed() {
        let nfd = "3 trie\u{323}\u{302}u";
        assert_eq!(en::quoted(nfd), format!("\"{nfd}\""));
        assert_eq!(en::quoted("Hội Phụ nữ"), "\"Hội Phụ nữ\"");
        assert_eq!(
            en::quoted("a\"b\\c\nd\0'\u{200b}"),
            "\"a\\\"b\\\\c\\nd\\0'\\u{200b}\""
        );
        assert_eq!(
            text_of(Kind::Amount(
                crate::ledger::number::NumberError::Unreadable(nfd.into())
            )),
            format!("cannot read \"{nfd}\" as a number")
        );
    }

    fn text_of(kind: Kind) -> String {
        en::message(&kind)
    }

    #[test]
    fn problems_and_rejects_print_as_before() {
        let file: Arc<str> = Arc::from("l.csv");
        let warning = Problem::warning(&file, 1, "file", Kind::EmptyFile);
        assert_eq!(
            warning.to_string(),
            "l.csv:1: file: warning: the file is empty"
        );
        let rejected = Rejected {
            file_index: 0,
            line: 4,
            fields: Vec::new(),
            reasons: vec![
                ("date".into(), Kind::Date(DateError::Missing)),
                ("row".into(), Kind::UnclosedQuote),
            ],
        };
        assert_eq!(
            rejected.reason(Lang::En),
            "date: date is missing; row: a quote opened in this record is never closed, so \
             every line after it was read as part of one field; close the quote"
        );
    }

    /// Which variant a kind is. The match has no catch-all, so a new variant does not compile
    /// until it is numbered here, and then the test below asks for an example of it.
    fn variant(kind: &Kind) -> usize {
        match kind {
            Kind::UnclosedQuote => 0,
            Kind::FieldCount { .. } => 1,
            Kind::TotalsRow { .. } => 2,
            Kind::DuplicateRow { .. } => 3,
            Kind::Date(_) => 4,
            Kind::Amount(_) => 5,
            Kind::TwoWays { .. } => 6,
            Kind::CurrencyNotMeasure { .. } => 7,
            Kind::UnknownModel { .. } => 8,
            Kind::DiffersFromModel { .. } => 9,
            Kind::EmptyFile => 10,
            Kind::UnknownColumns { .. } => 11,
            Kind::MixedConventions { .. } => 12,
            Kind::RegistryMissing(_) => 13,
            Kind::NotAYear { .. } => 14,
            Kind::DuplicateModel { .. } => 15,
            Kind::NotPlainDecimal { .. } => 16,
            Kind::NotWholeNumber { .. } => 17,
            Kind::SameGroup { .. } => 18,
            Kind::SpellingVariants { .. } => 19,
            Kind::UnusedModel { .. } => 20,
            Kind::NoRegistry { .. } => 21,
            Kind::FloatArtifact { .. } => 22,
            Kind::TotalOutOfRange { .. } => 23,
            Kind::TotalTooLong { .. } => 24,
            Kind::OwnUnitInScaledColumn { .. } => 25,
            Kind::ScaledNotMoney { .. } => 26,
            Kind::HeaderBelowTop { .. } => 27,
            Kind::HeaderRowPastEnd { .. } => 28,
            Kind::HeaderRowEmpty { .. } => 29,
            Kind::UnknownHeaderUnit { .. } => 30,
            Kind::Workbook(_) => 31,
            Kind::ReadAsUtf8 { .. } => 32,
            Kind::SerialAmongDates { .. } => 33,
            Kind::SerialDates { .. } => 34,
            Kind::SameInput { .. } => 35,
            Kind::SameInputAllowed { .. } => 36,
            Kind::NotAPeriod { .. } => 37,
            Kind::EmptyAmid { .. } => 38,
            Kind::FarDate { .. } => 39,
            Kind::AmountOutlier { .. } => 40,
            Kind::WhereFolded { .. } => 41,
            Kind::WhereNothing { .. } => 42,
            Kind::KeysDiffer { .. } => 43,
            Kind::WherePeriodNothing { .. } => 44,
            Kind::ResultMissing(_) => 45,
            Kind::ResultNotANumber { .. } => 46,
        }
    }
    const VARIANTS: usize = 47;

    /// Every kind, message and failure has words in every catalogue, and different words in
    /// each (a message left in English in the Vietnamese catalogue fails too).
    #[test]
    fn every_kind_has_text_in_both_languages() {
        let examples = Kind::examples();
        let mut seen = [false; VARIANTS];
        for kind in &examples {
            seen[variant(kind)] = true;
        }
        assert!(seen.iter().all(|&s| s), "a kind has no example: {seen:?}");
        let both = |en: String, vi: String, what: &dyn fmt::Debug| {
            assert!(!en.trim().is_empty(), "no English text for {what:?}");
            assert!(!vi.trim().is_empty(), "no Vietnamese text for {what:?}");
            assert_ne!(en, vi, "the same text in both languages for {what:?}");
        };
        for kind in &examples {
            both(en::message(kind), vi::message(kind), kind);
        }
        for m in &Message::examples() {
            both(m.text(Lang::En), m.text(Lang::Vi), m);
        }
        for f in &Failure::examples() {
            both(f.text(Lang::En), f.text(Lang::Vi), f);
        }
    }

    /// Which message a message is; a new variant does not compile until it is numbered here.
    fn message_variant(m: &Message) -> usize {
        match m {
            Message::Tally { .. } => 0,
            Message::Refused { .. } => 1,
            Message::RefusedSummaries { .. } => 2,
            Message::MoreProblems { .. } => 3,
            Message::Unlisted { .. } => 4,
            Message::CheckCount { .. } => 5,
            Message::RejectsCapped { .. } => 6,
            Message::LeftOut { .. } => 7,
            Message::NoTargets => 8,
            Message::WithoutContribution { .. } => 9,
            Message::Unattributed { .. } => 10,
            Message::ThreadsCapped { .. } => 11,
            Message::ScaleIgnored => 12,
            Message::Rounded { .. } => 13,
            Message::AlsoIn { .. } => 14,
        }
    }

    fn failure_variant(f: &Failure) -> usize {
        match f {
            Failure::CannotOpen { .. } => 0,
            Failure::IsFolder { .. } => 1,
            Failure::Header { .. } => 2,
            Failure::NotUtf8 { .. } => 3,
            Failure::Data(_) => 4,
            Failure::Problem(_) => 5,
            Failure::OfFile { .. } => 6,
        }
    }

    #[test]
    fn every_message_and_failure_has_an_example() {
        let mut messages = [false; 15];
        for m in Message::examples() {
            messages[message_variant(&m)] = true;
        }
        assert!(messages.iter().all(|&s| s), "{messages:?}");
        let mut failures = [false; 7];
        for f in Failure::examples() {
            failures[failure_variant(&f)] = true;
        }
        assert!(failures.iter().all(|&s| s), "{failures:?}");
    }

    #[test]
    fn vietnamese_wording() {
        let file: Arc<str> = Arc::from("so-cai.csv");
        let p = Problem::error(
            &file,
            3,
            "Số tiền",
            Kind::Amount(crate::ledger::number::NumberError::Unreadable(
                "12,5,0".into(),
            )),
        );
        assert_eq!(
            p.text(Lang::Vi),
            "so-cai.csv:3: Số tiền: không đọc được \"12,5,0\" thành số"
        );
        let w = Problem::warning(&file, 1, "file", Kind::EmptyFile);
        assert_eq!(w.text(Lang::Vi), "so-cai.csv:1: tệp: cảnh báo: tệp trống");
        let tally = Message::Tally {
            read: 9,
            counted: 9,
            filtered: 0,
            rejected: 0,
        };
        assert_eq!(
            tally.text(Lang::Vi),
            "đã đọc 9 dòng = tính 9 + lọc 0 + loại 0"
        );
        assert_eq!(
            tally.text(Lang::En),
            "rows read 9 = counted 9 + filtered 0 + rejected 0"
        );
    }
}

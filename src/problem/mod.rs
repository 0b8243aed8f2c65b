//! Problems as data. Reading never panics and never stops at the first bad row: every problem is
//! collected with its file, line and column, and the command decides what to do with them (list
//! them all in `check`, refuse the data elsewhere, or skip the rows with `--skip-invalid`).
//!
//! What went wrong is a [`Kind`] carrying its data; its words come from a catalogue per language
//! ([`en`]), the one place where messages are written.

pub mod en;
mod kind;

pub use kind::{Kind, Spelling};

use std::fmt;
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

impl fmt::Display for Problem {
    /// `FILE:LINE: COLUMN: message`, warnings marked as such after the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(
            f,
            "{}:{}: {}: {mark}{}",
            self.file,
            self.line,
            self.column,
            en::message(&self.kind)
        )
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
    /// The `reason` cell of `--rejects`: `column: message; column: message`.
    pub fn reason(&self) -> String {
        self.reasons
            .iter()
            .map(|(column, kind)| format!("{column}: {}", en::message(kind)))
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
            rejected.reason(),
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
            Kind::ResultMissing(_) => 22,
            Kind::ResultNotANumber { .. } => 23,
        }
    }
    const VARIANTS: usize = 24;

    /// Every kind has words in every catalogue (one for now; the Vietnamese one goes here too).
    #[test]
    fn every_kind_has_text() {
        let examples = Kind::examples();
        let mut seen = [false; VARIANTS];
        for kind in &examples {
            seen[variant(kind)] = true;
        }
        assert!(seen.iter().all(|&s| s), "a kind has no example: {seen:?}");
        for kind in &examples {
            let text = en::message(kind);
            assert!(!text.trim().is_empty(), "{kind:?}");
        }
    }
}

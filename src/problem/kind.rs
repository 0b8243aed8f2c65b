//! What went wrong, as data: one variant per kind of problem or warning, each carrying what its
//! message names (the cell as written, the numbers, the other place). No text is made here; a
//! catalogue per language (`en.rs`) turns a kind into words, so a second language is a second
//! table and the readers never change.

use crate::ledger::Col;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::results::ResultCol;
use rust_decimal::Decimal;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    // A record as a whole.
    /// A quote opened in the record is never closed.
    UnclosedQuote,
    /// A record of ledger, registry or summary has another number of fields than its header.
    FieldCount { found: usize, expected: usize },
    /// A totals row typed in by hand; `word` is the totals word as normalized.
    TotalsRow { word: String },
    /// The same bytes as an earlier record: `file` is `None` when that record is in this file.
    DuplicateRow { file: Option<Arc<str>>, line: u64 },

    // One cell.
    /// A date cell that is no date.
    Date(DateError),
    /// An amount (ledger) or target (registry) cell that is no number.
    Amount(NumberError),
    /// An amount that reads two ways, and nothing in the file settles which.
    TwoWays { text: String, reading: Reading },
    /// An amount with a currency mark in a row whose measure is not money.
    CurrencyNotMeasure { text: String, measure: String },
    /// A model id the registry does not have.
    UnknownModel { id: String },
    /// A row's unit or field differs from its model's.
    DiffersFromModel {
        value: String,
        model: String,
        column: Col,
        theirs: String,
    },

    // A file as a whole.
    /// A ledger with nothing in it, not even a header.
    EmptyFile,
    /// Header cells that name no known column: the first few, and how many more.
    UnknownColumns { shown: Vec<String>, more: usize },
    /// Values of both conventions in one file: how many of each.
    MixedConventions { vi: u64, en: u64 },

    // The registry.
    /// A required registry cell left empty.
    RegistryMissing(RegCol),
    /// A year cell that is no year between 1900 and 2100.
    NotAYear { text: String },
    /// A model id given twice.
    DuplicateModel { id: String, first_line: u64 },

    // A results file (`report --results`).
    /// A required results cell left empty.
    ResultMissing(ResultCol),
    /// A result's value that is no number.
    ResultNotANumber { text: String },

    // Summary files read back by `merge`.
    /// A total that is not a plain decimal as `summary` prints it.
    NotPlainDecimal { text: String },
    /// A count that is not a whole number.
    NotWholeNumber { text: String },
    /// A group that an earlier line of the same file already had.
    SameGroup { first_line: u64 },

    // What `check` finds across rows.
    /// Spellings of one name that differ only in case or accents.
    SpellingVariants { spellings: Vec<Spelling> },
    /// A registry model nobody contributed to.
    UnusedModel { id: String },
    /// Rows name models but no registry was given; `id` is the first one seen.
    NoRegistry { id: String },
}

/// One spelling of a name, how many rows use it and where it is first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    pub text: String,
    pub rows: u64,
    pub file: Arc<str>,
    pub line: u64,
}

impl Kind {
    /// One value of every variant (every inner error too), so each catalogue can be checked
    /// to say something for all of them.
    pub fn examples() -> Vec<Kind> {
        let d = |n: i64, scale: u32| Decimal::new(n, scale);
        vec![
            Kind::UnclosedQuote,
            Kind::FieldCount {
                found: 3,
                expected: 4,
            },
            Kind::TotalsRow {
                word: "Tổng cộng".into(),
            },
            Kind::DuplicateRow {
                file: None,
                line: 7,
            },
            Kind::DuplicateRow {
                file: Some(Arc::from("b.csv")),
                line: 7,
            },
            Kind::Date(DateError::Missing),
            Kind::Date(DateError::Unreadable("ngày 15".into())),
            Kind::Date(DateError::Impossible("31/02/2024".into())),
            Kind::Date(DateError::OutOfRange("01/01/0024".into())),
            Kind::Amount(NumberError::Empty),
            Kind::Amount(NumberError::Unreadable("abc".into())),
            Kind::Amount(NumberError::TooLarge("9".repeat(40))),
            Kind::TwoWays {
                text: "1.200".into(),
                reading: Reading::Ambiguous {
                    vi: d(1200, 0),
                    en: d(12, 1),
                },
            },
            Kind::TwoWays {
                text: "1.200".into(),
                reading: Reading::Exact {
                    value: d(1200, 0),
                    evidence: None,
                },
            },
            Kind::CurrencyNotMeasure {
                text: "500 đ".into(),
                measure: "ngày công".into(),
            },
            Kind::UnknownModel { id: "MH-9".into() },
            Kind::DiffersFromModel {
                value: "Hội Nông dân".into(),
                model: "MH-1".into(),
                column: Col::Unit,
                theirs: "Hội Phụ nữ".into(),
            },
            Kind::EmptyFile,
            Kind::UnknownColumns {
                shown: vec!["Ghi chú 2".into()],
                more: 0,
            },
            Kind::UnknownColumns {
                shown: vec!["a".into(), "b".into()],
                more: 3,
            },
            Kind::MixedConventions { vi: 5, en: 2 },
            Kind::RegistryMissing(RegCol::Id),
            Kind::RegistryMissing(RegCol::Name),
            Kind::RegistryMissing(RegCol::Unit),
            Kind::RegistryMissing(RegCol::Year),
            Kind::NotAYear {
                text: "20x4".into(),
            },
            Kind::DuplicateModel {
                id: "MH-1".into(),
                first_line: 2,
            },
            Kind::ResultMissing(ResultCol::Model),
            Kind::ResultMissing(ResultCol::Indicator),
            Kind::ResultMissing(ResultCol::Value),
            Kind::ResultMissing(ResultCol::Unit),
            Kind::ResultNotANumber {
                text: "96 phần trăm".into(),
            },
            Kind::NotPlainDecimal {
                text: "1.200.000".into(),
            },
            Kind::NotWholeNumber { text: "2,5".into() },
            Kind::SameGroup { first_line: 3 },
            Kind::SpellingVariants {
                spellings: vec![
                    Spelling {
                        text: "Hội Phụ nữ".into(),
                        rows: 4,
                        file: Arc::from("a.csv"),
                        line: 2,
                    },
                    Spelling {
                        text: "hội phụ nữ".into(),
                        rows: 1,
                        file: Arc::from("a.csv"),
                        line: 9,
                    },
                ],
            },
            Kind::UnusedModel { id: "MH-3".into() },
            Kind::NoRegistry { id: "MH-1".into() },
        ]
    }
}

//! What went wrong, as data: one variant per kind of problem or warning, each carrying what its
//! message names (the cell as written, the numbers, the other place). No text is made here; a
//! catalogue per language (`en.rs`) turns a kind into words, so a second language is a second
//! table and the readers never change.

use crate::domain::{Dim, Period};
use crate::ledger::Col;
use crate::ledger::date::DateError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::results::ResultCol;
use crate::ledger::source::Workbook;
use chrono::NaiveDate;
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
    /// An amount that looks like binary floating point leaking from a spreadsheet
    /// (`0.30000000000000004`): `text` as written, `meant` the value it probably was.
    FloatArtifact { text: String, meant: Decimal },
    /// A date written as an Excel serial day number in a file whose other rows write dates as
    /// text: `date` is what the number would be.
    SerialAmongDates { text: String, date: NaiveDate },
    /// An amount with a currency mark in a row whose measure is not money.
    CurrencyNotMeasure { text: String, measure: String },
    /// A model id the registry does not have.
    UnknownModel { id: String },
    /// An amount with a unit of its own (`5 triệu`, `500.000đ`) in a column whose header
    /// already gives a scale (`unit`, as written: `triệu đồng`).
    OwnUnitInScaledColumn { text: String, unit: String },
    /// A row whose measure is not money in a column whose header scales money.
    ScaledNotMoney { measure: String, unit: String },
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
    /// The header was found below the top of the file; `skipped` lines (titles, empty rows)
    /// above it were left out.
    HeaderBelowTop { skipped: u64 },
    /// `--header-row` points past the end of the file, which has `lines` lines.
    HeaderRowPastEnd { row: u64, lines: u64 },
    /// `--header-row` points at an empty line.
    HeaderRowEmpty { row: u64 },
    /// A unit in the amount (or target) header that danvan does not know (`triệu USD`).
    UnknownHeaderUnit { unit: String },
    /// A spreadsheet workbook given as a CSV file.
    Workbook(Workbook),
    /// A file read as UTF-8 although `--encoding` named another encoding (`asked`), because it
    /// is valid UTF-8.
    ReadAsUtf8 { asked: String },
    /// A file whose dates are all Excel serial day numbers, read as such: how many rows, and
    /// one of them (its text and date) to show how.
    SerialDates {
        rows: u64,
        example: String,
        date: NaiveDate,
    },

    /// The same input given twice: the same file (however spelled, or a hard link) or another
    /// file with the same content. It stops the run unless `--allow-duplicates` is given.
    SameInput {
        first: Arc<str>,
        same: Sameness,
        input: Input,
    },
    /// The same input twice, allowed by `--allow-duplicates`: `check` says so once instead of
    /// calling every row of it a duplicate.
    SameInputAllowed { first: Arc<str>, same: Sameness },

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
    /// A total that is not a plain decimal as `summary` prints it, with `decimal` as its mark
    /// (`,` in a `;`-separated file, as `--excel` writes in Vietnamese).
    NotPlainDecimal { text: String, decimal: char },
    /// A plain decimal with more digits than danvan adds up exactly (past the decimal maximum,
    /// or more than 28 decimals).
    TotalOutOfRange { text: String },
    /// A count that is not a whole number.
    NotWholeNumber { text: String },
    /// A group that an earlier line of the same file already had.
    SameGroup { first_line: u64 },
    /// A year, quarter or month cell that reads as no period of its column.
    NotAPeriod { dim: Dim, text: String },

    // What `check` finds across rows.
    /// Spellings of one name that differ only in case or accents, in dimension `dim` (an
    /// alias dimension name: `unit`, `area`…).
    SpellingVariants {
        dim: &'static str,
        spellings: Vec<Spelling>,
    },
    /// A registry model nobody contributed to.
    UnusedModel { id: String },
    /// Rows name models but no registry was given; `id` is the first one seen.
    NoRegistry { id: String },
    /// `rows` rows of a file, the last on line `last`, have no unit (or area) while the rows
    /// around them (lines `before` and `after`) have one: cells merged in Excel come out so.
    EmptyAmid {
        column: Col,
        rows: u64,
        last: u64,
        before: u64,
        after: u64,
    },
    /// A date years away from every other date of its file (`from`..=`to`, the years that hold
    /// most of its rows).
    FarDate { date: NaiveDate, from: i32, to: i32 },
    /// An amount 1,000 times the median amount of its unit and measure or more (the median to
    /// two significant digits).
    AmountOutlier {
        amount: Decimal,
        median: Decimal,
        unit: String,
        measure: String,
    },

    // What `summary` finds across its groups and its request.
    /// `--where DIM=VALUE` matched no value exactly, so it matched these ignoring accents and
    /// case.
    WhereFolded {
        dim: Dim,
        given: String,
        matched: Vec<String>,
    },
    /// `--where DIM=VALUE` matched no row at all; the values closest to it.
    WhereNothing {
        dim: Dim,
        given: String,
        closest: Vec<String>,
    },
    /// `--where DIM=PERIOD` matched no row it was tried on; the periods of the first and last
    /// of those rows.
    WherePeriodNothing {
        dim: Dim,
        given: Period,
        first: Period,
        last: Period,
    },
    /// Group keys that differ only in case, accents or spacing: the first few pairs, and how
    /// many more.
    KeysDiffer {
        dim: Dim,
        pairs: Vec<(String, String)>,
        more: usize,
    },

    // A report's totals.
    /// An exact total that needs more digits than a printed decimal holds: whose it is, in
    /// which measure (and pivot column), and its every digit.
    TotalTooLong {
        whose: Whose,
        measure: String,
        column: Option<(Dim, String)>,
        total: String,
    },
}

/// Which total of a report a message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// One line: each label dimension with its value as printed.
    Line(Vec<(Dim, String)>),
    /// The line adding up the groups a top-N cut left out, and how many.
    Others(usize),
    /// The grand total.
    Grand,
}

/// How two inputs are one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sameness {
    /// The same file: the same path, another spelling of it, or a hard link.
    File,
    /// Two files with the same bytes.
    Content,
}

/// What an input is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Ledger,
    Summary,
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
            Kind::FloatArtifact {
                text: "0.30000000000000004".into(),
                meant: d(3, 1),
            },
            Kind::SerialAmongDates {
                text: "45721".into(),
                date: NaiveDate::from_ymd_opt(2025, 3, 5).unwrap_or_default(),
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
            Kind::OwnUnitInScaledColumn {
                text: "5 triệu".into(),
                unit: "nghìn đồng".into(),
            },
            Kind::ScaledNotMoney {
                measure: "workday".into(),
                unit: "triệu đồng".into(),
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
            Kind::HeaderBelowTop { skipped: 3 },
            Kind::HeaderRowPastEnd { row: 9, lines: 4 },
            Kind::HeaderRowEmpty { row: 2 },
            Kind::UnknownHeaderUnit {
                unit: "triệu USD".into(),
            },
            Kind::Workbook(Workbook::Xlsx),
            Kind::Workbook(Workbook::Xls),
            Kind::Workbook(Workbook::Ods),
            Kind::ReadAsUtf8 {
                asked: "windows-1258".into(),
            },
            Kind::SerialDates {
                rows: 12,
                example: "45721".into(),
                date: NaiveDate::from_ymd_opt(2025, 3, 5).unwrap_or_default(),
            },
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
                decimal: '.',
            },
            Kind::TotalOutOfRange {
                text: "79228162514264337593543950336".into(),
            },
            Kind::NotWholeNumber { text: "2,5".into() },
            Kind::SameGroup { first_line: 3 },
            Kind::SpellingVariants {
                dim: "unit",
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
            Kind::TotalTooLong {
                whose: Whose::Line(vec![
                    (Dim::Unit, "Hội Phụ nữ".into()),
                    (Dim::Year, "2024".into()),
                ]),
                measure: "VND".into(),
                column: None,
                total: "158456325028528675187087900670".into(),
            },
            Kind::TotalTooLong {
                whose: Whose::Others(3),
                measure: "VND".into(),
                column: Some((Dim::Quarter, "2024-Q1".into())),
                total: "1000000000000000000000000000.001".into(),
            },
            Kind::TotalTooLong {
                whose: Whose::Grand,
                measure: "m2".into(),
                column: None,
                total: "-1000000000000000000000000000.5".into(),
            },
            Kind::SameInput {
                first: Arc::from("a.csv"),
                same: Sameness::File,
                input: Input::Ledger,
            },
            Kind::SameInput {
                first: Arc::from("a.csv"),
                same: Sameness::Content,
                input: Input::Summary,
            },
            Kind::SameInputAllowed {
                first: Arc::from("a.csv"),
                same: Sameness::Content,
            },
            Kind::NotAPeriod {
                dim: Dim::Month,
                text: "Mar-2x".into(),
            },
            Kind::EmptyAmid {
                column: Col::Unit,
                rows: 3,
                last: 5,
                before: 2,
                after: 6,
            },
            Kind::EmptyAmid {
                column: Col::Area,
                rows: 1,
                last: 3,
                before: 2,
                after: 4,
            },
            Kind::FarDate {
                date: NaiveDate::from_ymd_opt(2052, 3, 15).unwrap_or_default(),
                from: 2024,
                to: 2025,
            },
            Kind::AmountOutlier {
                amount: d(500_000_000, 0),
                median: d(150_000, 0),
                unit: "Hội Phụ nữ".into(),
                measure: "VND".into(),
            },
            Kind::WhereFolded {
                dim: Dim::Unit,
                given: "hoi phu nu".into(),
                matched: vec!["Hội Phụ nữ".into()],
            },
            Kind::WhereNothing {
                dim: Dim::Unit,
                given: "Hội Nông".into(),
                closest: vec!["Hội Nông dân".into()],
            },
            Kind::WherePeriodNothing {
                dim: Dim::Month,
                given: Period::Month(2023, 5),
                first: Period::Month(2024, 1),
                last: Period::Month(2024, 12),
            },
            Kind::KeysDiffer {
                dim: Dim::Unit,
                pairs: vec![("Hội Phụ nữ".into(), "Hội phụ nữ".into())],
                more: 0,
            },
        ]
    }
}

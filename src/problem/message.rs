//! What the commands say besides problems with the data, as data: the reconciliation line, the
//! refusal, counts, notes and warnings about the request ([`Message`]), and the errors that stop
//! a run that a clerk meets most, a file that will not open or a header without its columns
//! ([`Failure`]). Like a [`Kind`](super::Kind), each is put into words by the catalogue of each
//! language, so no sentence a person reads is written in a command.

use crate::domain::Lang;
use crate::ledger::dialect::HeaderError;
use crate::present::Scale;
use std::fmt;

/// A sentence a command prints on standard error (or `check` on standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Every row read is counted, filtered out or rejected: the equation always holds.
    Tally {
        read: u64,
        counted: u64,
        filtered: u64,
        rejected: u64,
    },
    /// Invalid data refused: nothing was written.
    Refused { problems: u64 },
    /// `merge`: problems in the summaries refused: nothing was written.
    RefusedSummaries { problems: u64 },
    /// After the problems (or `warnings`) a command lists, how many it did not.
    MoreProblems { more: u64, warnings: bool },
    /// Said after a warning that holds for several files: the other files it holds for.
    AlsoIn { files: Vec<std::sync::Arc<str>> },
    /// `check`: problems and warnings found past what danvan keeps to list (`max` of each).
    Unlisted { more: u64, max: usize },
    /// `check`'s closing count.
    CheckCount { errors: u64, warnings: u64 },
    /// `--rejects` holds the first `kept` rejected rows of more.
    RejectsCapped {
        file: String,
        kept: usize,
        more: u64,
    },
    /// `--columns` shows one measure; the others (with their rows) are not shown.
    LeftOut {
        measure: String,
        others: Vec<(String, u64)>,
    },
    /// `models`: no model has a target, so there is no percent of target.
    NoTargets,
    /// `models`: registered models nobody contributed to.
    WithoutContribution { ids: Vec<String> },
    /// `models`: counted rows that name no registered model.
    Unattributed { rows: u64 },
    /// `--threads` above what danvan starts.
    ThreadsCapped { asked: usize, max: usize },
    /// `--in` with CSV or JSON, which keep exact amounts.
    ScaleIgnored,
    /// `--in`: money is shown rounded, so shown parts may not add up to the shown total.
    Rounded { scale: Scale },
}

impl Message {
    /// How the message stands out on a terminal.
    pub fn tone(&self) -> crate::output::Tone {
        use crate::output::Tone;
        match self {
            Message::Refused { .. } | Message::RefusedSummaries { .. } => Tone::Error,
            Message::RejectsCapped { .. } | Message::ScaleIgnored => Tone::Warning,
            _ => Tone::Plain,
        }
    }

    /// Prints the message on standard error in `lang`, in its tone.
    pub fn say(&self, lang: Lang) {
        crate::output::say_in(self.tone(), &self.text(lang));
    }

    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => super::en::sentence(self),
            Lang::Vi => super::vi::sentence(self),
        }
    }

    /// One value of every variant, so each catalogue can be checked to say all of them.
    pub fn examples() -> Vec<Message> {
        vec![
            Message::Tally {
                read: 9,
                counted: 9,
                filtered: 0,
                rejected: 0,
            },
            Message::Refused { problems: 1 },
            Message::Refused { problems: 3 },
            Message::RefusedSummaries { problems: 2 },
            Message::MoreProblems {
                more: 4,
                warnings: false,
            },
            Message::MoreProblems {
                more: 1,
                warnings: true,
            },
            Message::AlsoIn {
                files: vec!["p02.csv".into(), "p03.csv".into()],
            },
            Message::AlsoIn {
                files: (1..=12).map(|i| format!("p{i:02}.csv").into()).collect(),
            },
            Message::Unlisted {
                more: 5,
                max: 100_000,
            },
            Message::CheckCount {
                errors: 1,
                warnings: 2,
            },
            Message::CheckCount {
                errors: 0,
                warnings: 1,
            },
            Message::RejectsCapped {
                file: "loai.csv".into(),
                kept: 10,
                more: 3,
            },
            Message::LeftOut {
                measure: "VND".into(),
                others: vec![("workday".into(), 2), ("m2".into(), 1)],
            },
            Message::NoTargets,
            Message::WithoutContribution {
                ids: vec!["MH-1".into()],
            },
            Message::WithoutContribution {
                ids: vec!["MH-1".into(), "MH-2".into()],
            },
            Message::Unattributed { rows: 2 },
            Message::ThreadsCapped {
                asked: 1000,
                max: 256,
            },
            Message::ScaleIgnored,
            Message::Rounded {
                scale: Scale::Thousand,
            },
            Message::Rounded {
                scale: Scale::Million,
            },
            Message::Rounded {
                scale: Scale::Billion,
            },
        ]
    }
}

/// An error that stops the run, typed so that it can be said in the reader's language. Its
/// `Display` is the English text.
#[derive(Debug)]
pub enum Failure {
    /// A file that cannot be opened: not there, not allowed…
    CannotOpen { file: String, error: std::io::Error },
    /// A folder given where a file was expected.
    IsFolder { file: String },
    /// A header (on `line`) without a required column, or with two columns meaning one thing.
    Header {
        file: String,
        line: u64,
        error: HeaderError,
    },
    /// A problem with a file that stops the run (a unit in the amount header danvan does not
    /// know), said with its file, line and column as `check` says it.
    Problem(super::Problem),
    /// A problem with a whole file that stops the run (the same ledger given twice).
    OfFile { file: String, kind: super::Kind },
    /// Bytes that are not UTF-8 (and no `--encoding`).
    NotUtf8 {
        file: String,
        line: u64,
        column: usize,
    },
    /// A problem with the data that stops the run (a total too long to print), said as its
    /// kind is.
    Data(super::Kind),
}

impl Failure {
    /// The error in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => super::en::failure(self),
            Lang::Vi => super::vi::failure(self),
        }
    }

    /// One value of every variant.
    pub fn examples() -> Vec<Failure> {
        use std::io::{Error, ErrorKind};
        vec![
            Failure::CannotOpen {
                file: "so-cai.csv".into(),
                error: Error::from(ErrorKind::NotFound),
            },
            Failure::CannotOpen {
                file: "so-cai.csv".into(),
                error: Error::from(ErrorKind::PermissionDenied),
            },
            Failure::CannotOpen {
                file: "so-cai.csv".into(),
                error: Error::other("disk on fire"),
            },
            Failure::IsFolder {
                file: "data".into(),
            },
            Failure::Header {
                file: "so-cai.csv".into(),
                line: 1,
                error: HeaderError::Missing(vec!["date", "amount"]),
            },
            Failure::Header {
                file: "so-cai.csv".into(),
                line: 4,
                error: HeaderError::Duplicate {
                    column: "date",
                    first: 1,
                    second: 3,
                },
            },
            Failure::NotUtf8 {
                file: "so-cai.csv".into(),
                line: 3,
                column: 2,
            },
            Failure::Data(super::Kind::EmptyFile),
            Failure::OfFile {
                file: "b.csv".into(),
                kind: super::Kind::SameInput {
                    first: "a.csv".into(),
                    same: super::Sameness::Content,
                    input: super::Input::Ledger,
                },
            },
            Failure::Problem(super::Problem::error(
                &std::sync::Arc::from("so-cai.csv"),
                1,
                "Số tiền (triệu USD)",
                super::Kind::UnknownHeaderUnit {
                    unit: "triệu USD".into(),
                },
            )),
        ]
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for Failure {}

/// An error chain as `main` prints it after `danvan: ` (each cause after the one before,
/// separated by `: `, as anyhow's `{:#}` does), with every typed [`Failure`] in `lang`.
pub fn describe(err: &anyhow::Error, lang: Lang) -> String {
    err.chain()
        .map(|cause| match cause.downcast_ref::<Failure>() {
            Some(failure) => failure.text(lang),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

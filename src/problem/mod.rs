//! Problems as data. Reading never panics and never stops at the first bad row: every problem is
//! collected with its file, line and column, and the command decides what to do with them (list
//! them all in `check`, refuse the data elsewhere, or skip the rows with `--skip-invalid`).

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
    pub message: String,
}

impl Problem {
    pub fn error(
        file: &Arc<str>,
        line: u64,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.clone(),
            line,
            column: column.into(),
            message: message.into(),
        }
    }

    pub fn warning(
        file: &Arc<str>,
        line: u64,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, line, column, message)
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
            self.file, self.line, self.column, self.message
        )
    }
}

/// A rejected record kept whole for `--rejects`: its fields as read, and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub file_index: usize,
    pub line: u64,
    pub fields: Vec<String>,
    pub reason: String,
}

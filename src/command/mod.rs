//! The commands: each turns its arguments into a checked request, reads through the one engine,
//! builds its report and hands it to a renderer. Exit codes: 0 success, 1 invalid data (or
//! problems found by `check`), 2 anything else; errors from here are exit 2.

pub mod check;
pub mod merge;
pub mod models;
pub mod reading;
pub mod report;
pub mod summary;

use crate::cli::{Cli, Command};
use anyhow::Result;
use std::process::ExitCode;

/// Exit code for invalid data, and for `check` when it found problems.
pub const EXIT_INVALID: u8 = 1;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Summary(args) => summary::run(args),
        Command::Check(args) => check::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Models(args) => models::run(args),
        Command::Report(args) => report::run(args),
    }
}

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
use crate::domain::Lang;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

/// Exit code for invalid data, and for `check` when it found problems.
pub const EXIT_INVALID: u8 = 1;

/// Runs the command in `lang` (chosen once, by `present::choose`, for the whole run).
pub fn run(command: Command, lang: Lang) -> Result<ExitCode> {
    match command {
        Command::Summary(args) => summary::run(args, lang),
        Command::Check(args) => check::run(args, lang),
        Command::Merge(args) => merge::run(args, lang),
        Command::Models(args) => models::run(args, lang),
        Command::Report(args) => report::run(args, lang),
        // Made whole in memory, then written: a closed pipe is then an error like any other
        // (quiet), not a panic inside the generator.
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "danvan", &mut script);
            print(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            print(&page)
        }
    }
}

/// Writes `bytes` to standard output.
fn print(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

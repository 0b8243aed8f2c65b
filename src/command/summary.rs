//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{same_inputs, say_problems, write_rejects};
use crate::cli::SummaryArgs;
use crate::engine::{self, Plan};
use crate::output::{Target, say};
use crate::present::Locale;
use crate::problem::Input;
use crate::render;
use crate::report::summary::summarize;
use crate::request;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: SummaryArgs) -> Result<ExitCode> {
    let reading = request::reading(&args.read)?;
    let req = request::summary(&args)?;
    let layout = req.layout;
    reading.guard(layout.output.as_deref())?;
    reading.guard(args.rejects.as_deref())?;
    same_inputs(&reading.sources, reading.allow_duplicates, Input::Ledger)?;
    let (registry, mut problems) = reading.registry()?;
    let read = engine::read(
        &reading.sources,
        &reading.options,
        registry,
        Plan {
            grouping: req.grouping,
            selection: req.selection,
            observe: None,
            keep_rejects: args.rejects.is_some(),
            threads: reading.threads,
            progress: reading.progress(),
        },
    )?;
    let total = problems.len() as u64 + read.problem_count();
    problems.extend(read.problems.iter().cloned());
    if let Some(path) = &args.rejects {
        write_rejects(path, &read, layout.render.raw)?;
    }
    if !reading.quiet {
        let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
        say_problems(&read.warnings, warnings, "");
    }
    if total > 0 && !args.skip_invalid {
        say_problems(&problems, total, "");
        say(&format!(
            "danvan: {total} problem(s) in the data; nothing was written (fix them, or use --skip-invalid)"
        ));
        reading.say_tally(&read.tally);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if !reading.quiet {
        say_problems(&problems, total, "warning: skipped: ");
    }
    let locale = Locale::en();
    let summary = summarize(&read.groups, &layout.spec, locale.order)?;
    if !reading.quiet && !summary.left_out.is_empty() {
        let list: Vec<String> = summary
            .left_out
            .iter()
            .map(|(m, n)| format!("{m} ({})", crate::problem::en::rows(*n)))
            .collect();
        say(&format!(
            "note: the columns show {} only; not shown: {} (choose with --measure)",
            layout.spec.measure,
            list.join(", ")
        ));
    }
    Target::of(layout.output.as_deref())
        .emit(|out| render::write(&summary.table, layout.format, layout.render, &locale, out))?;
    reading.say_tally(&read.tally);
    Ok(ExitCode::SUCCESS)
}

//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{same_inputs, say_problems, say_warnings, write_rejects};
use crate::aggregate::Groups;
use crate::cli::SummaryArgs;
use crate::engine::{self, Plan};
use crate::output::{Target, say};
use crate::present::Locale;
use crate::problem::{Input, Kind, en};
use crate::render;
use crate::report::summary::summarize;
use crate::report::variants::similar_keys;
use crate::request;
use crate::select;
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
    let mut read = engine::read(
        &reading.sources,
        &reading.options,
        registry,
        Plan {
            grouping: req.grouping,
            selection: req.selection.clone(),
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
        say_warnings(&read.warnings, warnings);
    }
    // `--where` on text, settled now that every value is known.
    let mut tally = read.tally;
    say_notes(
        &select::unmatched_periods(&req.selection, &read.seen),
        reading.quiet,
    );
    let groups = std::mem::replace(&mut read.groups, Groups::new(Vec::new()));
    let groups = if select::needs_resolving(&req.selection) {
        let resolved = select::resolve(
            groups,
            &req.selection,
            &read.seen,
            &req.shown.dims,
            req.shown.depth,
        )?;
        tally.counted -= resolved.dropped;
        tally.filtered += resolved.dropped;
        say_notes(&resolved.notes, reading.quiet);
        resolved.groups
    } else {
        groups
    };
    if total > 0 && !args.skip_invalid {
        say_problems(&problems, total, "");
        say(&format!(
            "danvan: {total} problem(s) in the data; nothing was written (fix them, or use --skip-invalid)"
        ));
        reading.say_tally(&tally);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if !reading.quiet {
        say_problems(&problems, total, "warning: skipped: ");
    }
    say_notes(&similar_keys(&groups), reading.quiet);
    let locale = Locale::en();
    let summary = summarize(&groups, &layout.spec, locale.order)?;
    if !reading.quiet && !summary.left_out.is_empty() {
        let list: Vec<String> = summary
            .left_out
            .iter()
            .map(|(m, n)| format!("{m} ({})", en::rows(*n)))
            .collect();
        say(&format!(
            "note: the columns show {} only; not shown: {} (choose with --measure)",
            layout.spec.measure,
            list.join(", ")
        ));
    }
    Target::of(layout.output.as_deref())
        .emit(|out| render::write(&summary.table, layout.format, layout.render, &locale, out))?;
    reading.say_tally(&tally);
    Ok(ExitCode::SUCCESS)
}

/// Warnings about the request and the report as a whole (no file or line to name).
fn say_notes(notes: &[Kind], quiet: bool) {
    if quiet {
        return;
    }
    for kind in notes {
        say(&format!("warning: {}", en::message(kind)));
    }
}

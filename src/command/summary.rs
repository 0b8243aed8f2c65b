//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{refuse_invalid, same_inputs, say_warnings, write_rejects};
use crate::aggregate::Groups;
use crate::cli::SummaryArgs;
use crate::engine::{self, Plan};
use crate::output::{Outputs, Target, say};
use crate::present::Locale;
use crate::problem::{Input, Kind, en};
use crate::render;
use crate::report::change::with_change;
use crate::report::summary::summarize;
use crate::report::tree::tree;
use crate::report::variants::similar_keys;
use crate::request;
use crate::select;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: SummaryArgs) -> Result<ExitCode> {
    let reading = request::reading(&args.read)?;
    let req = request::summary(&args)?;
    reading.say_notes();
    let layout = req.layout;
    reading.guard(&[
        ("-o", layout.output.as_deref()),
        ("--rejects", args.rejects.as_deref()),
    ])?;
    same_inputs(&reading.sources, reading.allow_duplicates, Input::Ledger)?;
    let aliases = reading.aliases()?;
    let (registry, mut problems, registry_warnings) = reading.registry(&aliases)?;
    let mut read = engine::read(
        &reading.sources,
        &reading.options,
        registry,
        Plan {
            grouping: req.grouping,
            selection: req.selection.clone(),
            observe: None,
            aliases: aliases.clone(),
            keep_rejects: args.rejects.is_some(),
            threads: reading.threads,
            progress: reading.progress(),
        },
    )?;
    let total = problems.len() as u64 + read.problem_count();
    problems.extend(read.problems.iter().cloned());
    // Every output is staged, then all replace their old files together at the end.
    let mut outputs = Outputs::new();
    if let Some(path) = &args.rejects {
        write_rejects(&mut outputs, path, &read, layout.render.raw)?;
    }
    if !reading.quiet {
        let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
        say_warnings(&registry_warnings, registry_warnings.len() as u64);
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
    if refuse_invalid(&problems, total, args.skip_invalid, reading.quiet) {
        outputs.commit()?;
        reading.say_tally(&tally);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    say_notes(&similar_keys(&groups), reading.quiet);
    let locale = Locale::en();
    let mut summary = summarize(groups, &layout.spec, locale.order)?;
    if req.tree {
        summary.table = tree(summary.table, locale.order)?;
    }
    if req.change {
        summary.table = with_change(summary.table)?;
    }
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
    outputs.write(Target::of(layout.output.as_deref()), |out| {
        render::write(&summary.table, layout.format, layout.render, &locale, out)
    })?;
    outputs.commit()?;
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

//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{refuse_invalid, say_problems, write_rejects};
use crate::cli::SummaryArgs;
use crate::engine::{self, Plan};
use crate::output::{Outputs, Target, say};
use crate::present::Locale;
use crate::render;
use crate::report::change::with_change;
use crate::report::summary::summarize;
use crate::report::tree::tree;
use crate::request;
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
    let aliases = reading.aliases()?;
    let (registry, mut problems, registry_warnings) = reading.registry(&aliases)?;
    let read = engine::read(
        &reading.sources,
        &reading.options,
        registry,
        Plan {
            grouping: req.grouping,
            selection: req.selection,
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
        say_problems(&registry_warnings, registry_warnings.len() as u64, "");
        say_problems(&read.warnings, warnings, "");
    }
    if refuse_invalid(&problems, total, args.skip_invalid, reading.quiet) {
        outputs.commit()?;
        reading.say_tally(&read.tally);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let locale = Locale::en();
    let mut summary = summarize(&read.groups, &layout.spec, locale.order)?;
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
            .map(|(m, n)| format!("{m} ({n} rows)"))
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
    reading.say_tally(&read.tally);
    Ok(ExitCode::SUCCESS)
}

//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{say_problems, say_scale, write_rejects};
use crate::cli::SummaryArgs;
use crate::domain::Lang;
use crate::engine::{self, Plan};
use crate::output::{Outputs, Target};
use crate::present::Locale;
use crate::problem::Message;
use crate::render;
use crate::report::change::with_change;
use crate::report::summary::summarize;
use crate::report::tree::tree;
use crate::request;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: SummaryArgs, lang: Lang) -> Result<ExitCode> {
    let reading = request::reading(&args.read)?;
    let req = request::summary(&args)?;
    reading.say_notes(lang);
    let layout = req.layout;
    reading.guard(&[
        ("-o", layout.output.as_deref()),
        ("--rejects", args.rejects.as_deref()),
    ])?;
    let aliases = reading.aliases()?;
    let (registry, mut problems) = reading.registry(&aliases)?;
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
        write_rejects(&mut outputs, path, &read, layout.render.raw, lang)?;
    }
    if !reading.quiet {
        let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
        say_problems(&read.warnings, warnings, false, lang);
    }
    if total > 0 && !args.skip_invalid {
        say_problems(&problems, total, false, lang);
        Message::Refused { problems: total }.say(lang);
        outputs.commit()?;
        reading.say_tally(&read.tally, lang);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if !reading.quiet {
        say_problems(&problems, total, true, lang);
    }
    let locale = Locale::of(lang).scaled(layout.scale);
    let mut summary = summarize(&read.groups, &layout.spec, locale.order)?;
    if req.tree {
        summary.table = tree(summary.table, locale.order)?;
    }
    if req.change {
        summary.table = with_change(summary.table)?;
    }
    if !reading.quiet && !summary.left_out.is_empty() {
        let note = Message::LeftOut {
            measure: layout.spec.measure.clone(),
            others: summary.left_out.clone(),
        };
        note.say(lang);
    }
    if !reading.quiet {
        say_scale(layout.scale, layout.format, lang);
    }
    outputs.write(Target::of(layout.output.as_deref()), |out| {
        render::write(&summary.table, layout.format, layout.render, &locale, out)
    })?;
    outputs.commit()?;
    reading.say_tally(&read.tally, lang);
    Ok(ExitCode::SUCCESS)
}

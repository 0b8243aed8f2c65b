//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{refuse_invalid, same_inputs, say_scale, say_warnings, write_rejects};
use crate::aggregate::Groups;
use crate::cli::SummaryArgs;
use crate::domain::Lang;
use crate::domain::order::both;
use crate::engine::{self, Plan};
use crate::output::{Outputs, Target};
use crate::output::{Tone, say_in};
use crate::present::Locale;
use crate::problem::{Input, Kind, Message};
use crate::render;
use crate::report::change::with_change;
use crate::report::long;
use crate::report::summary::summarize;
use crate::report::tree::tree;
use crate::report::variants::similar_keys;
use crate::request;
use crate::select;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: SummaryArgs, lang: Lang) -> Result<ExitCode> {
    let reading = request::reading(&args.read)?;
    let req = request::summary(&args, lang)?;
    reading.say_notes(lang);
    let layout = req.layout;
    reading.guard(&[
        ("-o", layout.output.as_deref()),
        ("--rejects", args.rejects.as_deref()),
    ])?;
    same_inputs(&reading.sources, reading.allow_duplicates, Input::Ledger)?;
    let aliases = reading.aliases()?;
    let (registry, mut problems, registry_warnings) = reading.registry(&aliases)?;
    // Most summaries are made straight from the groups' symbols (`report::long`).
    // `DANVAN_GENERAL_PATH` set (not empty) sends every summary the general way through text
    // keys: the two make the same bytes, and the tests hold the binary to that.
    let general = std::env::var_os("DANVAN_GENERAL_PATH").is_some_and(|v| !v.is_empty());
    let direct = !general
        && long::fits(
            &layout.spec,
            &req.grouping.dims,
            req.tree || req.change || select::needs_resolving(&req.selection),
        );
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
            hash_files: false,
            symbols: direct,
            sums: true,
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
        say_warnings(&registry_warnings, registry_warnings.len() as u64, lang);
        say_warnings(&read.warnings, warnings, lang);
    }
    // `--where` on text, settled now that every value is known.
    let mut tally = read.tally;
    say_notes(
        &select::unmatched_periods(&req.selection, &read.seen),
        reading.quiet,
        lang,
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
        say_notes(&resolved.notes, reading.quiet, lang);
        resolved.groups
    } else {
        groups
    };
    if refuse_invalid(&problems, total, args.skip_invalid, reading.quiet, lang) {
        outputs.commit()?;
        reading.say_tally(&tally, lang);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let locale = Locale::of(lang).scaled(layout.scale);
    let groups = match read.symbols.take() {
        Some(parts) => {
            let ranked = long::rank(&parts, locale.order);
            let plain = long::plain(&layout.spec, layout.format, layout.render);
            // Each leaves a core idle part of the time, so the one's lone steps can fill the
            // other's. Only for the plainest summary: its peak is the ranking, before both,
            // where a table's or a top-N's, which the spellings' lists would add to, is after.
            let (notes, ordered) = match plain {
                true => both(
                    || long::similar_keys(&parts, &ranked),
                    || long::order(&parts, &ranked),
                ),
                false => (
                    long::similar_keys(&parts, &ranked),
                    long::order(&parts, &ranked),
                ),
            };
            say_notes(&notes, reading.quiet, lang);
            if let Some(ordered) = ordered {
                // The long CSV by label has a faster writer of its own.
                let shown = match plain {
                    true => None,
                    false => Some(long::Shown::new(&parts, &ordered, &layout.spec)?),
                };
                if !reading.quiet {
                    say_scale(layout.scale, layout.format, lang);
                }
                outputs.write(Target::of(layout.output.as_deref()), |out| match &shown {
                    None => long::write(&parts, &ordered, layout.render, out),
                    Some(shown) => shown.write(layout.format, layout.render, &locale, out),
                })?;
                outputs.commit()?;
                reading.say_tally(&tally, lang);
                // As below: the system takes the memory back at once.
                std::mem::forget(shown);
                std::mem::forget((parts, ranked, ordered));
                return Ok(ExitCode::SUCCESS);
            }
            // A total no decimal holds: the general path names it.
            drop(ranked);
            long::into_groups(parts)?
        }
        None => {
            say_notes(&similar_keys(&groups), reading.quiet, lang);
            groups
        }
    };
    let mut summary = summarize(groups, &layout.spec, locale.order)?;
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
    reading.say_tally(&tally, lang);
    // The run ends here and the system takes all its memory back at once: a table of millions
    // of lines freed piece by piece cost 1.5 s more (measured on 2,000,000 lines).
    std::mem::forget(summary);
    Ok(ExitCode::SUCCESS)
}

/// Warnings about the request and the report as a whole (no file or line to name), in `lang`.
fn say_notes(notes: &[Kind], quiet: bool, lang: Lang) {
    if quiet {
        return;
    }
    for kind in notes {
        let mark = crate::problem::warning_mark(lang);
        say_in(
            Tone::Warning,
            &[mark, &crate::problem::text(kind, lang)].concat(),
        );
    }
}

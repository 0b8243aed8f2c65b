//! `danvan models`: registered models counted by unit, area, field or year, with target,
//! mobilized and percent of target (or model by model with `--list`).

use super::EXIT_INVALID;
use super::reading::{refuse_invalid, same_inputs, say_scale, say_warnings};
use crate::aggregate::Grouping;
use crate::cli::ModelsArgs;
use crate::domain::{Dim, Lang};
use crate::engine::{self, Plan};
use crate::ledger::registry::Model;
use crate::output::{Outputs, Target};
use crate::present::Locale;
use crate::problem::{Input, Message};
use crate::render;
use crate::report::models::{model_value, models_report};
use crate::report::tree::tree;
use crate::request;
use crate::select::Selection;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: ModelsArgs, lang: Lang) -> Result<ExitCode> {
    let req = request::models(&args, lang)?;
    let reading = &req.read;
    reading.guard(&[("-o", req.output.as_deref())])?;
    same_inputs(&reading.sources, reading.allow_duplicates, Input::Ledger)?;
    let aliases = reading.aliases()?;
    let (registry, mut problems, registry_warnings) = reading.registry(&aliases)?;
    if !reading.quiet {
        say_warnings(&registry_warnings, registry_warnings.len() as u64, lang);
    }
    let Some(registry) = registry else {
        anyhow::bail!("models needs --models REGISTRY");
    };
    let read = if reading.sources.is_empty() {
        None
    } else {
        Some(engine::read(
            &reading.sources,
            &reading.options,
            Some(registry.clone()),
            Plan {
                grouping: Grouping {
                    dims: vec![Dim::Model],
                    depth: None,
                },
                selection: req.selection.clone(),
                observe: None,
                aliases: aliases.clone(),
                keep_rejects: false,
                threads: reading.threads,
                progress: reading.progress(),
                hash_files: false,
                symbols: false,
                sums: true,
            },
        )?)
    };
    let mut total = problems.len() as u64;
    if let Some(read) = &read {
        total += read.problem_count();
        problems.extend(read.problems.iter().cloned());
        if !reading.quiet {
            let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
            say_warnings(&read.warnings, warnings, lang);
        }
    }
    if refuse_invalid(&problems, total, args.skip_invalid, reading.quiet, lang) {
        if let Some(read) = &read {
            reading.say_tally(&read.tally, lang);
        }
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let kept: Vec<&Model> = registry
        .models
        .iter()
        .filter(|m| keeps(&req.selection, m))
        .collect();
    let locale = Locale::of(lang).scaled(req.scale);
    let groups = read.as_ref().map(|r| &r.groups);
    let mut report = models_report(&kept, groups, &req.spec, locale.order)?;
    if req.tree {
        report.table = tree(report.table, locale.order)?;
    }
    if !reading.quiet {
        if report.no_targets && read.is_some() {
            Message::NoTargets.say(lang);
        }
        if read.is_some() && !report.without_contribution.is_empty() {
            let ids = report.without_contribution.clone();
            Message::WithoutContribution { ids }.say(lang);
        }
        if report.unattributed_rows > 0 {
            let rows = report.unattributed_rows;
            Message::Unattributed { rows }.say(lang);
        }
        say_scale(req.scale, req.format, lang);
    }
    let mut outputs = Outputs::new();
    outputs.write(Target::of(req.output.as_deref()), |out| {
        render::write(&report.table, req.format, req.render, &locale, out)
    })?;
    outputs.commit()?;
    if let Some(read) = &read {
        reading.say_tally(&read.tally, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a registered model passes `--where` (on its own unit, area, field, id and year) and
/// `--period` (registered for a year the period touches).
fn keeps(selection: &Selection, m: &Model) -> bool {
    use chrono::Datelike;
    let period_ok = selection
        .period
        .is_none_or(|p| (p.from.year()..=p.to.year()).contains(&m.year));
    period_ok
        && selection.filters.iter().all(|f| {
            // Source, quarter, month, measure: a property of contributions, not of models.
            let (Dim::Unit | Dim::Area | Dim::Field | Dim::Model | Dim::Year) = f.dim else {
                return true;
            };
            f.accepts_value(&model_value(m, f.dim))
        })
}

//! `danvan models`: registered models counted by unit, area, field or year, with target,
//! mobilized and percent of target (or model by model with `--list`).

use super::EXIT_INVALID;
use super::reading::{say_problems, say_scale};
use crate::aggregate::Grouping;
use crate::cli::ModelsArgs;
use crate::domain::{Dim, Lang, Value};
use crate::engine::{self, Plan};
use crate::ledger::registry::Model;
use crate::output::{Outputs, Target};
use crate::present::Locale;
use crate::problem::Message;
use crate::render;
use crate::report::models::models_report;
use crate::report::tree::tree;
use crate::request;
use crate::select::Selection;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(args: ModelsArgs, lang: Lang) -> Result<ExitCode> {
    let req = request::models(&args)?;
    let reading = &req.read;
    reading.guard(&[("-o", req.output.as_deref())])?;
    let aliases = reading.aliases()?;
    let (registry, mut problems) = reading.registry(&aliases)?;
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
            },
        )?)
    };
    let mut total = problems.len() as u64;
    if let Some(read) = &read {
        total += read.problem_count();
        problems.extend(read.problems.iter().cloned());
        if !reading.quiet {
            let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
            say_problems(&read.warnings, warnings, false, lang);
        }
    }
    if total > 0 && !args.skip_invalid {
        say_problems(&problems, total, false, lang);
        Message::Refused { problems: total }.say(lang);
        if let Some(read) = &read {
            reading.say_tally(&read.tally, lang);
        }
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if !reading.quiet {
        say_problems(&problems, total, true, lang);
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
            let value = match f.dim {
                Dim::Unit => Value::Text(m.unit.clone()),
                Dim::Area => Value::Area(m.area.clone()),
                Dim::Field => Value::Text(m.field.clone()),
                Dim::Model => Value::Text(m.id.clone()),
                Dim::Year => Value::Period(crate::domain::Period::Year(m.year)),
                // Source, quarter, month, measure: a property of contributions, not of models.
                _ => return true,
            };
            f.accepts(&value.to_string())
        })
}

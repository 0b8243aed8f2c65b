//! `danvan summary`: totals per group.

use super::EXIT_INVALID;
use super::reading::{Reading, say_problems, write_rejects};
use crate::cli::SummaryArgs;
use crate::engine::{self, Plan};
use crate::ledger::measure::canonical_measure;
use crate::output::{write_file, write_stdout};
use crate::render::{self, Format};
use crate::report::summary::{SortBy, SummarySpec, summarize};
use crate::spec::{Dim, Grouping, Period, Selection, parse_dims, parse_filters};
use anyhow::{Result, bail};
use std::process::ExitCode;

/// The summary request, checked, before any file is read.
struct Request {
    grouping: Grouping,
    selection: Selection,
    spec: SummarySpec,
    format: Format,
}

fn request(args: &SummaryArgs) -> Result<Request> {
    let by = parse_dims(&args.by)?;
    let columns = args.columns.as_deref().map(Dim::parse).transpose()?;
    let mut dims = by.clone();
    if let Some(c) = columns {
        if by.contains(&c) {
            bail!("--columns {c} is also in --by; a dimension is either lines or columns");
        }
        if c != Dim::Measure {
            dims.push(c);
        }
    }
    if args.depth == Some(0) {
        bail!("--depth must be at least 1");
    }
    let sort = SortBy::parse(&args.layout.sort)?;
    let format = Format::choose(
        args.layout.format.as_deref(),
        args.layout.output.as_deref(),
        Format::Table,
    )?;
    Ok(Request {
        grouping: Grouping {
            dims,
            depth: args.depth,
        },
        selection: Selection {
            period: args.period.as_deref().map(Period::parse).transpose()?,
            filters: parse_filters(&args.filters)?,
        },
        spec: SummarySpec {
            by,
            columns,
            measure: canonical_measure(&args.layout.measure).into_owned(),
            sort,
            top: args.layout.top,
            percent: args.layout.percent,
        },
        format,
    })
}

pub fn run(args: SummaryArgs) -> Result<ExitCode> {
    let reading = Reading::from_args(&args.read)?;
    let req = request(&args)?;
    reading.guard(args.layout.output.as_deref())?;
    reading.guard(args.rejects.as_deref())?;
    let (registry, mut problems) = reading.registry()?;
    let read = engine::read(
        &reading.sources,
        &reading.options,
        registry,
        Plan {
            grouping: req.grouping,
            selection: req.selection,
            check: false,
            keep_rejects: args.rejects.is_some(),
            threads: reading.threads,
            progress: reading.progress(),
        },
    )?;
    let total = problems.len() as u64 + read.problem_count();
    problems.extend(read.problems.iter().cloned());
    if let Some(path) = &args.rejects {
        write_rejects(path, &read, args.layout.raw)?;
    }
    if !reading.quiet {
        let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
        say_problems(&read.warnings, warnings, "");
    }
    if total > 0 && !args.skip_invalid {
        say_problems(&problems, total, "");
        crate::output::say(&format!(
            "danvan: {total} problem(s) in the data; nothing was written (fix them, or use --skip-invalid)"
        ));
        reading.say_tally(&read.tally);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if !reading.quiet {
        say_problems(&problems, total, "warning: skipped: ");
    }
    let summary = summarize(&read.groups, &req.spec)?;
    if !reading.quiet && !summary.left_out.is_empty() {
        let list: Vec<String> = summary
            .left_out
            .iter()
            .map(|(m, n)| format!("{m} ({n} rows)"))
            .collect();
        crate::output::say(&format!(
            "note: the columns show {} only; not shown: {} (choose with --measure)",
            req.spec.measure,
            list.join(", ")
        ));
    }
    let text = render::render(&summary, req.format, args.layout.raw)?;
    match &args.layout.output {
        Some(path) => write_file(path, text.as_bytes())?,
        None => write_stdout(text.as_bytes())?,
    }
    reading.say_tally(&read.tally);
    Ok(ExitCode::SUCCESS)
}

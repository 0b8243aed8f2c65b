//! `danvan merge`: adds up summary CSVs sent up from lower levels (village → commune → province)
//! exactly, and writes the same long format (or any other). Files must have the same columns;
//! the same file or the same content twice is refused unless asked for, because counting a
//! commune twice is the mistake this command exists to prevent.

use super::EXIT_INVALID;
use super::reading::{same_inputs, say_problems, say_scale, say_warnings};
use crate::aggregate::Groups;
use crate::cli::MergeArgs;
use crate::domain::{Lang, Value};
use crate::engine::Tally;
use crate::ledger::aliases::{Aliases, read_aliases};
use crate::ledger::source::Source;
use crate::ledger::table::ReadOptions;
use crate::output::{Outputs, Target, guard};
use crate::present::Locale;
use crate::problem::{Input, Message};
use crate::render;
use crate::render::csv::read_back::read_summary_file;
use crate::report::summary::summarize;
use crate::request;
use anyhow::{Result, bail};
use std::borrow::Cow;
use std::process::ExitCode;

pub fn run(args: MergeArgs, lang: Lang) -> Result<ExitCode> {
    let sources: Vec<Source> = args.files.iter().map(|f| Source::from_arg(f)).collect();
    request::refuse_stdin_twice(args.files.iter().map(String::as_str))?;
    let mut layout = request::merge(&args, lang)?;
    let inputs: Vec<_> = sources
        .iter()
        .map(|s| s.path.clone().unwrap_or_else(|| "/dev/stdin".into()))
        .chain(args.aliases.clone())
        .collect();
    if let Some(out) = &layout.output {
        guard(&[("-o", out)], &inputs)?;
    }
    same_inputs(&sources, args.allow_duplicates, Input::Summary)?;
    let opts = ReadOptions::default();
    let mut merged: Option<(Groups, Vec<String>, String)> = None;
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let mut tally = Tally::default();
    let stamps: Vec<_> = sources.iter().map(Source::stamp).collect();
    for (source, before) in sources.iter().zip(stamps) {
        let file = read_summary_file(source, &opts)?;
        source.unchanged_since(before)?;
        match &mut merged {
            None => merged = Some((file.groups, file.header, source.name.to_string())),
            Some((groups, header, first)) => {
                if file.header != *header {
                    bail!(
                        "{}:1: the columns {} differ from {first}'s {}; merge summaries made with the same --by",
                        source.name,
                        file.header.join(","),
                        header.join(",")
                    );
                }
                groups.merge(file.groups)?;
            }
        }
        tally.read += file.rows_read;
        tally.rejected += file
            .problems
            .iter()
            .map(|p| p.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64;
        problems.extend(file.problems);
        warnings.extend(file.warnings);
    }
    tally.counted = tally.read - tally.rejected;
    let Some((mut groups, _, _)) = merged else {
        bail!("nothing to merge");
    };
    if let Some(path) = &args.aliases {
        let source = Source::from_arg(&path.to_string_lossy());
        groups = rename(groups, &read_aliases(&source, &opts)?)?;
    }
    if !args.quiet {
        say_warnings(&warnings, warnings.len() as u64, lang);
    }
    let tally_line = |quiet: bool| {
        if !quiet {
            tally.message().say(lang);
        }
    };
    if !problems.is_empty() {
        say_problems(&problems, problems.len() as u64, false, lang);
        let problems = problems.len() as u64;
        Message::RefusedSummaries { problems }.say(lang);
        tally_line(args.quiet);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    layout.spec.by = groups.dims.clone();
    let locale = Locale::of(lang).scaled(layout.scale);
    let summary = summarize(groups, &layout.spec, locale.order)?;
    if !args.quiet {
        say_scale(layout.scale, layout.format, lang);
    }
    let mut outputs = Outputs::new();
    outputs.write(Target::of(layout.output.as_deref()), |out| {
        render::write(&summary.table, layout.format, layout.render, &locale, out)
    })?;
    outputs.commit()?;
    tally_line(args.quiet);
    Ok(ExitCode::SUCCESS)
}

/// The groups with every value under its current name; groups that become one are added up.
fn rename(groups: Groups, aliases: &Aliases) -> Result<Groups> {
    let mut out = Groups::new(groups.dims.clone());
    for (mut key, acc) in groups.map {
        for (value, &dim) in key.values.iter_mut().zip(&groups.dims) {
            if let Value::Text(v) | Value::Area(v) = value
                && let Cow::Owned(new) = aliases.apply(dim, Cow::Borrowed(v.as_str()))
            {
                *v = new;
            }
        }
        out.add_exact(key, &acc.total, acc.count)?;
    }
    Ok(out)
}

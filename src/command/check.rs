//! `danvan check`: every problem in the ledgers and the registry, as `FILE:LINE: COLUMN: message`
//! in file and line order (warnings marked), then a count. Exit 1 when there is any problem;
//! warnings never change the exit code.

use super::EXIT_INVALID;
use super::reading::{grouped, same_inputs, with_files, write_rejects};
use crate::aggregate::Grouping;
use crate::cli::CheckArgs;
use crate::domain::Lang;
use crate::engine::{self, Plan};
use crate::output::{Outputs, Target};
use crate::problem::{Input, Message, Problem, Severity};
use crate::request;
use crate::select::Selection;
use anyhow::Result;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: CheckArgs, lang: Lang) -> Result<ExitCode> {
    let reading = request::reading(&args.read)?;
    reading.say_notes(lang);
    reading.guard(&[("--rejects", args.rejects.as_deref())])?;
    let same: Vec<_> = same_inputs(&reading.sources, reading.allow_duplicates, Input::Ledger)?
        .into_iter()
        .map(|s| (s.later, s.earlier, s.same))
        .collect();
    let aliases = reading.aliases()?;
    let (registry, registry_problems, registry_warnings) = reading.registry(&aliases)?;
    let read = engine::read(
        &reading.sources,
        &reading.options,
        registry.clone(),
        Plan {
            grouping: Grouping {
                dims: Vec::new(),
                depth: None,
            },
            selection: Selection::default(),
            observe: Some(crate::check::observer()),
            aliases: aliases.clone(),
            keep_rejects: args.rejects.is_some(),
            threads: reading.threads,
            progress: reading.progress(),
            hash_files: false,
        },
    )?;
    let mut outputs = Outputs::new();
    if let Some(path) = &args.rejects {
        write_rejects(&mut outputs, path, &read, args.raw, lang)?;
    }
    let names: Vec<Arc<str>> = read.files.iter().map(|(n, _)| n.clone()).collect();
    let mut listed: Vec<Problem> = registry_problems;
    let errors = listed.len() as u64 + read.problem_count();
    listed.extend(read.problems.iter().cloned());
    listed.extend(registry_warnings);
    listed.extend(read.warnings.iter().cloned());
    let (found, duplicates_unlisted) = crate::check::warnings(
        crate::check::gather(read.observed),
        registry.as_deref(),
        &names,
        &same,
        &read.conventions,
    );
    listed.extend(found);
    // Registry first, then the ledgers in the order given; errors before warnings on one line.
    let registry_name = registry.as_ref().and_then(|r| r.file.clone());
    let file_rank = |p: &Problem| -> usize {
        if Some(&p.file) == registry_name.as_ref() {
            0
        } else {
            1 + names
                .iter()
                .position(|n| *n == p.file)
                .unwrap_or(names.len())
        }
    };
    listed.sort_by_key(|p| (file_rank(p), p.line, p.severity));
    // What holds alike for several files is said once, and counted once.
    let listed = grouped(&listed);
    let warnings = (listed.len() as u64
        + read.problems_unlisted
        + read.warnings_unlisted
        + duplicates_unlisted)
        .saturating_sub(errors);
    let mut lines: Vec<String> = listed
        .iter()
        .filter(|(p, _)| p.severity == Severity::Error || !reading.quiet)
        .map(|(p, also)| with_files(p, also, lang))
        .collect();
    let unlisted = read.problems_unlisted + read.warnings_unlisted + duplicates_unlisted;
    if unlisted > 0 {
        let more = Message::Unlisted {
            more: unlisted,
            max: crate::engine::MAX_LISTED,
        };
        lines.push(more.text(lang));
    }
    lines.push(Message::CheckCount { errors, warnings }.text(lang));
    let mut text = lines.join("\n");
    text.push('\n');
    outputs.write(Target::Stdout, |out| Ok(out.write_all(text.as_bytes())?))?;
    outputs.commit()?;
    reading.say_tally(&read.tally, lang);
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    })
}

//! `danvan check`: every problem in the ledgers and the registry, as `FILE:LINE: COLUMN: message`
//! in file and line order (warnings marked), then a count. Exit 1 when there is any problem;
//! warnings never change the exit code.

use super::EXIT_INVALID;
use super::reading::{grouped, push_with_files, same_inputs, write_rejects};
use crate::aggregate::Grouping;
use crate::cli::CheckArgs;
use crate::domain::Lang;
use crate::engine::{self, Plan};
use crate::ledger::source::Source;
use crate::output::{Outputs, Target};
use crate::problem::{Input, Message, Problem, Severity};
use crate::request;
use crate::select::Selection;
use anyhow::{Context, Result};
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
    // Rows whose fingerprints repeat are read again to be compared (`check::confirm`), and
    // standard input or a pipe can be read only once: it is copied to a temporary file first
    // and read from there, under its own name.
    let (sources, _spooled) = spooled(&reading.sources)?;
    let read = engine::read(
        &sources,
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
            symbols: false,
            sums: false,
        },
    )?;
    let mut outputs = Outputs::new();
    if let Some(path) = &args.rejects {
        write_rejects(&mut outputs, path, &read, args.raw, lang)?;
    }
    let names: Vec<Arc<str>> = read.files.iter().map(|(n, _)| n.clone()).collect();
    let errors = registry_problems.len() as u64 + read.problem_count();
    let mut data = crate::check::gather(read.observed);
    crate::check::confirm(&mut data, &sources, &reading.options, &same)?;
    let (found, duplicates_unlisted) =
        crate::check::warnings(data, registry.as_deref(), &names, &same, &read.conventions);
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
    // Sorted by reference, where they lie: a problem is 160 bytes, and tens of thousands of
    // warnings copied into one more list took fresh pages at each doubling. Each problem's
    // file is ranked once, not at each comparison.
    let mut order: Vec<&Problem> = registry_problems
        .iter()
        .chain(&read.problems)
        .chain(&registry_warnings)
        .chain(&read.warnings)
        .chain(&found)
        .collect();
    order.sort_by_cached_key(|p| (file_rank(p), p.line, p.severity));
    // What holds alike for several files is said once, and counted once.
    let listed = grouped(order);
    let warnings = (listed.len() as u64
        + read.problems_unlisted
        + read.warnings_unlisted
        + duplicates_unlisted)
        .saturating_sub(errors);
    // One text, each line written into it in place (tens of thousands of warnings on a big
    // ledger: a `String` each, then joined, was a tenth of what `check` did after reading).
    let mut text = String::with_capacity(listed.len() * LINE);
    let shown = listed
        .iter()
        .filter(|(p, _)| p.severity == Severity::Error || !reading.quiet);
    for (p, also) in shown {
        push_with_files(p, also, lang, &mut text);
        text.push('\n');
    }
    let unlisted = read.problems_unlisted + read.warnings_unlisted + duplicates_unlisted;
    if unlisted > 0 {
        let more = Message::Unlisted {
            more: unlisted,
            max: crate::engine::MAX_LISTED,
        };
        text.push_str(&more.text(lang));
        text.push('\n');
    }
    text.push_str(&Message::CheckCount { errors, warnings }.text(lang));
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

/// About how long a listed line is, for room for them all at once: a warning of a file with a
/// long path runs to 200 bytes.
const LINE: usize = 192;

/// `sources`, with those that can be read only once (standard input, a pipe) copied to
/// temporary files, which live as long as the paths returned. A pipe that cannot be opened is
/// left as it is (the read says why); a copy that fails once reading has begun stops the run,
/// since what was read could not be read again and rows would be lost.
fn spooled(sources: &[Source]) -> Result<(Vec<Source>, Vec<tempfile::TempPath>)> {
    let mut held = Vec::new();
    let mut out = Vec::with_capacity(sources.len());
    for s in sources {
        if !once_only(s) {
            out.push(s.clone());
            continue;
        }
        let mut input: Box<dyn std::io::Read> = match &s.path {
            None => Box::new(std::io::stdin().lock()),
            Some(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(f),
                Err(_) => {
                    out.push(s.clone());
                    continue;
                }
            },
        };
        let path = copy(&mut input).with_context(|| {
            format!(
                "{}: cannot keep a temporary copy to read its repeated rows again",
                s.name
            )
        })?;
        out.push(Source {
            path: Some(path.to_path_buf()),
            name: s.name.clone(),
        });
        held.push(path);
    }
    Ok((out, held))
}

fn copy(input: &mut dyn std::io::Read) -> std::io::Result<tempfile::TempPath> {
    let mut file = tempfile::NamedTempFile::new()?;
    std::io::copy(input, &mut file)?;
    std::io::Write::flush(&mut file)?;
    Ok(file.into_temp_path())
}

/// Whether a source can be read only once.
fn once_only(s: &Source) -> bool {
    let Some(path) = &s.path else {
        return true;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| {
            let t = m.file_type();
            t.is_fifo() || t.is_socket() || t.is_char_device()
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

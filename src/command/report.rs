//! `danvan report`: the year-end report from one read of the ledgers. The engine adds every row
//! of the year and the year before into the report's grouping sets and hashes the ledger files
//! for the audit trail as it reads them; the report is built from those totals, then written
//! whole (or not at all) in HTML, Markdown or a workbook.

use super::EXIT_INVALID;
use super::reading::{refuse_invalid, same_inputs, say_warnings};
use crate::aggregate::Grouping;
use crate::cli::ReportArgs;
use crate::domain::Lang;
use crate::engine::{self, Plan};
use crate::ledger::results::read_results;
use crate::ledger::source::Source;
use crate::output::{Outputs, Target};
use crate::present::Locale;
use crate::problem::Input as Given;
use crate::render;
use crate::report::yearend::{self, Audit, FINE, Input, Role, Sets, year_end};
use crate::request;
use anyhow::{Context, Result, anyhow};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(args: ReportArgs, lang: Lang) -> Result<ExitCode> {
    let req = request::report(&args)?;
    let reading = &req.read;
    reading.say_notes(lang);
    reading.guard(&[("-o", req.output.as_deref())])?;
    if let (Some(results), Some(out)) = (&req.results, &req.output) {
        crate::output::guard(&[("-o", out)], std::slice::from_ref(results))?;
    }
    same_inputs(&reading.sources, reading.allow_duplicates, Given::Ledger)?;
    let aliases = reading.aliases()?;
    let (registry, mut problems, registry_warnings) = reading.registry(&aliases)?;
    if !reading.quiet {
        say_warnings(&registry_warnings, registry_warnings.len() as u64, lang);
    }
    let results = match (&req.results, &registry) {
        (Some(path), Some(registry)) => {
            let read = read_results(
                &Source::from_arg(&path.to_string_lossy()),
                &reading.options,
                registry,
            )?;
            problems.extend(read.problems.iter().cloned());
            Some(read)
        }
        _ => None,
    };
    // The files to hash for the audit trail, in the order the trail lists them.
    let mut files: Vec<(Role, String, Option<PathBuf>)> = reading
        .sources
        .iter()
        .map(|s| (Role::Ledger, s.name.to_string(), s.path.clone()))
        .collect();
    for (role, path) in [
        (Role::Registry, &reading.models),
        (Role::Results, &req.results),
        (Role::Aliases, &reading.aliases),
    ] {
        if let Some(p) = path {
            files.push((role, p.display().to_string(), Some(p.clone())));
        }
    }
    let plan = Plan {
        grouping: Grouping {
            dims: FINE.to_vec(),
            depth: None,
        },
        selection: req.selection.clone(),
        observe: None,
        aliases: aliases.clone(),
        keep_rejects: false,
        threads: reading.threads,
        progress: reading.progress(),
        hash_files: true,
        symbols: false,
        sums: true,
    };
    // The ledgers are hashed by the engine as it reads them (one read of each file); what it
    // could not hash (standard input is not hashed at all, a file not read to its end) and the
    // other inputs, which are small, are hashed here afterwards, each from its own bytes.
    let read = engine::read_sets(
        &reading.sources,
        &reading.options,
        registry.clone(),
        plan,
        &yearend::sets(),
    )?;
    let hashes = files
        .iter()
        .enumerate()
        .map(|(i, (role, _, path))| {
            let hashed = match role {
                Role::Ledger => read.sha256.get(i).cloned().flatten(),
                _ => None,
            };
            match (hashed, path) {
                (Some(hex), _) => Ok(Some(hex)),
                (None, path) => path.as_deref().map(sha256).transpose(),
            }
        })
        .collect::<Result<Vec<Option<String>>>>()?;
    let total = problems.len() as u64 + read.problem_count();
    problems.extend(read.problems.iter().cloned());
    if !reading.quiet {
        let warnings = read.warnings.len() as u64 + read.warnings_unlisted;
        say_warnings(&read.warnings, warnings, lang);
    }
    if refuse_invalid(&problems, total, args.skip_invalid, reading.quiet, lang) {
        reading.say_tally(&read.tally, lang);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let inputs = files
        .iter()
        .zip(hashes)
        .enumerate()
        .map(|(i, ((role, name, _), sha256))| Input {
            role: *role,
            name: name.clone(),
            rows: match role {
                Role::Ledger => read.file_tallies.get(i).map_or(0, |t| t.read),
                Role::Registry => registry.as_ref().map_or(0, |r| r.models.len() as u64),
                Role::Results => results.as_ref().map_or(0, |r| r.rows),
                Role::Aliases => aliases.len() as u64,
            },
            sha256,
        })
        .collect();
    let audit = Audit {
        read: read.tally.read,
        counted: read.tally.counted,
        filtered: read.tally.filtered,
        rejected: read.tally.rejected,
        inputs,
        version: env!("CARGO_PKG_VERSION").to_string(),
        command: command_line(),
    };
    let sets = Sets::of(&read.sets).ok_or_else(|| anyhow!("internal error: report sets"))?;
    let locale = Locale::of(lang);
    let report = year_end(
        req.year,
        &sets,
        registry.as_deref(),
        results.as_ref().map(|r| r.results.as_slice()),
        audit,
        locale.order,
    )?;
    let mut outputs = Outputs::new();
    outputs.write(Target::of(req.output.as_deref()), |out| {
        render::report::write(&report, req.format, &locale, out)
    })?;
    outputs.commit()?;
    reading.say_tally(&read.tally, lang);
    Ok(ExitCode::SUCCESS)
}

/// The SHA-256 of a file's bytes, in hex, as `sha256sum` prints it.
fn sha256(path: &Path) -> Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::ledger::source::hex(&hasher.finalize()))
}

/// The command as typed, for a shell: `danvan` and each argument, quoted where needed.
fn command_line() -> String {
    let quote = |a: String| -> String {
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
        if plain {
            a
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    std::iter::once("danvan".to_string())
        .chain(
            std::env::args_os()
                .skip(1)
                .map(|a| quote(a.to_string_lossy().into_owned())),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

//! What every command does the same way around reading: loading the registry, writing `--rejects`, and printing problems and the reconciliation line.

use crate::engine::{Read, Tally};
use crate::ledger::aliases::{Aliases, read_aliases};
use crate::ledger::registry::{Registry, read_registry};
use crate::ledger::source::Source;
use crate::output::{Outputs, Target, guard, say};
use crate::problem::Problem;
use crate::request::ReadRequest;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Problems (or warnings) found in one file.
type Problems = Vec<Problem>;

/// How many problems a refusing command prints before it just counts the rest.
pub const SHOWN_PROBLEMS: usize = 20;

impl ReadRequest {
    /// Paths of every input, to keep outputs off them; standard input as `/dev/stdin`, so an
    /// output that is the file it was redirected from is refused too.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .map(|s| {
                s.path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("/dev/stdin"))
            })
            .chain(self.models.clone())
            .chain(self.aliases.clone())
            .collect()
    }

    /// Refuses, before anything is read, an output that is an input or another output:
    /// `outputs` are (flag, path) pairs, those not given being `None`.
    pub fn guard(&self, outputs: &[(&str, Option<&Path>)]) -> Result<()> {
        let given: Vec<(&str, &Path)> = outputs
            .iter()
            .filter_map(|&(flag, path)| path.map(|p| (flag, p)))
            .collect();
        guard(&given, &self.input_paths())
    }

    /// The aliases of `--aliases` (none when not given).
    pub fn aliases(&self) -> Result<Arc<Aliases>> {
        Ok(Arc::new(match &self.aliases {
            Some(path) => read_aliases(&Source::from_arg(&path.to_string_lossy()), &self.options)?,
            None => Aliases::default(),
        }))
    }

    /// The registry (under current names), its problems and its warnings, when `--models` was
    /// given.
    pub fn registry(
        &self,
        aliases: &Aliases,
    ) -> Result<(Option<Arc<Registry>>, Problems, Problems)> {
        let Some(path) = &self.models else {
            return Ok((None, Vec::new(), Vec::new()));
        };
        let source = Source::from_arg(&path.to_string_lossy());
        let before = source.stamp();
        let read = read_registry(&source, &self.options)?;
        source.unchanged_since(before)?;
        Ok((
            Some(Arc::new(read.registry.with_aliases(aliases))),
            read.problems,
            read.warnings,
        ))
    }

    /// Prints the request's notes (unless `--quiet`).
    pub fn say_notes(&self) {
        if !self.quiet {
            for note in &self.notes {
                say(note);
            }
        }
    }

    /// Whether a progress bar may be shown.
    pub fn progress(&self) -> bool {
        !self.quiet
    }

    pub fn say_tally(&self, tally: &Tally) {
        if !self.quiet {
            say(&tally.to_string());
        }
    }
}

/// Refuses invalid data: prints the problems and says nothing was written, unless
/// `--skip-invalid`, when the problems are listed (unless quiet) as rows skipped. Returns whether
/// the run is refused.
pub fn refuse_invalid(problems: &[Problem], total: u64, skip_invalid: bool, quiet: bool) -> bool {
    if total > 0 && !skip_invalid {
        say_problems(problems, total, "");
        say(&format!(
            "danvan: {total} problem(s) in the data; nothing was written (fix them, or use --skip-invalid)"
        ));
        return true;
    }
    if !quiet {
        say_problems(problems, total, "warning: skipped: ");
    }
    false
}

/// Prints up to [`SHOWN_PROBLEMS`] problems to standard error, then how many more there are
/// (`total` counts those not kept in memory too).
pub fn say_problems(problems: &[Problem], total: u64, prefix: &str) {
    for p in problems.iter().take(SHOWN_PROBLEMS) {
        say(&format!("{prefix}{p}"));
    }
    let shown = problems.len().min(SHOWN_PROBLEMS) as u64;
    if total > shown {
        say(&format!(
            "{prefix}… and {} more problems (danvan check lists them)",
            total - shown
        ));
    }
}

/// Stages `--rejects` among the run's `outputs` (written whole, replaced with the others), and
/// says when it could not hold every row.
pub fn write_rejects(outputs: &mut Outputs, path: &Path, read: &Read, raw: bool) -> Result<()> {
    outputs.write(Target::File(path), |out| {
        crate::render::rejects::write(&read.files, &read.rejects, raw, out)
    })?;
    if read.rejects_unlisted > 0 {
        say(&format!(
            "warning: {} holds the first {} rejected rows; {} more were rejected (fix these and run again)",
            path.display(),
            read.rejects.len(),
            read.rejects_unlisted
        ));
    }
    Ok(())
}

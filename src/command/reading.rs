//! What every command does the same way around reading: loading the registry, writing `--rejects`, and printing problems and the reconciliation line.

use crate::engine::{Read, Tally};
use crate::ledger::registry::{Registry, read_registry};
use crate::ledger::source::Source;
use crate::output::{Target, guard_inputs, say};
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
    /// Paths of every input, to keep outputs off them.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .filter_map(|s| s.path.clone())
            .chain(self.models.clone())
            .collect()
    }

    /// Refuses an output path that is an input.
    pub fn guard(&self, target: Option<&Path>) -> Result<()> {
        match target {
            Some(t) => guard_inputs(t, &self.input_paths()),
            None => Ok(()),
        }
    }

    /// The registry, its problems and its warnings, when `--models` was given.
    pub fn registry(&self) -> Result<(Option<Arc<Registry>>, Problems, Problems)> {
        let Some(path) = &self.models else {
            return Ok((None, Vec::new(), Vec::new()));
        };
        let source = Source::from_arg(&path.to_string_lossy());
        let read = read_registry(&source, &self.options)?;
        Ok((Some(Arc::new(read.registry)), read.problems, read.warnings))
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

/// Writes `--rejects` (whole or not at all), and says when it could not hold every row.
pub fn write_rejects(path: &Path, read: &Read, raw: bool) -> Result<()> {
    Target::File(path)
        .emit(|out| crate::render::rejects::write(&read.files, &read.rejects, raw, out))?;
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

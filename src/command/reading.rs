//! What every command does the same way around reading: loading the registry, writing `--rejects`, and printing problems and the reconciliation line.

use crate::domain::Lang;
use crate::engine::{Read, Tally};
use crate::ledger::aliases::{Aliases, read_aliases};
use crate::ledger::registry::{Registry, read_registry};
use crate::ledger::source::Source;
use crate::output::{Outputs, Target, Tone, guard, say_in};
use crate::present::Scale;
use crate::problem::{Message, Problem, Severity, skipped_mark};
use crate::render::Format;
use crate::request::ReadRequest;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

    /// The registry (under current names) and its problems, when `--models` was given.
    pub fn registry(&self, aliases: &Aliases) -> Result<(Option<Arc<Registry>>, Vec<Problem>)> {
        let Some(path) = &self.models else {
            return Ok((None, Vec::new()));
        };
        let source = Source::from_arg(&path.to_string_lossy());
        let before = source.stamp();
        let read = read_registry(&source, &self.options)?;
        source.unchanged_since(before)?;
        Ok((
            Some(Arc::new(read.registry.with_aliases(aliases))),
            read.problems,
        ))
    }

    /// Prints the request's notes in `lang` (unless `--quiet`).
    pub fn say_notes(&self, lang: Lang) {
        if !self.quiet {
            for note in &self.notes {
                note.say(lang);
            }
        }
    }

    /// Whether a progress bar may be shown.
    pub fn progress(&self) -> bool {
        !self.quiet
    }

    /// Prints the reconciliation line in `lang` (unless `--quiet`).
    pub fn say_tally(&self, tally: &Tally, lang: Lang) {
        if !self.quiet {
            tally.message().say(lang);
        }
    }
}

/// Prints up to [`SHOWN_PROBLEMS`] problems to standard error in `lang`, then how many more
/// there are (`total` counts those not kept in memory too); `skipped` marks them as left out
/// by `--skip-invalid`.
pub fn say_problems(problems: &[Problem], total: u64, skipped: bool, lang: Lang) {
    let mark = if skipped { skipped_mark(lang) } else { "" };
    let tone = |p: &Problem| match p.severity {
        Severity::Error if !skipped => Tone::Error,
        _ => Tone::Warning,
    };
    for p in problems.iter().take(SHOWN_PROBLEMS) {
        say_in(tone(p), &[mark, &p.text(lang)].concat());
    }
    let shown = problems.len().min(SHOWN_PROBLEMS) as u64;
    if total > shown {
        let more = Message::MoreProblems {
            more: total - shown,
        };
        let last = problems.last().map_or(Tone::Plain, tone);
        say_in(last, &[mark, &more.text(lang)].concat());
    }
}

/// Stages `--rejects` among the run's `outputs` (written whole, replaced with the others), and
/// says when it could not hold every row.
pub fn write_rejects(
    outputs: &mut Outputs,
    path: &Path,
    read: &Read,
    raw: bool,
    lang: Lang,
) -> Result<()> {
    outputs.write(Target::File(path), |out| {
        crate::render::rejects::write(&read.files, &read.rejects, raw, lang, out)
    })?;
    if read.rejects_unlisted > 0 {
        let capped = Message::RejectsCapped {
            file: path.display().to_string(),
            kept: read.rejects.len(),
            more: read.rejects_unlisted,
        };
        capped.say(lang);
    }
    Ok(())
}

/// With `--in`: the note that money is shown rounded, for the formats it changes, or the
/// warning that it changes nothing in the others.
pub fn say_scale(scale: Option<Scale>, format: Format, lang: Lang) {
    let Some(scale) = scale else { return };
    let message = match format {
        Format::Table | Format::Markdown => Message::Rounded { scale },
        Format::Csv | Format::Json => Message::ScaleIgnored,
    };
    message.say(lang);
}

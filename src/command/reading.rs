//! What every command does the same way around reading: turning the reading flags into options,
//! loading the registry, writing `--rejects`, and printing problems and the reconciliation line.

use crate::cli::ReadArgs;
use crate::engine::{Read, Tally};
use crate::ledger::number::Convention;
use crate::ledger::registry::{Registry, read_registry};
use crate::ledger::source::{Source, encoding_for_label};
use crate::ledger::table::ReadOptions;
use crate::output::{guard_inputs, say, write_file};
use crate::problem::Problem;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many problems a refusing command prints before it just counts the rest.
pub const SHOWN_PROBLEMS: usize = 20;

/// The reading flags, checked.
pub struct Reading {
    pub sources: Vec<Source>,
    pub options: ReadOptions,
    pub models: Option<PathBuf>,
    pub threads: usize,
    pub quiet: bool,
}

impl Reading {
    pub fn from_args(args: &ReadArgs) -> Result<Reading> {
        let delimiter = match args.delimiter.as_deref() {
            None => None,
            Some(d) => Some(match d {
                "," | "comma" => b',',
                ";" | "semicolon" => b';',
                "tab" | "\\t" | "\t" => b'\t',
                "|" | "pipe" => b'|',
                other => bail!("--delimiter {other:?}: use ',', ';', 'tab' or '|'"),
            }),
        };
        let number_format = match args
            .number_format
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            None => None,
            Some("vi") => Some(Convention::Vi),
            Some("en") => Some(Convention::En),
            Some(other) => bail!("--number-format {other:?}: use vi or en"),
        };
        let encoding = args
            .encoding
            .as_deref()
            .map(encoding_for_label)
            .transpose()?;
        let threads = match args.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if args.files.iter().filter(|f| *f == "-").count() > 1 {
            bail!("standard input (-) can be read only once");
        }
        Ok(Reading {
            sources: args.files.iter().map(|f| Source::from_arg(f)).collect(),
            options: ReadOptions {
                delimiter,
                encoding,
                number_format,
                chunk_bytes: args.chunk_bytes.unwrap_or(0),
            },
            models: args.models.clone(),
            threads,
            quiet: args.quiet,
        })
    }

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

    /// The registry and its problems, when `--models` was given.
    pub fn registry(&self) -> Result<(Option<Arc<Registry>>, Vec<Problem>)> {
        let Some(path) = &self.models else {
            return Ok((None, Vec::new()));
        };
        let source = Source::from_arg(&path.to_string_lossy());
        let read = read_registry(&source, &self.options)?;
        Ok((Some(Arc::new(read.registry)), read.problems))
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

/// Writes `--rejects`: each rejected row's original fields under its own header names, then
/// `file`, `line` and `reason`. Files with different headers share one table by column name;
/// fields beyond a file's header go to `extra N` columns.
pub fn write_rejects(path: &Path, read: &Read, raw: bool) -> Result<()> {
    let mut columns: Vec<String> = Vec::new();
    for (_, header) in &read.files {
        for h in header {
            if !columns.contains(h) {
                columns.push(h.clone());
            }
        }
    }
    let placed: Vec<(Vec<String>, Vec<String>)> = read
        .rejects
        .iter()
        .map(|r| {
            let header = &read.files[r.file_index].1;
            let mut cells = vec![String::new(); columns.len()];
            let mut extras = Vec::new();
            for (i, f) in r.fields.iter().enumerate() {
                match header
                    .get(i)
                    .and_then(|h| columns.iter().position(|c| c == h))
                {
                    Some(c) if cells[c].is_empty() => cells[c] = f.clone(),
                    _ => extras.push(f.clone()),
                }
            }
            (cells, extras)
        })
        .collect();
    let extra = placed.iter().map(|(_, e)| e.len()).max().unwrap_or(0);
    let mut w = crate::render::csv::SafeWriter::new(raw);
    let mut header = columns.clone();
    header.extend((1..=extra).map(|i| format!("extra {i}")));
    header.extend(["file", "line", "reason"].map(String::from));
    w.write(&header, |_| false)?;
    let line_column = header.len() - 2;
    for (r, (mut cells, mut extras)) in read.rejects.iter().zip(placed) {
        extras.resize(extra, String::new());
        cells.extend(extras);
        cells.push(read.files[r.file_index].0.to_string());
        cells.push(r.line.to_string());
        cells.push(r.reason());
        w.write(&cells, |i| i == line_column)?;
    }
    write_file(path, w.finish()?.as_bytes())?;
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

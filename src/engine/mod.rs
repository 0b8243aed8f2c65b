//! The streaming engine: read → normalize → aggregate over chunks, on as many threads as asked.
//!
//! The calling thread opens each file, reads its header and cuts the rest into chunks of whole
//! records (`ledger::chunk`); worker threads parse chunks into contributions (`ledger::row`), keep
//! or filter them (`select`) and add them into their own groups (`aggregate`). Memory stays
//! bounded: a few chunks are in flight at a time and each worker holds one table of groups.
//! Nothing depends on which thread took which chunk: sums are exact, problems are sorted by file
//! and line, and the first fatal error is chosen by position, so a parallel run prints exactly
//! what a one-thread run prints. Standard input is read on the calling thread alone.
//!
//! Amounts that read two ways (`1.200`) wait until their file's convention is known from its
//! other values: they are added up both ways per group meanwhile and settled (or rejected) at
//! the end. Dates written as Excel serial numbers (`45721`) wait the same way: they are dates
//! when no row of their file writes a date as text, and each is an error otherwise.
//!
//! `worker` holds a thread's state, `fast_lane` its memo of proven rows (`period_slots` the
//! groups of its texts by period), `collect` the gathering, `listed` the bounded lists of
//! problems, `place` the packed (file, line) places.

mod cells;
mod collect;
mod fast_lane;
pub mod fingerprint;
mod listed;
pub mod observe;
mod period_slots;
mod place;
mod raw_keys;
mod reread;
mod sets;
mod worker;

use crate::aggregate::Grouping;
use crate::aggregate::{Groups, LocalGroups};
use crate::domain::Dim;
use crate::ledger::Col;
use crate::ledger::LEDGER_COLUMNS;
use crate::ledger::aliases::Aliases;
use crate::ledger::chunk::Chunk;
use crate::ledger::dialect::HeaderMap;
use crate::ledger::dialect::amount_unit;
use crate::ledger::intern::Interner;
use crate::ledger::number::Convention;
use crate::ledger::registry::Registry;
use crate::ledger::row::{Layout, Needs};
use crate::ledger::source::FileHash;
use crate::ledger::source::Source;
use crate::ledger::table::{HeaderRule, ReadOptions, open_table_hashed};
use crate::problem::{Kind, Problem, Rejected};
use crate::select::Selection;
use anyhow::{Result, anyhow};
use collect::Collector;
use observe::Observe;
pub use place::Place;
pub use reread::reread;
use sets::Sets;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use worker::{ChunkResult, Worker};

/// What to compute while reading.
#[derive(Clone)]
pub struct Plan {
    pub grouping: Grouping,
    pub selection: Selection,
    /// Looks at every valid row in full (every text column), and makes the row warnings
    /// (`notes`) worth listing: what `check` plugs in.
    pub observe: Option<Observe>,
    /// Old names mapped onto current ones as values are read (`--aliases`).
    pub aliases: Arc<Aliases>,
    /// Keep rejected rows' fields for `--rejects`.
    pub keep_rejects: bool,
    pub threads: usize,
    /// Show a progress bar (the caller decides: a terminal, not `--quiet`).
    pub progress: bool,
    /// Hash each ledger file (SHA-256) as it is read, into [`Read::sha256`]: the report's audit
    /// trail then costs no second read of the file.
    pub hash_files: bool,
    /// Leave the groups keyed by symbols ([`Read::symbols`]) for a report that needs no text
    /// keys; [`Read::groups`] stays empty.
    pub symbols: bool,
    /// Add the amounts up. `check` only counts rows (its observer looks at the amounts): the
    /// groups then stay empty, but for the rows whose amount waits on the file's convention.
    pub sums: bool,
}

impl Plan {
    /// With an observer, the name columns the fast lane remembers apart from the rest of the
    /// row: those the run neither groups nor filters by, whose name holds whatever the rest of
    /// the row says (not the field when a registry may fill it from the model).
    fn apart(&self, has_registry: bool) -> Vec<Col> {
        if self.observe.is_none() {
            return Vec::new();
        }
        [(Dim::Field, Col::Field), (Dim::Source, Col::Source)]
            .into_iter()
            .filter(|&(dim, _)| !(self.uses(dim) || dim == Dim::Field && has_registry))
            .map(|(_, col)| col)
            .collect()
    }

    /// Whether the run groups or filters by `dim`.
    fn uses(&self, dim: Dim) -> bool {
        self.grouping.dims.contains(&dim) || self.selection.filters.iter().any(|f| f.dim == dim)
    }

    /// The text columns this plan looks at.
    fn needs(&self) -> Needs {
        if self.observe.is_some() {
            return Needs::ALL;
        }
        let uses = |d: Dim| self.uses(d);
        Needs {
            unit: uses(Dim::Unit),
            area: uses(Dim::Area),
            field: uses(Dim::Field),
            source: uses(Dim::Source),
            model: uses(Dim::Model),
            check: false,
        }
    }
}

/// The reconciliation: every row read is counted, filtered or rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub read: u64,
    pub counted: u64,
    pub filtered: u64,
    pub rejected: u64,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.read += o.read;
        self.counted += o.counted;
        self.filtered += o.filtered;
        self.rejected += o.rejected;
    }
}

impl Tally {
    /// The reconciliation line, as a message for the catalogues.
    pub fn message(&self) -> crate::problem::Message {
        crate::problem::Message::Tally {
            read: self.read,
            counted: self.counted,
            filtered: self.filtered,
            rejected: self.rejected,
        }
    }
}

impl std::fmt::Display for Tally {
    /// The English line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().text(crate::domain::Lang::En))
    }
}

/// How many problems, warnings and rejected rows are kept to list; past that they are counted.
pub const MAX_LISTED: usize = 100_000;

/// Everything a read produced.
pub struct Read {
    /// The plan's grouping; left empty when grouping sets were asked for (see [`read_sets`]).
    pub groups: Groups,
    /// The plan's groups still keyed by symbols, each reading thread's apart with the interner
    /// its symbols belong to, when the plan asked for them ([`Plan::symbols`]): the threads'
    /// groups are never merged by text, only put in one order by the report.
    pub symbols: Option<Vec<(LocalGroups, Interner)>>,
    /// Each grouping set's groups, in the order asked (empty without sets).
    pub sets: Vec<Groups>,
    pub tally: Tally,
    /// Each file's own tally, by file index (as `files`).
    pub file_tallies: Vec<Tally>,
    /// Errors, in file and line order (the first [`MAX_LISTED`]).
    pub problems: Vec<Problem>,
    /// Errors found but not listed.
    pub problems_unlisted: u64,
    pub warnings: Vec<Problem>,
    pub warnings_unlisted: u64,
    /// Rejected rows kept for `--rejects` (the first [`MAX_LISTED`]).
    pub rejects: Vec<Rejected>,
    pub rejects_unlisted: u64,
    /// Each file's name and header, by file index.
    pub files: Vec<(Arc<str>, Vec<String>)>,
    /// What each worker's observer saw, if the plan had one.
    pub observed: Vec<Box<dyn std::any::Any + Send>>,
    /// Each file's number convention, by file index: given, or settled by its own values
    /// (`None`: nothing settled it).
    pub conventions: BTreeMap<usize, Option<Convention>>,
    /// What each `--where` filter saw, by filter: for `select::resolve`.
    pub seen: Vec<crate::select::Seen>,
    /// Each file's SHA-256 in hex by file index, when the plan asked for it and the file was
    /// read to its end unchanged (`None` for standard input or a read that stopped early).
    pub sha256: Vec<Option<String>>,
}

impl Read {
    /// Every error found, listed or not.
    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.problems_unlisted
    }
}

struct Job {
    seq: u64,
    layout: Arc<Layout>,
    delimiter: u8,
    chunk: Chunk,
    /// Where the chunk starts in its file, when its text is the file's own bytes.
    at: Option<u64>,
}

/// Reads every source under `plan`.
pub fn read(
    sources: &[Source],
    opts: &ReadOptions,
    registry: Option<Arc<Registry>>,
    plan: Plan,
) -> Result<Read> {
    read_sets(sources, opts, registry, plan, &[])
}

/// Reads every source under `plan`, adding every counted row up in each grouping of `sets` too,
/// in the same pass: the plan's grouping must hold every text dimension a set uses (its periods
/// may differ). With sets, [`Read::sets`] holds their totals and [`Read::groups`] stays empty.
pub fn read_sets(
    sources: &[Source],
    opts: &ReadOptions,
    registry: Option<Arc<Registry>>,
    plan: Plan,
    sets: &[Vec<Dim>],
) -> Result<Read> {
    let fine = plan.grouping.clone();
    let make_sets = || -> Result<Option<Sets>> {
        if sets.is_empty() {
            Ok(None)
        } else {
            Sets::new(&fine, sets).map(Some)
        }
    };
    make_sets()?;
    for s in sources {
        if let Some(p) = &s.path
            && let Err(e) = std::fs::metadata(p)
        {
            return Err(crate::problem::Failure::CannotOpen {
                file: s.name.to_string(),
                error: e,
            }
            .into());
        }
    }
    // Each file as it is when the run starts; each must still be so once it has been read.
    let stamps: Vec<_> = sources.iter().map(Source::stamp).collect();
    let stdin = sources.iter().any(|s| s.path.is_none());
    let threads = if stdin { 1 } else { plan.threads.max(1) };
    let plan = Arc::new(plan);
    let progress = crate::progress::Progress::new(plan.progress, sources);
    let hash = plan.hash_files;
    let mut collector = Collector::default();
    let cutoffs = collector.cutoffs.clone();
    if threads == 1 {
        let mut worker = Worker::new(plan.clone(), opts, registry, cutoffs.clone(), make_sets()?);
        let reading = dispatch(
            sources,
            &stamps,
            opts,
            hash,
            &mut collector,
            &progress,
            |job| {
                let r = worker.process(job);
                let stop = r.fatal.is_some();
                (vec![r], stop)
            },
        );
        collector.finish_reading(reading);
        collector.finished.push(worker.finish());
    } else {
        // The reading thread is one of the `threads`: it queues chunks for the others and, when
        // the queue is full, parses the chunk itself instead of waiting, so every core works.
        let (job_tx, job_rx) = crossbeam_channel::bounded::<Job>(threads);
        let (res_tx, res_rx) = crossbeam_channel::unbounded::<ChunkResult>();
        let stop = AtomicBool::new(false);
        let mut own = Worker::new(
            plan.clone(),
            opts,
            registry.clone(),
            cutoffs.clone(),
            make_sets()?,
        );
        std::thread::scope(|scope| {
            // A thread the system refuses to start (too many threads, no memory) is simply not
            // there: the others, and the reading thread itself, do its share.
            let handles: Vec<_> = (1..threads)
                .map_while(|_| {
                    let (job_rx, res_tx) = (job_rx.clone(), res_tx.clone());
                    let (plan, registry, stop) = (plan.clone(), registry.clone(), &stop);
                    let cutoffs = cutoffs.clone();
                    // Checked above, so this cannot fail.
                    let sets = make_sets().ok().flatten();
                    let builder = std::thread::Builder::new().name("reader".into());
                    let spawned = builder.spawn_scoped(scope, move || {
                        let mut worker = Worker::new(plan, opts, registry, cutoffs, sets);
                        for job in job_rx {
                            let r = worker.process(job);
                            if r.fatal.is_some() {
                                stop.store(true, Ordering::Relaxed);
                            }
                            if res_tx.send(r).is_err() {
                                break;
                            }
                        }
                        // The reading thread stops waiting for results here, and finishes its
                        // own worker while this one finishes (a report's grouping sets take
                        // tens of milliseconds per worker to be made text).
                        drop(res_tx);
                        worker.finish()
                    });
                    spawned.ok()
                })
                .collect();
            drop(job_rx);
            drop(res_tx);
            let reading = dispatch(
                sources,
                &stamps,
                opts,
                hash,
                &mut collector,
                &progress,
                |job| {
                    if stop.load(Ordering::Relaxed) {
                        return (Vec::new(), true);
                    }
                    let mut ready: Vec<ChunkResult> = res_rx.try_iter().collect();
                    match job_tx.try_send(job) {
                        Ok(()) => (ready, false),
                        // Full: every worker is busy. Disconnected: no worker is left (none could be
                        // started, or all stopped). Either way the reading thread parses it.
                        Err(
                            crossbeam_channel::TrySendError::Full(job)
                            | crossbeam_channel::TrySendError::Disconnected(job),
                        ) => {
                            let r = own.process(job);
                            let fatal = r.fatal.is_some();
                            ready.push(r);
                            (ready, fatal)
                        }
                    }
                },
            );
            drop(job_tx);
            for r in res_rx.iter() {
                collector.add(r);
            }
            collector.finish_reading(reading);
            collector.finished.push(own.finish());
            for h in handles {
                match h.join() {
                    Ok(finished) => collector.finished.push(finished),
                    Err(_) => collector
                        .set_fatal((u64::MAX, anyhow!("a reading thread stopped unexpectedly"))),
                }
            }
        });
    }
    progress.finish();
    collector.finish(opts, &plan)
}

/// Opens each file in turn and hands its chunks to `send`, which processes them at once (one
/// thread) or queues them (many) and returns the results ready so far and whether to stop.
/// Returns the error that stopped reading, with the sequence number it happened at. A file that
/// no longer matches its `stamps` once read (cut, written to or replaced) stops the run. With
/// `hash`, each file read whole and unchanged gets its SHA-256 in the collector.
#[allow(clippy::too_many_arguments)]
fn dispatch<F>(
    sources: &[Source],
    stamps: &[Option<crate::ledger::source::Stamp>],
    opts: &ReadOptions,
    hash: bool,
    collector: &mut Collector,
    progress: &crate::progress::Progress,
    mut send: F,
) -> Option<(u64, anyhow::Error)>
where
    F: FnMut(Job) -> (Vec<ChunkResult>, bool),
{
    let mut seq = 0u64;
    for (file_index, source) in sources.iter().enumerate() {
        let names =
            |cells: &[String]| HeaderMap::names_required(cells, LEDGER_COLUMNS, &opts.columns);
        let file_hash = (hash && source.path.is_some()).then(FileHash::default);
        let rule = HeaderRule::Names(&names);
        let table = match open_table_hashed(source, opts, rule, file_hash.as_ref()) {
            Ok(t) => t,
            Err(e) => return Some((seq, e)),
        };
        let Some(mut table) = table else {
            collector.files.push((source.name.clone(), Vec::new()));
            collector.warn(Problem::warning(&source.name, 1, "file", Kind::EmptyFile));
            continue;
        };
        let line = table.header_line;
        let columns = match HeaderMap::build_with(&table.header, LEDGER_COLUMNS, &opts.columns) {
            Ok(c) => c,
            Err(error) => {
                let file = source.name.to_string();
                let failure = crate::problem::Failure::Header { file, line, error };
                return Some((seq, failure.into()));
            }
        };
        collector
            .files
            .push((source.name.clone(), table.header.clone()));
        for (at, column, kind) in std::mem::take(&mut table.notes) {
            collector.warn(Problem::warning(&source.name, at, column, kind));
        }
        if !columns.unknown.is_empty() {
            // One warning per file, however many columns: a file may have thousands.
            let shown: Vec<String> = columns.unknown.iter().take(10).cloned().collect();
            let more = columns.unknown.len().saturating_sub(shown.len());
            collector.warn(Problem::warning(
                &source.name,
                line,
                "header",
                Kind::UnknownColumns { shown, more },
            ));
        }
        let amount_column = columns.name(Col::Amount, "amount");
        collector.header_lines.insert(file_index, line);
        if table.delimiter == b';' {
            collector.semicolon.insert(file_index);
        }
        let unit = columns.unit(Col::Amount).map(str::to_string);
        let mut layout = Layout::new(source.name.clone(), file_index, columns, opts.number_format);
        if let Some(written) = unit {
            match amount_unit(&written) {
                Some(unit) => layout = layout.with_amount_unit(unit, &written),
                None => {
                    let kind = Kind::UnknownHeaderUnit { unit: written };
                    let problem = Problem::error(&source.name, line, amount_column, kind);
                    return Some((seq, crate::problem::Failure::Problem(problem).into()));
                }
            }
        }
        collector.amount_columns.insert(file_index, amount_column);
        (collector.date_columns).insert(file_index, layout.name(Col::Date));
        let layout = Arc::new(layout);
        loop {
            let at = table.file_offset();
            let chunk = match table.next_chunk() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Some((seq, e)),
            };
            progress.advance(chunk.data.len() as u64, collector.tally.read);
            let job = Job {
                seq,
                layout: layout.clone(),
                delimiter: table.delimiter,
                chunk,
                at,
            };
            seq += 1;
            let (results, stop) = send(job);
            for mut r in results {
                table.chunker.recycle(std::mem::take(&mut r.spent));
                collector.add(r);
            }
            if stop {
                return None;
            }
        }
        let stamp = stamps.get(file_index).copied().flatten();
        if let Err(e) = source.unchanged_since(stamp) {
            return Some((seq, e));
        }
        // The reader holds the hash too: dropped first, so the hash can be finished.
        drop(table);
        if let (Some(file_hash), Some(stamp)) = (file_hash, stamp)
            && let Some(hex) = file_hash.finish(stamp.bytes())
        {
            collector.sha256.insert(file_index, hex);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The report's audit trail takes each ledger's hash from the read itself: every file read
    /// whole gets `sha256sum`'s hash of its bytes as stored, on one thread or several, a file of
    /// many chunks included; none is taken unless asked.
    #[test]
    fn a_read_that_hashes_gives_each_files_stored_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut big = String::from("\u{feff}date,unit,amount\n");
        for i in 0..20_000 {
            big.push_str(&format!("2024-01-{:02},Đơn vị {},{i}\n", i % 28 + 1, i % 7));
        }
        let files = [
            ("a.csv", "date,unit,amount\n2024-01-01,A,5\n".to_string()),
            ("big.csv", big),
        ];
        let sources: Vec<Source> = files
            .iter()
            .map(|(name, text)| {
                let path = dir.path().join(name);
                std::fs::write(&path, text).unwrap();
                Source::from_arg(path.to_str().unwrap())
            })
            .collect();
        let want: Vec<Option<String>> = files
            .iter()
            .map(|(_, text)| Some(crate::ledger::source::hex(&Sha256::digest(text))))
            .collect();
        for (threads, hash_files) in [(1, true), (2, true), (2, false)] {
            let plan = Plan {
                grouping: Grouping {
                    dims: vec![Dim::Unit],
                    depth: None,
                },
                selection: Selection::default(),
                observe: None,
                aliases: Default::default(),
                keep_rejects: false,
                threads,
                progress: false,
                hash_files,
                symbols: false,
                sums: true,
            };
            // Small chunks: the big file is read in many pieces.
            let opts = ReadOptions {
                chunk_bytes: 4096,
                ..ReadOptions::default()
            };
            let read = read(&sources, &opts, None, plan).unwrap();
            if hash_files {
                assert_eq!(read.sha256, want, "{threads} threads");
            } else {
                assert_eq!(read.sha256, vec![None, None]);
            }
        }
    }
}

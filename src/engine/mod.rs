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
//! other values; they are settled (or rejected) at the end, so only those rows are held.

mod fast_lane;
mod listed;

use crate::aggregate::{Groups, Key, LocalGroups};
use crate::ledger::Col;
use crate::ledger::Contribution;
use crate::ledger::LEDGER_COLUMNS;
use crate::ledger::chunk::Chunk;
use crate::ledger::dialect::HeaderMap;
use crate::ledger::intern::Sym;
use crate::ledger::number::{Reading, ambiguous_message, settle_convention};
use crate::ledger::record::{Record, for_each_record};
use crate::ledger::registry::Registry;
use crate::ledger::row::{Layout, Needs, Outcome, RowReader};
use crate::ledger::source::Source;
use crate::ledger::table::{ReadOptions, open_table};
use crate::problem::{Problem, Rejected};
use crate::select::Selector;
use crate::spec::{Dim, Grouping, Selection};
use anyhow::{Result, anyhow};
use fast_lane::{Fast, FastLane};
use listed::Listed;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// What to compute while reading.
#[derive(Debug, Clone)]
pub struct Plan {
    pub grouping: Grouping,
    pub selection: Selection,
    /// Collect what `check` needs beyond problems: spellings, model use, duplicate rows.
    pub check: bool,
    /// Keep rejected rows' fields for `--rejects`.
    pub keep_rejects: bool,
    pub threads: usize,
    /// Show a progress bar (the caller decides: a terminal, not `--quiet`).
    pub progress: bool,
}

impl Plan {
    /// The text columns this plan looks at.
    fn needs(&self) -> Needs {
        if self.check {
            return Needs::ALL;
        }
        let uses = |d: Dim| {
            self.grouping.dims.contains(&d) || self.selection.filters.iter().any(|f| f.dim == d)
        };
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

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rows read {} = counted {} + filtered {} + rejected {}",
            self.read, self.counted, self.filtered, self.rejected
        )
    }
}

/// Where a text value was first seen and how often, for `check`'s spelling warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub rows: u64,
    pub file_index: usize,
    pub line: u64,
}

/// A file index and line packed in 8 bytes (`check` keeps one per row): 24 bits of file,
/// 40 bits of line. Orders by file, then line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place(u64);

impl Place {
    pub fn new(file_index: usize, line: u64) -> Place {
        Place(((file_index as u64) << 40) | (line & ((1 << 40) - 1)))
    }

    pub fn file_index(self) -> usize {
        (self.0 >> 40) as usize
    }

    pub fn line(self) -> u64 {
        self.0 & ((1 << 40) - 1)
    }

    const LAST: Place = Place(u64::MAX);
}

/// The latest places the collector still lists, shared with the workers so they do not build
/// messages that would be thrown away (a file of millions of bad rows stays in bounded memory).
#[derive(Debug)]
struct Cutoffs {
    problems: AtomicU64,
    warnings: AtomicU64,
    rejects: AtomicU64,
}

impl Default for Cutoffs {
    fn default() -> Self {
        Cutoffs {
            problems: AtomicU64::new(Place::LAST.0),
            warnings: AtomicU64::new(Place::LAST.0),
            rejects: AtomicU64::new(Place::LAST.0),
        }
    }
}

impl Cutoffs {
    fn get(a: &AtomicU64) -> Place {
        Place(a.load(Ordering::Relaxed))
    }

    fn lower(a: &AtomicU64, to: Option<Place>) {
        if let Some(p) = to {
            a.fetch_min(p.0, Ordering::Relaxed);
        }
    }
}

/// What `check` needs beyond problems.
#[derive(Debug, Clone, Default)]
pub struct CheckData {
    /// Every text value per dimension (after the model join), with its first place.
    pub values: BTreeMap<(Dim, String), Seen>,
    /// Row fingerprints (the fields as written), with where each row is, sorted.
    pub fingerprints: Vec<(u64, Place)>,
}

/// How many problems, warnings and rejected rows are kept to list; past that they are counted.
pub const MAX_LISTED: usize = 100_000;

/// Everything a read produced.
#[derive(Debug)]
pub struct Read {
    pub groups: Groups,
    pub tally: Tally,
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
    pub check: CheckData,
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
}

/// A row whose amount reads two ways, waiting for its file's convention: what is needed to
/// name it if the file never settles. Its amount is added up in `PendingSums` meanwhile.
struct PendingRow {
    file_index: usize,
    line: u64,
    reading: Reading,
    text: String,
    column: String,
    fields: Vec<String>,
}

/// Amounts that read two ways, added up both ways per file, group and kept-or-filtered, so
/// millions of them cost no more memory than their groups.
type PendingSums = FxHashMap<(usize, bool, Box<[u32]>), (Decimal, Decimal, u64)>;

#[derive(Default)]
struct ChunkResult {
    tally: Tally,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rejects: Vec<Rejected>,
    evidence: Vec<(usize, [u64; 2])>,
    /// Problems, warnings and rejected rows past the cutoffs: counted, not built.
    unlisted: [u64; 3],
    fatal: Option<(u64, anyhow::Error)>,
    /// The chunk's buffer, handed back to the reader for the next chunk: reusing buffers keeps
    /// memory flat however long the input is.
    spent: Vec<u8>,
}

const CHECKED_DIMS: [Dim; 6] = [
    Dim::Unit,
    Dim::Area,
    Dim::Field,
    Dim::Source,
    Dim::Model,
    Dim::Measure,
];

/// One thread's state across all the chunks it parses.
struct Worker {
    reader: RowReader,
    /// `None` for `check`, which looks at every row in full.
    fast: Option<FastLane>,
    groups: LocalGroups,
    selector: Selector,
    plan: Arc<Plan>,
    /// Per checked dimension, per symbol: how often and where first.
    values: [Vec<Option<Seen>>; CHECKED_DIMS.len()],
    fingerprints: Vec<(u64, Place)>,
    pending_sums: PendingSums,
    pending_rows: Listed<PendingRow>,
    cutoffs: Arc<Cutoffs>,
}

impl Worker {
    fn new(plan: Arc<Plan>, registry: Option<Arc<Registry>>, cutoffs: Arc<Cutoffs>) -> Self {
        let fast =
            (!plan.check).then(|| FastLane::new(plan.needs(), registry.is_some(), &plan.grouping));
        Worker {
            fast,
            reader: RowReader::new(registry, plan.needs()),
            groups: LocalGroups::new(plan.grouping.clone()),
            selector: Selector::new(plan.selection.clone()),
            plan,
            values: Default::default(),
            fingerprints: Vec::new(),
            pending_sums: PendingSums::default(),
            pending_rows: Listed::new(MAX_LISTED),
            cutoffs,
        }
    }

    fn process(&mut self, job: Job) -> ChunkResult {
        let mut out = ChunkResult::default();
        let layout = &job.layout;
        let fi = layout.file_index;
        let mut evidence = [0u64; 2];
        let run = for_each_record(&job.chunk, job.delimiter, &layout.file, |record, line| {
            if let Some(fast) = &mut self.fast {
                let seen = fast.try_record(record, layout, &self.selector, &mut self.groups)?;
                match seen {
                    Fast::Counted(ev) | Fast::Filtered(ev) => {
                        out.tally.read += 1;
                        if matches!(seen, Fast::Counted(_)) {
                            out.tally.counted += 1;
                        } else {
                            out.tally.filtered += 1;
                        }
                        if let Some(c) = ev {
                            evidence[c as usize] += 1;
                        }
                        return Ok(());
                    }
                    Fast::Unknown => {}
                }
            }
            match self.reader.read(record, layout) {
                Outcome::Blank => {}
                Outcome::Invalid(reasons) => {
                    out.tally.read += 1;
                    out.tally.rejected += 1;
                    self.reject(&mut out, layout, line, record, &reasons);
                }
                Outcome::Valid {
                    row,
                    evidence: ev,
                    notes,
                } => {
                    out.tally.read += 1;
                    if let Some(c) = ev {
                        evidence[c as usize] += 1;
                    }
                    if self.plan.check {
                        self.note(&row, fi, line, record);
                        if Place::new(fi, line) > Cutoffs::get(&self.cutoffs.warnings) {
                            out.unlisted[1] += notes.len() as u64;
                        } else {
                            for (col, msg) in notes {
                                out.warnings
                                    .push(Problem::warning(&layout.file, line, col, msg));
                            }
                        }
                    }
                    let text_kept = self.selector.keeps_text(&row, &self.reader.interner);
                    if text_kept && self.selector.keeps_date(row.date) {
                        out.tally.counted += 1;
                        let slot = self.groups.add(&row, &mut self.reader.interner)?;
                        if let Some(fast) = &mut self.fast {
                            fast.learn(Some(slot));
                        }
                    } else {
                        out.tally.filtered += 1;
                        if let (Some(fast), false) = (&mut self.fast, text_kept) {
                            fast.learn(None);
                        }
                    }
                }
                Outcome::Ambiguous { row, reading, text } => {
                    out.tally.read += 1;
                    if self.plan.check {
                        self.note(&row, fi, line, record);
                    }
                    let kept = self.selector.keeps(&row, &self.reader.interner);
                    let (key, n) = self.groups.key(&row, &mut self.reader.interner);
                    if let Reading::Ambiguous { vi, en } = reading {
                        let sums = self
                            .pending_sums
                            .entry((fi, kept, key[..n].into()))
                            .or_default();
                        sums.0 = sums.0.checked_add(vi).ok_or_else(too_large)?;
                        sums.1 = sums.1.checked_add(en).ok_or_else(too_large)?;
                        sums.2 += 1;
                    }
                    let place = Place::new(fi, line);
                    let wanted = place <= Cutoffs::get(&self.cutoffs.problems)
                        || (self.plan.keep_rejects && place <= Cutoffs::get(&self.cutoffs.rejects));
                    if wanted {
                        self.pending_rows.push(
                            place,
                            PendingRow {
                                file_index: fi,
                                line,
                                reading,
                                text,
                                column: layout.name(Col::Amount),
                                fields: if self.plan.keep_rejects {
                                    owned(record)
                                } else {
                                    Vec::new()
                                },
                            },
                        );
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = run {
            out.fatal = Some((job.seq, e));
        }
        out.evidence.push((fi, evidence));
        out.spent = job.chunk.data;
        out
    }

    fn reject(
        &self,
        out: &mut ChunkResult,
        layout: &Layout,
        line: u64,
        record: &Record<'_>,
        reasons: &[(String, String)],
    ) {
        let place = Place::new(layout.file_index, line);
        if place > Cutoffs::get(&self.cutoffs.problems) {
            out.unlisted[0] += reasons.len() as u64;
        } else {
            for (col, msg) in reasons {
                out.problems
                    .push(Problem::error(&layout.file, line, col.clone(), msg.clone()));
            }
        }
        if self.plan.keep_rejects && place > Cutoffs::get(&self.cutoffs.rejects) {
            out.unlisted[2] += 1;
        } else if self.plan.keep_rejects {
            out.rejects.push(Rejected {
                file_index: layout.file_index,
                line,
                fields: owned(record),
                reason: join_reasons(reasons),
            });
        }
    }

    /// Records what `check` looks at for a valid row.
    fn note(&mut self, row: &Contribution, file_index: usize, line: u64, record: &Record<'_>) {
        for (dim, seen) in CHECKED_DIMS.iter().zip(&mut self.values) {
            let sym = crate::aggregate::text_sym(row, *dim) as usize;
            if sym == 0 {
                continue;
            }
            if seen.len() <= sym {
                seen.resize(sym + 1, None);
            }
            match &mut seen[sym] {
                Some(s) => s.rows += 1,
                empty => {
                    *empty = Some(Seen {
                        rows: 1,
                        file_index,
                        line,
                    })
                }
            }
        }
        self.fingerprints
            .push((fingerprint(record), Place::new(file_index, line)));
    }

    fn finish(mut self) -> Result<Finished> {
        self.fast = None;
        let interner = &self.reader.interner;
        let mut check = CheckData {
            fingerprints: self.fingerprints,
            ..CheckData::default()
        };
        for (dim, seen) in CHECKED_DIMS.iter().zip(&self.values) {
            for (sym, s) in seen.iter().enumerate() {
                if let Some(s) = s {
                    check
                        .values
                        .insert((*dim, interner.get(sym as Sym).to_string()), *s);
                }
            }
        }
        let pending_sums = self
            .pending_sums
            .iter()
            .map(|((fi, kept, key), &(vi, en, n))| {
                (*fi, *kept, self.groups.key_text(key, interner), vi, en, n)
            })
            .collect();
        Ok(Finished {
            groups: self.groups.into_groups(interner)?,
            check,
            pending_sums,
            pending_rows: self.pending_rows,
        })
    }
}

/// A worker's results with text keys, ready to merge.
struct Finished {
    groups: Groups,
    check: CheckData,
    /// (file, kept, key, sum read vi, sum read en, rows)
    pending_sums: Vec<(usize, bool, Key, Decimal, Decimal, u64)>,
    pending_rows: Listed<PendingRow>,
}

/// A 64-bit fingerprint of a record as written, for finding rows that appear twice.
fn fingerprint(record: &Record<'_>) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(0x64616e76616e).build_hasher();
    for i in 0..record.len() {
        let f = record.bytes(i);
        h.write_usize(f.len());
        h.write(f);
    }
    h.finish()
}

fn too_large() -> anyhow::Error {
    anyhow!(
        "a total passes {}, the most danvan can add up exactly",
        Decimal::MAX
    )
}

fn owned(record: &Record<'_>) -> Vec<String> {
    record.texts().iter().map(|f| f.to_string()).collect()
}

fn join_reasons(reasons: &[(String, String)]) -> String {
    reasons
        .iter()
        .map(|(c, m)| format!("{c}: {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads every source under `plan`.
pub fn read(
    sources: &[Source],
    opts: &ReadOptions,
    registry: Option<Arc<Registry>>,
    plan: Plan,
) -> Result<Read> {
    for s in sources {
        if let Some(p) = &s.path
            && let Err(e) = std::fs::metadata(p)
        {
            return Err(anyhow!("{}: cannot open: {e}", s.name));
        }
    }
    let stdin = sources.iter().any(|s| s.path.is_none());
    let threads = if stdin { 1 } else { plan.threads.max(1) };
    let plan = Arc::new(plan);
    let progress = crate::progress::Progress::new(plan.progress, sources);
    let mut collector = Collector::default();
    let cutoffs = collector.cutoffs.clone();
    if threads == 1 {
        let mut worker = Worker::new(plan.clone(), registry, cutoffs.clone());
        let reading = dispatch(sources, opts, &mut collector, &progress, |job| {
            let r = worker.process(job);
            let stop = r.fatal.is_some();
            (vec![r], stop)
        });
        collector.finish_reading(reading);
        collector.workers.push(worker);
    } else {
        // The reading thread is one of the `threads`: it queues chunks for the others and, when
        // the queue is full, parses the chunk itself instead of waiting, so every core works.
        let (job_tx, job_rx) = crossbeam_channel::bounded::<Job>(threads);
        let (res_tx, res_rx) = crossbeam_channel::unbounded::<ChunkResult>();
        let stop = AtomicBool::new(false);
        let mut own = Worker::new(plan.clone(), registry.clone(), cutoffs.clone());
        std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads)
                .map(|_| {
                    let (job_rx, res_tx) = (job_rx.clone(), res_tx.clone());
                    let (plan, registry, stop) = (plan.clone(), registry.clone(), &stop);
                    let cutoffs = cutoffs.clone();
                    scope.spawn(move || {
                        let mut worker = Worker::new(plan, registry, cutoffs);
                        for job in job_rx {
                            let r = worker.process(job);
                            if r.fatal.is_some() {
                                stop.store(true, Ordering::Relaxed);
                            }
                            if res_tx.send(r).is_err() {
                                break;
                            }
                        }
                        worker
                    })
                })
                .collect();
            drop(job_rx);
            drop(res_tx);
            let reading = dispatch(sources, opts, &mut collector, &progress, |job| {
                if stop.load(Ordering::Relaxed) {
                    return (Vec::new(), true);
                }
                let mut ready: Vec<ChunkResult> = res_rx.try_iter().collect();
                match job_tx.try_send(job) {
                    Ok(()) => (ready, false),
                    Err(crossbeam_channel::TrySendError::Full(job)) => {
                        let r = own.process(job);
                        let fatal = r.fatal.is_some();
                        ready.push(r);
                        (ready, fatal)
                    }
                    Err(crossbeam_channel::TrySendError::Disconnected(_)) => (ready, true),
                }
            });
            drop(job_tx);
            for r in res_rx.iter() {
                collector.add(r);
            }
            collector.finish_reading(reading);
            collector.workers.push(own);
            for h in handles {
                match h.join() {
                    Ok(worker) => collector.workers.push(worker),
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
/// Returns the error that stopped reading, with the sequence number it happened at.
fn dispatch<F>(
    sources: &[Source],
    opts: &ReadOptions,
    collector: &mut Collector,
    progress: &crate::progress::Progress,
    mut send: F,
) -> Option<(u64, anyhow::Error)>
where
    F: FnMut(Job) -> (Vec<ChunkResult>, bool),
{
    let mut seq = 0u64;
    for (file_index, source) in sources.iter().enumerate() {
        let table = match open_table(source, opts) {
            Ok(t) => t,
            Err(e) => return Some((seq, e)),
        };
        let Some(mut table) = table else {
            collector.files.push((source.name.clone(), Vec::new()));
            collector.warn(Problem::warning(
                &source.name,
                1,
                "file",
                "the file is empty",
            ));
            continue;
        };
        let columns = match HeaderMap::build(&table.header, LEDGER_COLUMNS) {
            Ok(c) => c,
            Err(e) => return Some((seq, anyhow!("{}:1: {e}", source.name))),
        };
        collector
            .files
            .push((source.name.clone(), table.header.clone()));
        if !columns.unknown.is_empty() {
            // One warning per file, however many columns: a file may have thousands.
            let shown: Vec<String> = columns
                .unknown
                .iter()
                .take(10)
                .map(|n| format!("{n:?}"))
                .collect();
            let more = columns.unknown.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            collector.warn(Problem::warning(
                &source.name,
                1,
                "header",
                format!(
                    "columns not recognised, ignored: {}{tail}",
                    shown.join(", ")
                ),
            ));
        }
        collector
            .amount_columns
            .insert(file_index, columns.name(Col::Amount, "amount"));
        let layout = Arc::new(Layout::new(
            source.name.clone(),
            file_index,
            columns,
            opts.number_format,
        ));
        loop {
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
    }
    None
}

/// Gathers chunk results and worker states into one [`Read`].
struct Collector {
    tally: Tally,
    problems: Listed<Problem>,
    warnings: Listed<Problem>,
    rejects: Listed<Rejected>,
    evidence: BTreeMap<usize, [u64; 2]>,
    fatal: Option<(u64, anyhow::Error)>,
    files: Vec<(Arc<str>, Vec<String>)>,
    /// Each file's amount column as written, for messages about the whole file.
    amount_columns: BTreeMap<usize, String>,
    /// Workers are turned into text groups one at a time at the end, so only one thread's
    /// groups exist twice at any moment.
    workers: Vec<Worker>,
    cutoffs: Arc<Cutoffs>,
}

impl Default for Collector {
    fn default() -> Self {
        Collector {
            tally: Tally::default(),
            problems: Listed::new(MAX_LISTED),
            warnings: Listed::new(MAX_LISTED),
            rejects: Listed::new(MAX_LISTED),
            evidence: BTreeMap::new(),
            fatal: None,
            files: Vec::new(),
            amount_columns: BTreeMap::new(),
            workers: Vec::new(),
            cutoffs: Arc::default(),
        }
    }
}

impl Collector {
    /// Where a problem is, for ordering: its file's index and its line.
    fn place(&self, p: &Problem) -> Place {
        let fi = self
            .files
            .iter()
            .position(|(n, _)| *n == p.file)
            .unwrap_or(0xFF_FFFF);
        Place::new(fi, p.line)
    }

    fn warn(&mut self, p: Problem) {
        self.warnings.push(self.place(&p), p);
    }

    fn add(&mut self, r: ChunkResult) {
        self.tally.merge(r.tally);
        for p in r.problems {
            self.problems.push(self.place(&p), p);
        }
        for p in r.warnings {
            self.warnings.push(self.place(&p), p);
        }
        for rej in r.rejects {
            self.rejects.push(Place::new(rej.file_index, rej.line), rej);
        }
        self.problems.skip(r.unlisted[0]);
        self.warnings.skip(r.unlisted[1]);
        self.rejects.skip(r.unlisted[2]);
        Cutoffs::lower(&self.cutoffs.problems, self.problems.limit());
        Cutoffs::lower(&self.cutoffs.warnings, self.warnings.limit());
        Cutoffs::lower(&self.cutoffs.rejects, self.rejects.limit());
        for (fi, ev) in r.evidence {
            let e = self.evidence.entry(fi).or_default();
            e[0] += ev[0];
            e[1] += ev[1];
        }
        if let Some(f) = r.fatal {
            self.set_fatal(f);
        }
    }

    fn set_fatal(&mut self, f: (u64, anyhow::Error)) {
        // The earliest chunk's error wins, so the message does not depend on thread timing.
        if self.fatal.as_ref().is_none_or(|(seq, _)| f.0 < *seq) {
            self.fatal = Some(f);
        }
    }

    fn finish_reading(&mut self, reading: Option<(u64, anyhow::Error)>) {
        if let Some(f) = reading {
            self.set_fatal(f);
        }
    }

    fn finish(mut self, opts: &ReadOptions, plan: &Plan) -> Result<Read> {
        if let Some((_, e)) = self.fatal.take() {
            return Err(e);
        }
        let mut groups = Groups::new(plan.grouping.dims.clone());
        let mut check = CheckData::default();
        let mut pending_sums = Vec::new();
        let mut pending_rows = Listed::new(MAX_LISTED);
        for w in std::mem::take(&mut self.workers) {
            let f = w.finish()?;
            groups.merge(f.groups)?;
            for (k, seen) in f.check.values {
                check
                    .values
                    .entry(k)
                    .and_modify(|s| {
                        s.rows += seen.rows;
                        if (seen.file_index, seen.line) < (s.file_index, s.line) {
                            (s.file_index, s.line) = (seen.file_index, seen.line);
                        }
                    })
                    .or_insert(seen);
            }
            check.fingerprints.extend(f.check.fingerprints);
            pending_sums.extend(f.pending_sums);
            pending_rows.extend(f.pending_rows);
        }
        let mut conventions = BTreeMap::new();
        for (fi, [vi, en]) in std::mem::take(&mut self.evidence) {
            conventions.insert(fi, opts.number_format.or(settle_convention([vi, en])));
            if vi > 0 && en > 0 && opts.number_format.is_none() {
                let file = self.files[fi].0.clone();
                let column = self
                    .amount_columns
                    .get(&fi)
                    .cloned()
                    .unwrap_or_else(|| "amount".into());
                self.warn(Problem::warning(
                    &file,
                    1,
                    column,
                    format!(
                        "numbers are written both ways: {vi} like 1.200.000 or 106,8 (vi), {en} like \
                         1,200,000 or 106.8 (en); each reads only one way, but check the file"
                    ),
                ));
            }
        }
        let convention = |fi: usize| conventions.get(&fi).copied().flatten();
        // Amounts that read two ways: added up the file's way, or rejected row by row.
        let mut unsettled = 0u64;
        for (fi, kept, key, vi, en, n) in pending_sums {
            match (convention(fi), kept) {
                (Some(c), true) => {
                    self.tally.counted += n;
                    let sum = if c == crate::ledger::number::Convention::Vi {
                        vi
                    } else {
                        en
                    };
                    groups.add(key, sum, n)?;
                }
                (Some(_), false) => self.tally.filtered += n,
                (None, _) => {
                    self.tally.rejected += n;
                    unsettled += n;
                }
            }
        }
        let (rows, _) = pending_rows.into_sorted();
        let mut listed = 0u64;
        for p in rows {
            if convention(p.file_index).is_some() {
                continue;
            }
            listed += 1;
            let file = self.files[p.file_index].0.clone();
            let msg = ambiguous_message(&p.text, p.reading);
            if plan.keep_rejects {
                let rejected = Rejected {
                    file_index: p.file_index,
                    line: p.line,
                    fields: p.fields,
                    reason: format!("{}: {msg}", p.column),
                };
                self.rejects
                    .push(Place::new(p.file_index, p.line), rejected);
            }
            let problem = Problem::error(&file, p.line, p.column, msg);
            self.problems
                .push(Place::new(p.file_index, p.line), problem);
        }
        check.fingerprints.sort_unstable();
        let (problems, dropped) = self.problems.into_sorted();
        let (warnings, warnings_unlisted) = self.warnings.into_sorted();
        let (rejects, rejects_dropped) = self.rejects.into_sorted();
        // Unsettled rows beyond what the workers kept were never listed anywhere.
        let never_listed = unsettled.saturating_sub(listed);
        Ok(Read {
            groups,
            tally: self.tally,
            problems,
            problems_unlisted: dropped + never_listed,
            warnings,
            warnings_unlisted,
            rejects,
            rejects_unlisted: rejects_dropped + if plan.keep_rejects { never_listed } else { 0 },
            files: self.files,
            check,
        })
    }
}

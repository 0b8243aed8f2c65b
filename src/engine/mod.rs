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
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
}

/// What `check` needs beyond problems.
#[derive(Debug, Clone, Default)]
pub struct CheckData {
    /// Every text value per dimension (after the model join), with its first place.
    pub values: BTreeMap<(Dim, String), Seen>,
    /// Row fingerprints (the fields as written), with where each row is, sorted.
    pub fingerprints: Vec<(u64, Place)>,
}

/// Everything a read produced.
#[derive(Debug)]
pub struct Read {
    pub groups: Groups,
    pub tally: Tally,
    /// Errors, in file and line order.
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub rejects: Vec<Rejected>,
    /// Each file's name and header, by file index.
    pub files: Vec<(Arc<str>, Vec<String>)>,
    pub check: CheckData,
}

struct Job {
    seq: u64,
    layout: Arc<Layout>,
    delimiter: u8,
    chunk: Chunk,
}

/// A row whose amount reads two ways, waiting for its file's convention.
struct Pending {
    file_index: usize,
    line: u64,
    key: Key,
    kept: bool,
    reading: Reading,
    text: String,
    column: String,
    fields: Vec<String>,
}

#[derive(Default)]
struct ChunkResult {
    tally: Tally,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rejects: Vec<Rejected>,
    evidence: Vec<(usize, [u64; 2])>,
    pending: Vec<Pending>,
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
}

impl Worker {
    fn new(plan: Arc<Plan>, registry: Option<Arc<Registry>>) -> Self {
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
                        for (col, msg) in notes {
                            out.warnings
                                .push(Problem::warning(&layout.file, line, col, msg));
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
                    out.pending.push(Pending {
                        file_index: fi,
                        line,
                        key: self.groups.text_key(&row, &mut self.reader.interner),
                        kept: self.selector.keeps(&row, &self.reader.interner),
                        reading,
                        text,
                        column: layout.name(Col::Amount),
                        fields: if self.plan.keep_rejects {
                            owned(record)
                        } else {
                            Vec::new()
                        },
                    });
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
        for (col, msg) in reasons {
            out.problems
                .push(Problem::error(&layout.file, line, col.clone(), msg.clone()));
        }
        if self.plan.keep_rejects {
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

    fn finish(mut self) -> Result<(Groups, CheckData)> {
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
        Ok((self.groups.into_groups(interner)?, check))
    }
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
    if threads == 1 {
        let mut worker = Worker::new(plan.clone(), registry);
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
        let mut own = Worker::new(plan.clone(), registry.clone());
        std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads)
                .map(|_| {
                    let (job_rx, res_tx) = (job_rx.clone(), res_tx.clone());
                    let (plan, registry, stop) = (plan.clone(), registry.clone(), &stop);
                    scope.spawn(move || {
                        let mut worker = Worker::new(plan, registry);
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
            collector.warnings.push(Problem::warning(
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
            collector.warnings.push(Problem::warning(
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
            .files
            .push((source.name.clone(), table.header.clone()));
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
#[derive(Default)]
struct Collector {
    tally: Tally,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rejects: Vec<Rejected>,
    evidence: BTreeMap<usize, [u64; 2]>,
    pending: Vec<Pending>,
    fatal: Option<(u64, anyhow::Error)>,
    files: Vec<(Arc<str>, Vec<String>)>,
    /// Each file's amount column as written, for messages about the whole file.
    amount_columns: BTreeMap<usize, String>,
    /// Workers are turned into text groups one at a time at the end, so only one thread's
    /// groups exist twice at any moment.
    workers: Vec<Worker>,
}

impl Collector {
    fn add(&mut self, r: ChunkResult) {
        self.tally.merge(r.tally);
        self.problems.extend(r.problems);
        self.warnings.extend(r.warnings);
        self.rejects.extend(r.rejects);
        for (fi, ev) in r.evidence {
            let e = self.evidence.entry(fi).or_default();
            e[0] += ev[0];
            e[1] += ev[1];
        }
        self.pending.extend(r.pending);
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
        for w in std::mem::take(&mut self.workers) {
            let (g, c) = w.finish()?;
            groups.merge(g)?;
            for (k, seen) in c.values {
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
            check.fingerprints.extend(c.fingerprints);
        }
        for (&fi, &[vi, en]) in &self.evidence {
            if vi > 0 && en > 0 && opts.number_format.is_none() {
                let file = &self.files[fi].0;
                let column = self
                    .amount_columns
                    .get(&fi)
                    .cloned()
                    .unwrap_or_else(|| "amount".into());
                self.warnings.push(Problem::warning(
                    file,
                    1,
                    column,
                    format!(
                        "numbers are written both ways: {vi} like 1.200.000 or 106,8 (vi), {en} like \
                         1,200,000 or 106.8 (en); each reads only one way, but check the file"
                    ),
                ));
            }
        }
        for p in std::mem::take(&mut self.pending) {
            let convention = opts.number_format.or_else(|| {
                settle_convention(
                    self.evidence
                        .get(&p.file_index)
                        .copied()
                        .unwrap_or_default(),
                )
            });
            let file = self.files[p.file_index].0.clone();
            match p.reading.settle(convention) {
                Some(value) if p.kept => {
                    self.tally.counted += 1;
                    groups.add(p.key, value, 1)?;
                }
                Some(_) => self.tally.filtered += 1,
                None => {
                    self.tally.rejected += 1;
                    let msg = ambiguous_message(&p.text, p.reading);
                    if plan.keep_rejects {
                        self.rejects.push(Rejected {
                            file_index: p.file_index,
                            line: p.line,
                            fields: p.fields,
                            reason: format!("{}: {msg}", p.column),
                        });
                    }
                    self.problems
                        .push(Problem::error(&file, p.line, p.column, msg));
                }
            }
        }
        let index: FxHashMap<Arc<str>, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.clone(), i))
            .collect();
        let order = |p: &Problem| (index.get(&p.file).copied().unwrap_or(usize::MAX), p.line);
        self.problems.sort_by_key(order);
        self.warnings.sort_by_key(order);
        self.rejects.sort_by_key(|r| (r.file_index, r.line));
        check.fingerprints.sort_unstable();
        Ok(Read {
            groups,
            tally: self.tally,
            problems: self.problems,
            warnings: self.warnings,
            rejects: self.rejects,
            files: self.files,
            check,
        })
    }
}

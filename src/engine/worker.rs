//! One worker thread's state: it parses chunks into contributions, adds them up in its own
//! groups, and reports per chunk what it counted, filtered and rejected.

use super::fast_lane::{Fast, FastLane};
use super::listed::Listed;
use super::observe::Observer;
use super::place::{Cutoffs, Place};
use super::sets::Sets;
use super::{Job, MAX_LISTED, Plan, Tally};
use crate::aggregate::{Groups, LocalGroups};
use crate::domain::Key;
use crate::domain::amount::Exact;
use crate::ledger::Col;
use crate::ledger::intern::Interner;
use crate::ledger::number::Reading;
use crate::ledger::record::{Record, for_each_record_ahead};
use crate::ledger::registry::Registry;
use crate::ledger::row::{Layout, Outcome, RowReader};
use crate::ledger::table::ReadOptions;
use crate::problem::{Kind, Problem, Rejected};
use crate::select::Selector;
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// A row waiting for what its file settles at the end (its amount reads two ways, or its date is
/// an Excel serial number): what is needed to name it if it is refused. Its amount is added up
/// in `PendingSums` meanwhile.
pub(super) struct PendingRow {
    pub(super) file_index: usize,
    pub(super) line: u64,
    /// The amount's readings, its text and column, when it reads two ways.
    pub(super) amount: Option<(Reading, String, String)>,
    /// The date's text and column, when it is a serial number.
    pub(super) serial: Option<(String, String)>,
    pub(super) fields: Vec<String>,
}

/// What a pending row waits for, as bits of the `PendingSums` key.
pub(super) const TWO_WAYS: u8 = 1;
pub(super) const SERIAL: u8 = 2;

/// Pending rows' amounts, added up both ways per file, kept-or-filtered, what they wait for and
/// group, so millions of them cost no more memory than their groups.
type PendingSums = FxHashMap<(usize, bool, u8, Box<[u32]>), (Exact, Exact, u64)>;

#[derive(Default)]
pub(super) struct ChunkResult {
    pub(super) tally: Tally,
    pub(super) problems: Vec<Problem>,
    pub(super) warnings: Vec<Problem>,
    pub(super) rejects: Vec<Rejected>,
    pub(super) evidence: Vec<(usize, [u64; 2])>,
    /// Per file, how many rows had a date written as text (serial numbers are dates only in a
    /// file with none).
    pub(super) text_dates: Vec<(usize, u64)>,
    /// Problems, warnings and rejected rows past the cutoffs: counted, not built.
    pub(super) unlisted: [u64; 3],
    pub(super) fatal: Option<(u64, anyhow::Error)>,
    /// The file the chunk is from, for each file's own tally.
    pub(super) file_index: usize,
    /// The chunk's buffer, handed back to the reader for the next chunk: reusing buffers keeps
    /// memory flat however long the input is.
    pub(super) spent: Vec<u8>,
}

/// One thread's state across all the chunks it parses.
pub(super) struct Worker {
    reader: RowReader,
    /// Rows that repeat a proven one skip normalization; `None` once the worker is finished.
    fast: Option<FastLane>,
    groups: LocalGroups,
    /// Other groupings of the same rows, when the read asked for them.
    sets: Option<Sets>,
    selector: Selector,
    plan: Arc<Plan>,
    observer: Option<Box<dyn Observer>>,
    pending_sums: PendingSums,
    pending_rows: Listed<PendingRow>,
    cutoffs: Arc<Cutoffs>,
}

impl Worker {
    pub(super) fn new(
        plan: Arc<Plan>,
        opts: &ReadOptions,
        registry: Option<Arc<Registry>>,
        cutoffs: Arc<Cutoffs>,
        sets: Option<Sets>,
    ) -> Self {
        let observer = plan.observe.as_ref().map(|make| make());
        // With an observer the lane also remembers each proven row's symbols, so the observer
        // is handed the same row the slow path would have made.
        let fast = Some(FastLane::new(
            plan.needs(),
            registry.is_some(),
            &plan.grouping,
            observer.is_some(),
            &plan.apart(registry.is_some()),
            opts.memo_rows,
            plan.sums,
        ));
        Worker {
            fast,
            reader: RowReader::new(registry, plan.needs(), plan.aliases.clone()),
            groups: LocalGroups::new(plan.grouping.clone()),
            sets,
            selector: Selector::new(plan.selection.clone()),
            plan,
            observer,
            pending_sums: PendingSums::default(),
            pending_rows: Listed::new(MAX_LISTED),
            cutoffs,
        }
    }

    pub(super) fn process(&mut self, job: Job) -> ChunkResult {
        let layout = &job.layout;
        let fi = layout.file_index;
        let mut out = ChunkResult {
            file_index: fi,
            ..ChunkResult::default()
        };
        let mut evidence = [0u64; 2];
        // Rows read by the fast lane all have a date written as text; the slow path counts its own.
        let mut slow_rows = 0u64;
        if let Some(fast) = &mut self.fast {
            fast.prepare(layout);
        }
        if let Some(observer) = &mut self.observer {
            observer.chunk(fi, job.chunk.first_line, job.at);
        }
        let (chunk, delimiter) = (&job.chunk, job.delimiter);
        let run = for_each_record_ahead(chunk, delimiter, &layout.file, |record, line, next| {
            if let Some(fast) = &mut self.fast {
                let seen = fast
                    .try_record(record, line, next, layout, &self.selector)
                    .with_context(|| format!("{}:{line}", layout.file))?;
                if fast.flush_due() {
                    fast.flush(&mut self.groups, self.sets.as_mut(), &layout.file)?;
                }
                match seen {
                    Fast::Counted(ev) | Fast::Filtered(ev) => {
                        if let Some(observer) = &mut self.observer
                            && let Some(known) = fast.known()
                        {
                            observer.known(known, Place::new(fi, line), record, layout);
                        }
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
                    Fast::Unknown => {
                        if let Some(observer) = &mut self.observer {
                            fast.hand_back(observer.as_mut());
                        }
                    }
                }
            }
            if let Some((next, _)) = next {
                self.reader.fetch_ahead(next, layout);
            }
            let outcome = self.reader.read(record, layout);
            slow_rows += u64::from(!matches!(outcome, Outcome::Blank));
            match outcome {
                Outcome::Blank => {}
                Outcome::Invalid(reasons) => {
                    out.tally.read += 1;
                    out.tally.rejected += 1;
                    self.reject(&mut out, layout, line, record, reasons);
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
                    // A row with warnings is not learned: the fast lane makes none.
                    let plain = notes.is_empty();
                    if let Some(observer) = &mut self.observer {
                        observer.row(&row, Place::new(fi, line), record, layout);
                        if Place::new(fi, line) > Cutoffs::get(&self.cutoffs.warnings) {
                            out.unlisted[1] += notes.len() as u64;
                        } else {
                            for (col, kind) in notes {
                                out.warnings
                                    .push(Problem::warning(&layout.file, line, col, kind));
                            }
                        }
                    }
                    let text_kept = self.selector.keeps_text(&row, &self.reader.interner);
                    if text_kept && self.selector.keeps_date(row.date) {
                        out.tally.counted += 1;
                        let interner = &mut self.reader.interner;
                        // With grouping sets the fine group's own sum is never read.
                        let slot = match &mut self.sets {
                            // Nothing is added up: the lane learns a group it never adds to.
                            _ if !self.plan.sums => Ok(0),
                            Some(sets) => {
                                let slot = self.groups.slot(&row, interner);
                                sets.add(slot, &self.groups, row.date, row.amount)
                                    .map(|()| slot)
                            }
                            None => self.groups.add(&row, interner),
                        }
                        .with_context(|| format!("{}:{line}", layout.file))?;
                        if let (Some(fast), true) = (&mut self.fast, plain) {
                            fast.learn(Some(slot), &row, record, layout);
                        }
                    } else {
                        out.tally.filtered += 1;
                        if let (Some(fast), false, true) = (&mut self.fast, text_kept, plain) {
                            fast.learn(None, &row, record, layout);
                        }
                    }
                }
                Outcome::Pending {
                    row,
                    evidence: ev,
                    notes,
                    amount: pending_amount,
                    serial,
                } => {
                    out.tally.read += 1;
                    if let Some(c) = ev {
                        evidence[c as usize] += 1;
                    }
                    if let Some(observer) = &mut self.observer {
                        let place = Place::new(fi, line);
                        match &pending_amount {
                            Some((Reading::Ambiguous { vi, en }, _)) => {
                                observer.two_ways(&row, place, record, layout, [*vi, *en])
                            }
                            _ => observer.row(&row, place, record, layout),
                        }
                        if place > Cutoffs::get(&self.cutoffs.warnings) {
                            out.unlisted[1] += notes.len() as u64;
                        } else {
                            for (col, kind) in notes {
                                out.warnings
                                    .push(Problem::warning(&layout.file, line, col, kind));
                            }
                        }
                    }
                    let kept = self.selector.keeps(&row, &self.reader.interner);
                    let (key, n) = self.groups.key(&row, &mut self.reader.interner);
                    let (vi, en) = match pending_amount {
                        Some((Reading::Ambiguous { vi, en }, _)) => (vi, en),
                        _ => (row.amount, row.amount),
                    };
                    let waits = if pending_amount.is_some() {
                        TWO_WAYS
                    } else {
                        0
                    } | if serial.is_some() { SERIAL } else { 0 };
                    // The sets' periods from the date follow the fine key, so the sum lands in
                    // the right month of every set once settled.
                    let key: Box<[u32]> = match &self.sets {
                        None => key[..n].into(),
                        Some(sets) => key[..n]
                            .iter()
                            .copied()
                            .chain(sets.date_codes(row.date))
                            .collect(),
                    };
                    let sums = self.pending_sums.entry((fi, kept, waits, key)).or_default();
                    let at = || format!("{}:{line}", layout.file);
                    sums.0
                        .add(vi)
                        .map_err(anyhow::Error::from)
                        .with_context(at)?;
                    sums.1
                        .add(en)
                        .map_err(anyhow::Error::from)
                        .with_context(at)?;
                    sums.2 += 1;
                    let place = Place::new(fi, line);
                    let wanted = place <= Cutoffs::get(&self.cutoffs.problems)
                        || (self.plan.keep_rejects && place <= Cutoffs::get(&self.cutoffs.rejects));
                    if wanted {
                        self.pending_rows.push(
                            place,
                            PendingRow {
                                file_index: fi,
                                line,
                                amount: pending_amount.map(|(reading, text)| {
                                    (reading, text, layout.name(Col::Amount))
                                }),
                                serial: serial.map(|text| (text, layout.name(Col::Date))),
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
        let run = run.and_then(|()| match &mut self.fast {
            Some(fast) => fast.flush(&mut self.groups, self.sets.as_mut(), &layout.file),
            None => Ok(()),
        });
        if let Err(e) = run {
            out.fatal = Some((job.seq, e));
        }
        out.evidence.push((fi, evidence));
        let text_dates = out.tally.read - slow_rows + self.reader.take_text_dates();
        out.text_dates.push((fi, text_dates));
        out.spent = job.chunk.data;
        out
    }

    fn reject(
        &self,
        out: &mut ChunkResult,
        layout: &Layout,
        line: u64,
        record: &Record<'_>,
        reasons: Vec<(String, Kind)>,
    ) {
        let place = Place::new(layout.file_index, line);
        if place > Cutoffs::get(&self.cutoffs.problems) {
            out.unlisted[0] += reasons.len() as u64;
        } else {
            for (col, kind) in &reasons {
                out.problems.push(Problem::error(
                    &layout.file,
                    line,
                    col.clone(),
                    kind.clone(),
                ));
            }
        }
        if self.plan.keep_rejects && place > Cutoffs::get(&self.cutoffs.rejects) {
            out.unlisted[2] += 1;
        } else if self.plan.keep_rejects {
            out.rejects.push(Rejected {
                file_index: layout.file_index,
                line,
                fields: owned(record),
                reasons,
            });
        }
    }

    pub(super) fn finish(mut self) -> Result<Finished> {
        if let (Some(fast), Some(observer)) = (&mut self.fast, &mut self.observer) {
            fast.hand_back_all(observer.as_mut());
        }
        self.fast = None;
        let interner = &self.reader.interner;
        let observed = self.observer.map(|o| o.finish(interner));
        let pending_sums = self
            .pending_sums
            .iter()
            .map(|((fi, kept, waits, key), &(vi, en, n))| PendingSum {
                file_index: *fi,
                kept: *kept,
                waits: *waits,
                key: self.groups.key_value(key, interner),
                set_keys: self
                    .sets
                    .as_ref()
                    .map(|s| s.keys_of(key, interner))
                    .unwrap_or_default(),
                vi,
                en,
                rows: n,
            })
            .collect();
        let seen = self.selector.seen(interner);
        // With sets, only the sets are wanted: the fine groups (possibly many) stay symbols.
        // Without, the groups stay symbols too, to be merged with other threads' as symbols.
        let (groups, sets) = match self.sets {
            Some(sets) => (None, sets.into_groups(&self.groups, interner)?),
            None => {
                let interner = std::mem::take(&mut self.reader.interner);
                (Some((self.groups, interner)), Vec::new())
            }
        };
        Ok(Finished {
            seen,
            groups,
            sets,
            observed,
            pending_sums,
            pending_rows: self.pending_rows,
        })
    }
}

/// A worker's results, ready to merge: its groups still keyed by symbols of its interner,
/// everything else with text keys.
pub(super) struct Finished {
    /// The groups and the interner their symbols belong to (`None` when the read asked for
    /// sets, which are `sets`).
    pub(super) groups: Option<(LocalGroups, Interner)>,
    /// The grouping sets' groups, when the read asked for sets.
    pub(super) sets: Vec<Groups>,
    pub(super) observed: Option<Box<dyn std::any::Any + Send>>,
    pub(super) pending_sums: Vec<PendingSum>,
    pub(super) pending_rows: Listed<PendingRow>,
    /// What each `--where` filter saw, by filter.
    pub(super) seen: Vec<crate::select::Seen>,
}

/// Rows that wait for their whole file (amounts that read two ways, Excel serial dates) in one
/// file and group, added up both ways.
pub(super) struct PendingSum {
    pub(super) file_index: usize,
    /// Selected (not filtered).
    pub(super) kept: bool,
    /// What the rows wait for (`TWO_WAYS`, `SERIAL`).
    pub(super) waits: u8,
    pub(super) key: Key,
    /// The group in each grouping set, when there are sets.
    pub(super) set_keys: Vec<Key>,
    pub(super) vi: Exact,
    pub(super) en: Exact,
    pub(super) rows: u64,
}

fn owned(record: &Record<'_>) -> Vec<String> {
    record.texts().iter().map(|f| f.to_string()).collect()
}

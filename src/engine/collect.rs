//! Gathering: chunk results and finished workers become one [`Read`], in an order that does
//! not depend on threads, with amounts that read two ways settled by their file's convention.

use super::listed::Listed;
use super::place::{Cutoffs, Place};
use super::worker::{ChunkResult, Worker};
use super::{MAX_LISTED, Plan, Read, Tally};
use crate::aggregate::Groups;
use crate::ledger::number::settle_convention;
use crate::ledger::table::ReadOptions;
use crate::problem::{Kind, Problem, Rejected};
use anyhow::Result;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Gathers chunk results and worker states into one [`Read`].
pub(super) struct Collector {
    pub(super) tally: Tally,
    pub(super) problems: Listed<Problem>,
    pub(super) warnings: Listed<Problem>,
    pub(super) rejects: Listed<Rejected>,
    pub(super) evidence: BTreeMap<usize, [u64; 2]>,
    pub(super) fatal: Option<(u64, anyhow::Error)>,
    pub(super) files: Vec<(Arc<str>, Vec<String>)>,
    /// Each file's amount column as written, for messages about the whole file.
    pub(super) amount_columns: BTreeMap<usize, String>,
    /// Workers are turned into text groups one at a time at the end, so only one thread's
    /// groups exist twice at any moment.
    pub(super) workers: Vec<Worker>,
    pub(super) cutoffs: Arc<Cutoffs>,
    /// Each file's own tally, by file index.
    pub(super) file_tallies: BTreeMap<usize, Tally>,
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
            file_tallies: BTreeMap::new(),
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

    pub(super) fn warn(&mut self, p: Problem) {
        self.warnings.push(self.place(&p), p);
    }

    pub(super) fn add(&mut self, r: ChunkResult) {
        self.tally.merge(r.tally);
        self.file_tallies
            .entry(r.file_index)
            .or_default()
            .merge(r.tally);
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

    pub(super) fn set_fatal(&mut self, f: (u64, anyhow::Error)) {
        // The earliest chunk's error wins, so the message does not depend on thread timing.
        if self.fatal.as_ref().is_none_or(|(seq, _)| f.0 < *seq) {
            self.fatal = Some(f);
        }
    }

    pub(super) fn finish_reading(&mut self, reading: Option<(u64, anyhow::Error)>) {
        if let Some(f) = reading {
            self.set_fatal(f);
        }
    }

    pub(super) fn finish(mut self, opts: &ReadOptions, plan: &Plan) -> Result<Read> {
        if let Some((_, e)) = self.fatal.take() {
            return Err(e);
        }
        let mut groups = Groups::new(plan.grouping.dims.clone());
        let mut sets: Vec<Groups> = Vec::new();
        let mut observed = Vec::new();
        let mut pending_sums = Vec::new();
        let mut pending_rows = Listed::new(MAX_LISTED);
        for w in std::mem::take(&mut self.workers) {
            let f = w.finish()?;
            groups.merge(f.groups)?;
            if sets.is_empty() {
                sets = f.sets;
            } else {
                for (all, one) in sets.iter_mut().zip(f.sets) {
                    all.merge(one)?;
                }
            }
            observed.extend(f.observed);
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
                    Kind::MixedConventions { vi, en },
                ));
            }
        }
        let convention = |fi: usize| conventions.get(&fi).copied().flatten();
        // Amounts that read two ways: added up the file's way, or rejected row by row.
        let mut unsettled = 0u64;
        for p in pending_sums {
            let n = p.rows;
            let file = self.file_tallies.entry(p.file_index).or_default();
            match (convention(p.file_index), p.kept) {
                (Some(c), true) => {
                    self.tally.counted += n;
                    file.counted += n;
                    let sum = if c == crate::ledger::number::Convention::Vi {
                        p.vi
                    } else {
                        p.en
                    };
                    if p.set_keys.is_empty() {
                        groups.add(p.key, sum, n)?;
                    }
                    for (set, key) in sets.iter_mut().zip(p.set_keys) {
                        set.add(key, sum, n)?;
                    }
                }
                (Some(_), false) => {
                    self.tally.filtered += n;
                    file.filtered += n;
                }
                (None, _) => {
                    self.tally.rejected += n;
                    file.rejected += n;
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
            let kind = Kind::TwoWays {
                text: p.text,
                reading: p.reading,
            };
            if plan.keep_rejects {
                let rejected = Rejected {
                    file_index: p.file_index,
                    line: p.line,
                    fields: p.fields,
                    reasons: vec![(p.column.clone(), kind.clone())],
                };
                self.rejects
                    .push(Place::new(p.file_index, p.line), rejected);
            }
            let problem = Problem::error(&file, p.line, p.column, kind);
            self.problems
                .push(Place::new(p.file_index, p.line), problem);
        }
        let (problems, dropped) = self.problems.into_sorted();
        let (warnings, warnings_unlisted) = self.warnings.into_sorted();
        let (rejects, rejects_dropped) = self.rejects.into_sorted();
        // Unsettled rows beyond what the workers kept were never listed anywhere.
        let never_listed = unsettled.saturating_sub(listed);
        let file_tallies = (0..self.files.len())
            .map(|fi| self.file_tallies.get(&fi).copied().unwrap_or_default())
            .collect();
        Ok(Read {
            groups,
            sets,
            tally: self.tally,
            file_tallies,
            problems,
            problems_unlisted: dropped + never_listed,
            warnings,
            warnings_unlisted,
            rejects,
            rejects_unlisted: rejects_dropped + if plan.keep_rejects { never_listed } else { 0 },
            files: self.files,
            observed,
        })
    }
}

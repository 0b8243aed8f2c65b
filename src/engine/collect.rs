//! Gathering: chunk results and finished workers become one [`Read`], in an order that does
//! not depend on threads, with amounts that read two ways settled by their file's convention.

use super::listed::Listed;
use super::place::{Cutoffs, Place};
use super::worker::{ChunkResult, Finished, SERIAL, TWO_WAYS};
use super::{MAX_LISTED, Plan, Read, Tally};
use crate::aggregate::{Groups, LocalGroups};
use crate::ledger::intern::Interner;
use crate::ledger::number::settle_convention;
use crate::ledger::table::ReadOptions;
use crate::problem::{Kind, Problem, Rejected};
use crate::select::Seen;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Gathers chunk results and worker states into one [`Read`].
pub(super) struct Collector {
    pub(super) tally: Tally,
    pub(super) problems: Listed<Problem>,
    pub(super) warnings: Listed<Problem>,
    pub(super) rejects: Listed<Rejected>,
    pub(super) evidence: BTreeMap<usize, [u64; 2]>,
    /// Per file, rows with a date written as text: Excel serial numbers are dates only in a
    /// file with none.
    pub(super) text_dates: BTreeMap<usize, u64>,
    /// Each file's date column as written, for messages about the whole file.
    pub(super) date_columns: BTreeMap<usize, String>,
    pub(super) fatal: Option<(u64, anyhow::Error)>,
    pub(super) files: Vec<(Arc<str>, Vec<String>)>,
    /// Each file's amount column as written, for messages about the whole file.
    pub(super) amount_columns: BTreeMap<usize, String>,
    /// Each file's header line, where messages about the whole file point.
    pub(super) header_lines: BTreeMap<usize, u64>,
    /// Files separated by `;`: Excel writes `;` exactly where the decimal mark is a comma, so
    /// that is one more piece of evidence of the Vietnamese convention.
    pub(super) semicolon: BTreeSet<usize>,
    /// Each worker's results, finished on its own thread when its reading ended, in the order
    /// the workers were started.
    pub(super) finished: Vec<Result<Finished>>,
    pub(super) cutoffs: Arc<Cutoffs>,
    /// Each file's own tally, by file index.
    pub(super) file_tallies: BTreeMap<usize, Tally>,
    /// Each file's SHA-256 when asked for and read whole, by file index.
    pub(super) sha256: BTreeMap<usize, String>,
}

impl Default for Collector {
    fn default() -> Self {
        Collector {
            tally: Tally::default(),
            problems: Listed::new(MAX_LISTED),
            warnings: Listed::new(MAX_LISTED),
            rejects: Listed::new(MAX_LISTED),
            evidence: BTreeMap::new(),
            text_dates: BTreeMap::new(),
            date_columns: BTreeMap::new(),
            fatal: None,
            files: Vec::new(),
            amount_columns: BTreeMap::new(),
            header_lines: BTreeMap::new(),
            semicolon: BTreeSet::new(),
            finished: Vec::new(),
            cutoffs: Arc::default(),
            file_tallies: BTreeMap::new(),
            sha256: BTreeMap::new(),
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
        for (fi, n) in r.text_dates {
            *self.text_dates.entry(fi).or_default() += n;
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
        let mut symbols: Option<(LocalGroups, Interner)> = None;
        // Each thread's groups as they are, when the plan keeps symbols.
        let mut parts: Vec<(LocalGroups, Interner)> = Vec::new();
        let mut sets: Vec<Groups> = Vec::new();
        let mut observed = Vec::new();
        let mut pending_sums = Vec::new();
        let mut pending_rows = Listed::new(MAX_LISTED);
        let mut seen: Vec<Seen> = vec![Seen::default(); plan.selection.filters.len()];
        for f in std::mem::take(&mut self.finished) {
            let f = f?;
            for (all, one) in seen.iter_mut().zip(f.seen) {
                all.merge(one);
            }
            match (&mut symbols, f.groups) {
                (_, Some(one)) if plan.symbols => parts.push(one),
                (Some((all, mine)), Some((one, theirs))) => all.absorb(one, &theirs, mine)?,
                (None, one) => symbols = one,
                (Some(_), None) => {}
            }
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
        // Text keys are made once, for all threads' groups together, unless the plan keeps
        // symbols.
        let groups = match symbols {
            Some((all, interner)) => all.into_groups(&interner)?,
            None => Groups::new(plan.grouping.dims.clone()),
        };
        let mut groups = (!plan.symbols).then_some(groups);
        if plan.symbols && parts.is_empty() {
            parts.push((LocalGroups::new(plan.grouping.clone()), Interner::default()));
        }
        let mut conventions = BTreeMap::new();
        for (fi, [vi, en]) in std::mem::take(&mut self.evidence) {
            let semicolon = u64::from(self.semicolon.contains(&fi));
            let settled = settle_convention([vi + semicolon, en]);
            conventions.insert(fi, opts.number_format.or(settled));
            if vi > 0 && en > 0 && opts.number_format.is_none() {
                let file = self.files[fi].0.clone();
                let column = self
                    .amount_columns
                    .get(&fi)
                    .cloned()
                    .unwrap_or_else(|| "amount".into());
                let line = self.header_lines.get(&fi).copied().unwrap_or(1);
                self.warn(Problem::warning(
                    &file,
                    line,
                    column,
                    Kind::MixedConventions { vi, en },
                ));
            }
        }
        let convention = |fi: usize| conventions.get(&fi).copied().flatten();
        // Excel serial numbers are dates in a file where no row writes a date as text.
        let text_dates = std::mem::take(&mut self.text_dates);
        let serials_refused = |fi: usize| text_dates.get(&fi).is_some_and(|&n| n > 0);
        // Pending rows: added up the file's way, or rejected row by row.
        let mut refused = 0u64;
        let mut serial_rows: BTreeMap<usize, u64> = BTreeMap::new();
        for p in pending_sums {
            let (fi, n) = (p.file_index, p.rows);
            let serial = p.waits & SERIAL != 0;
            let two_ways = p.waits & TWO_WAYS != 0;
            if serial {
                *serial_rows.entry(fi).or_default() += n;
            }
            let file = self.file_tallies.entry(fi).or_default();
            if (serial && serials_refused(fi)) || (two_ways && convention(fi).is_none()) {
                self.tally.rejected += n;
                file.rejected += n;
                refused += n;
            } else if p.kept {
                self.tally.counted += n;
                file.counted += n;
                let sum = match convention(fi) {
                    Some(crate::ledger::number::Convention::En) => p.en,
                    _ => p.vi,
                };
                match (&mut groups, parts.first_mut()) {
                    _ if !p.set_keys.is_empty() => {}
                    (Some(groups), _) => groups.add_exact(p.key, &sum, n)?,
                    (None, Some((all, interner))) => all.add_key(&p.key, &sum, n, interner)?,
                    (None, None) => {}
                }
                for (set, key) in sets.iter_mut().zip(p.set_keys) {
                    set.add_exact(key, &sum, n)?;
                }
            } else {
                self.tally.filtered += n;
                file.filtered += n;
            }
        }
        // Every group is in: the lookup tables of groups kept as symbols are freed.
        for (groups, interner) in &mut parts {
            groups.seal();
            interner.seal();
        }
        let (rows, _) = pending_rows.into_sorted();
        let mut listed = 0u64;
        let mut example: BTreeMap<usize, (u64, String)> = BTreeMap::new();
        for p in rows {
            let fi = p.file_index;
            let mut reasons = Vec::new();
            if let Some((text, column)) = p.serial {
                match crate::ledger::date::excel_serial(&text) {
                    Some(date) if serials_refused(fi) => {
                        reasons.push((column, Kind::SerialAmongDates { text, date }))
                    }
                    _ => {
                        example.entry(fi).or_insert((p.line, text));
                    }
                }
            }
            if let Some((reading, text, column)) = p.amount
                && convention(fi).is_none()
            {
                reasons.push((column, Kind::TwoWays { text, reading }));
            }
            if reasons.is_empty() {
                continue;
            }
            listed += 1;
            let file = self.files[fi].0.clone();
            for (column, kind) in &reasons {
                let problem = Problem::error(&file, p.line, column.clone(), kind.clone());
                self.problems.push(Place::new(fi, p.line), problem);
            }
            if plan.keep_rejects {
                let rejected = Rejected {
                    file_index: fi,
                    line: p.line,
                    fields: p.fields,
                    reasons,
                };
                self.rejects.push(Place::new(fi, p.line), rejected);
            }
        }
        // A file read as serial numbers says so once, with the first of them as an example.
        for (fi, rows) in serial_rows {
            if serials_refused(fi) {
                continue;
            }
            let Some((_, text)) = example.remove(&fi) else {
                continue;
            };
            let Some(date) = crate::ledger::date::excel_serial(&text) else {
                continue;
            };
            let file = self.files[fi].0.clone();
            let column = (self.date_columns.get(&fi).cloned()).unwrap_or_else(|| "date".into());
            let line = self.header_lines.get(&fi).copied().unwrap_or(1);
            self.warn(Problem::warning(
                &file,
                line,
                column,
                Kind::SerialDates {
                    rows,
                    example: text,
                    date,
                },
            ));
        }
        let (problems, dropped) = self.problems.into_sorted();
        let (warnings, warnings_unlisted) = self.warnings.into_sorted();
        let (rejects, rejects_dropped) = self.rejects.into_sorted();
        // Refused rows beyond what the workers kept were never listed anywhere.
        let never_listed = refused.saturating_sub(listed);
        let file_tallies = (0..self.files.len())
            .map(|fi| self.file_tallies.get(&fi).copied().unwrap_or_default())
            .collect();
        let sha256 = (0..self.files.len())
            .map(|fi| self.sha256.remove(&fi))
            .collect();
        Ok(Read {
            groups: groups.unwrap_or_else(|| Groups::new(plan.grouping.dims.clone())),
            symbols: plan.symbols.then_some(parts),
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
            conventions,
            seen,
            sha256,
        })
    }
}

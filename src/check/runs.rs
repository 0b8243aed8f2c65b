//! Runs of rows with no unit (or area) between rows that have one, file by file: what cells
//! merged in Excel leave in a CSV (the value on the first row of the merge only). A run at the
//! top or the bottom of a file is not one: a unit with no area (a town-wide union) often comes
//! last, and only rows with a value on both sides look like a merge.
//!
//! They are found stretch by stretch: each
//! reading thread's chunk of a file is scanned on its own ([`Stretch`]), on as many threads as
//! read, and the stretches are then joined in file and line order ([`join`]), a few values per
//! chunk instead of a walk over every row on one thread. The result is what one walk over every
//! row in place order finds (the test holds it to that walk).

use super::{EmptyRun, NO_AREA, NO_UNIT};
use crate::ledger::Col;

/// The two columns looked at, each with its flag in a row's key.
const LOOKED_AT: [(u64, Col); 2] = [(NO_UNIT, Col::Unit), (NO_AREA, Col::Area)];

/// Neighbouring rows with no value in one column: the first's line, how many, the last's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gap {
    first: u64,
    rows: u64,
    last: u64,
}

impl Gap {
    fn at(line: u64) -> Gap {
        Gap {
            first: line,
            rows: 1,
            last: line,
        }
    }

    /// This gap, then `later` right after it.
    fn then(self, later: Gap) -> Gap {
        Gap {
            first: self.first,
            rows: self.rows + later.rows,
            last: later.last,
        }
    }
}

/// `a` then `b`, either of which may be none.
fn join_gaps(a: Option<Gap>, b: Option<Gap>) -> Option<Gap> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.then(b)),
        (a, b) => a.or(b),
    }
}

/// One column, over a stretch of rows.
#[derive(Debug, Clone, Copy, Default)]
struct Column {
    /// The rows with no value before the first that has one (every row, when none has).
    head: Option<Gap>,
    /// The lines of the first and the last row with a value.
    first: Option<u64>,
    last: u64,
    /// The rows with no value after the last that has one.
    tail: Option<Gap>,
}

/// The rows of one chunk of a file, in line order, as far as runs of empty cells go: the runs
/// wholly inside it, and what its two ends leave open to the chunks around it.
#[derive(Debug, Clone)]
pub struct Stretch {
    file: usize,
    columns: [Column; 2],
    /// Runs with a row with a value on both sides, both in this stretch.
    runs: Vec<EmptyRun>,
    /// Whether a row with both values would change more than each column's `last`: a column
    /// has had no value yet, or has rows with none since its last. Nearly every row has both,
    /// and then only the lines are written.
    open: bool,
}

impl Stretch {
    pub fn new(file: usize) -> Stretch {
        Stretch {
            file,
            columns: [Column::default(); 2],
            runs: Vec::new(),
            open: true,
        }
    }

    /// The next row: its flags (the low bits of its key) and its line.
    #[inline]
    pub fn row(&mut self, flags: u64, line: u64) {
        if flags & (NO_UNIT | NO_AREA) == 0 && !self.open {
            self.columns[0].last = line;
            self.columns[1].last = line;
            return;
        }
        self.any_row(flags, line);
    }

    fn any_row(&mut self, flags: u64, line: u64) {
        for (column, &(flag, col)) in self.columns.iter_mut().zip(&LOOKED_AT) {
            if flags & flag == 0 {
                if let Some(gap) = column.tail.take() {
                    self.runs.push(run(col, self.file, column.last, gap, line));
                }
                column.first.get_or_insert(line);
                column.last = line;
            } else if column.first.is_none() {
                column.head = join_gaps(column.head, Some(Gap::at(line)));
            } else {
                column.tail = join_gaps(column.tail, Some(Gap::at(line)));
            }
        }
        self.open = self
            .columns
            .iter()
            .any(|c| c.first.is_none() || c.tail.is_some());
    }
}

fn run(column: Col, file: usize, before: u64, gap: Gap, after: u64) -> EmptyRun {
    EmptyRun {
        column,
        file,
        first: gap.first,
        last: gap.last,
        rows: gap.rows,
        before,
        after,
    }
}

/// Every run of the stretches, which must be in file and line order (each its chunk's rows,
/// chunks not overlapping), ordered by file, first line and column.
pub fn join(stretches: impl IntoIterator<Item = Stretch>) -> Vec<EmptyRun> {
    let mut out = Vec::new();
    let mut file = usize::MAX;
    // Per column: the line of the last row with a value so far in this file, and the rows with
    // none since.
    let mut open: [Option<(u64, Option<Gap>)>; 2] = [None; 2];
    for stretch in stretches {
        if stretch.file != file {
            (file, open) = (stretch.file, [None; 2]);
        }
        for ((open, column), &(_, col)) in open.iter_mut().zip(&stretch.columns).zip(&LOOKED_AT) {
            match (column.first, open.as_mut()) {
                // No value in the whole stretch: its rows lengthen the open run, if one is open.
                (None, Some((_, gap))) => *gap = join_gaps(*gap, column.head),
                (None, None) => {}
                (Some(first), _) => {
                    if let Some((before, gap)) = *open
                        && let Some(gap) = join_gaps(gap, column.head)
                    {
                        out.push(run(col, file, before, gap, first));
                    }
                    *open = Some((column.last, column.tail));
                }
            }
        }
        out.extend(stretch.runs);
    }
    out.sort_by_key(|r| (r.file, r.first, r.column as u8));
    out
}

#[cfg(test)]
/// The runs of one walk over every row in place order: what [`join`] must find. Made apart from
/// the code it checks: its own counts, its own runs.
pub(super) fn walked(rows: &[(usize, u64, u64)]) -> Vec<EmptyRun> {
    let mut out = Vec::new();
    let mut file = usize::MAX;
    // Per column: the last row with a value, and the rows without one since (first, how
    // many, last).
    let mut before: [Option<u64>; 2] = [None; 2];
    let mut gap: [Option<(u64, u64, u64)>; 2] = [None; 2];
    for &(fi, line, flags) in rows {
        if fi != file {
            (file, before, gap) = (fi, [None; 2], [None; 2]);
        }
        for (k, (flag, column)) in [(1, Col::Unit), (2, Col::Area)].into_iter().enumerate() {
            if flags & flag == 0 {
                if let (Some(before), Some((first, rows, last))) = (before[k], gap[k].take()) {
                    out.push(EmptyRun {
                        column,
                        file: fi,
                        first,
                        last,
                        rows,
                        before,
                        after: line,
                    });
                }
                before[k] = Some(line);
            } else if before[k].is_some() {
                gap[k] = Some(match gap[k] {
                    None => (line, 1, line),
                    Some((first, rows, _)) => (first, rows + 1, line),
                });
            }
        }
    }
    out.sort_by_key(|r| (r.file, r.first, r.column as u8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Rows of a few files, mostly with both values, cut into stretches anywhere (one row,
        /// all empty, a file's first or last): the runs joined are those of one walk.
        #[test]
        fn stretches_joined_are_one_walk(
            files in prop::collection::vec(
                prop::collection::vec((0u64..6, 1u64..3, any::<bool>()), 0..60), 1..4),
        ) {
            let mut rows = Vec::new();
            let mut stretches = Vec::new();
            for (fi, file) in files.iter().enumerate() {
                let mut line = 1;
                let mut stretch: Option<Stretch> = None;
                for &(flags, step, cut) in file {
                    line += step;
                    // Flags 0 most often (rows with both values), else no unit, no area or
                    // neither.
                    let flags = if flags > 3 { 0 } else { flags };
                    if cut || stretch.is_none() {
                        stretches.extend(stretch.take());
                        stretch = Some(Stretch::new(fi));
                    }
                    if let Some(s) = stretch.as_mut() {
                        s.row(flags, line);
                    }
                    rows.push((fi, line, flags));
                }
                stretches.extend(stretch);
            }
            prop_assert_eq!(join(stretches), walked(&rows));
        }
    }
}

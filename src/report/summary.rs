//! The `summary` report: totals per group, one amount column per measure or per value of a
//! pivoted dimension, sorted, cut to the top N (the rest added up in one "others" line), with
//! shares of the grand total when asked. Every number any format shows is computed here, as a
//! [`Table`]; nothing here knows how it will look.

use super::table::{Across, Cell, Head, Kind, Line, Table};
use crate::aggregate::Groups;
use crate::domain::amount::Exact;
use crate::domain::measure::measure_rank;
use crate::domain::order::{TextOrder, cmp_values, label_order};
use crate::domain::{Dim, Value};
use crate::problem::{self, Whose};
use anyhow::Result;
use rust_decimal::Decimal;
use smallvec::SmallVec;
use std::collections::BTreeMap;

/// How lines are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// By label, in the order of text keys given to [`summarize`].
    Key,
    /// By total, largest first (ties by label).
    Total,
}

/// What the summary shows and in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySpec {
    /// Label dimensions, in order.
    pub by: Vec<Dim>,
    /// Pivot this dimension into columns (for `measure` alone when it is not `measure`).
    pub columns: Option<Dim>,
    /// The measure a pivot shows and a sort by total ranks by.
    pub measure: String,
    pub sort: SortBy,
    pub top: Option<usize>,
    pub percent: bool,
}

/// The summary: its table, and the rows of other measures a pivot leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub table: Table,
    /// Rows of measures other than a pivot's, not in the table: (measure, rows), canonical
    /// measures first.
    pub left_out: Vec<(String, u64)>,
}

/// One line while it is added up: per amount column its exact total and rows, and the line's
/// rows. Lines, others and the grand total are added up exactly like the groups, and only
/// turned into decimals, once, when the cells are made.
///
/// Only the columns a line has are kept, in column order: a summary of millions of groups is
/// mostly lines of one group in one column, and a full row of exact sums (80 bytes a column)
/// for each would be most of the run's memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Acc {
    /// (column, total, rows), by column. One column is held in place: most lines have one,
    /// and a heap allocation for it would cost as much again.
    cells: SmallVec<[(u32, Exact, u64); 1]>,
    rows: u64,
    /// The sum across columns, for pivots (boxed: most summaries are not pivots, and every
    /// line would carry its room).
    total: Option<Box<Exact>>,
}

impl Acc {
    /// The total and rows of `column`, if the line has any.
    pub(crate) fn cell(&self, column: usize) -> Option<(Exact, u64)> {
        let at = (self.cells)
            .binary_search_by_key(&column, |c| c.0 as usize)
            .ok()?;
        let (_, total, rows) = self.cells[at];
        Some((total, rows))
    }

    pub(crate) fn add(&mut self, column: usize, total: &Exact, rows: u64) -> Result<()> {
        let at = match self.cells.binary_search_by_key(&column, |c| c.0 as usize) {
            Ok(at) => at,
            Err(at) => {
                // Columns are heads of a table: a few, never 2^32.
                self.cells.insert(at, (column as u32, Exact::ZERO, 0));
                at
            }
        };
        let cell = &mut self.cells[at];
        cell.1.add_exact(total)?;
        cell.2 += rows;
        self.rows += rows;
        Ok(())
    }

    pub(crate) fn add_line(&mut self, other: &Acc) -> Result<()> {
        for (c, total, rows) in &other.cells {
            self.add(*c as usize, total, *rows)?;
        }
        Ok(())
    }

    fn close(&mut self, pivot: bool) -> Result<()> {
        if pivot {
            let mut sum = Exact::ZERO;
            for (_, total, _) in &self.cells {
                sum.add_exact(total)?;
            }
            self.total = Some(Box::new(sum));
        }
        Ok(())
    }
}

/// Builds the summary from grouped totals, which it consumes (labels move into the table
/// rather than being copied: a summary may have millions of groups). `groups.dims` must hold
/// `spec.by` and the pivoted dimension (if any, and not `measure`). Text labels are ordered by
/// `order`.
pub fn summarize(groups: Groups, spec: &SummarySpec, order: &dyn TextOrder) -> Result<Summary> {
    let position = |d: Dim| groups.dims.iter().position(|&g| g == d);
    let label_at: Vec<usize> = spec.by.iter().filter_map(|&d| position(d)).collect();
    // Each group lands in one line (its label) and one column: its measure, or its value of the
    // pivoted dimension when it is in the pivot's measure (other measures are left out).
    let pivot = match spec.columns {
        None | Some(Dim::Measure) => None,
        Some(dim) => Some((dim, position(dim).unwrap_or(0))),
    };
    // One head per distinct column, then ordered: a few heads, however many groups.
    let mut heads: Vec<Value> = match pivot {
        None => (groups.map.keys().map(|k| k.measure.as_str()))
            .collect::<std::collections::BTreeSet<&str>>()
            .into_iter()
            .map(|m| Value::Text(m.to_string()))
            .collect(),
        Some((_, p)) => (groups.map.keys())
            .filter(|k| k.measure == spec.measure)
            .map(|k| &k.values[p])
            .collect::<std::collections::BTreeSet<&Value>>()
            .into_iter()
            .cloned()
            .collect(),
    };
    let across = match pivot {
        None => {
            heads.sort_by_cached_key(|h| {
                let name = h.to_string();
                let (rank, _) = measure_rank(&name);
                (rank, name)
            });
            Across::Measures
        }
        Some((dim, _)) => {
            heads.sort_by(|a, b| cmp_values(order, a, b));
            Across::Values {
                dim,
                measure: spec.measure.clone(),
            }
        }
    };
    let index: BTreeMap<&Value, usize> = heads.iter().enumerate().map(|(i, v)| (v, i)).collect();
    let measure_index: BTreeMap<&str, usize> = match pivot {
        None => (heads.iter().enumerate())
            .map(|(i, v)| match v {
                Value::Text(m) => (m.as_str(), i),
                _ => ("", i),
            })
            .collect(),
        Some(_) => BTreeMap::new(),
    };

    let mut total = Acc::default();
    let mut left_out: BTreeMap<String, u64> = BTreeMap::new();
    // Keys are ordered by their values, then measure: when the label is every value in order
    // (no pivot, no dimension dropped), one line's groups come one after another and lines come
    // out in label order, so they are built in one pass. Otherwise they are gathered in a map.
    let whole_key = pivot.is_none() && label_at.iter().copied().eq(0..groups.dims.len());
    let mut lines: Vec<(Vec<Value>, Acc)> = Vec::new();
    let mut gathered: BTreeMap<Vec<Value>, Acc> = BTreeMap::new();
    for (key, acc) in groups.map {
        let c = match pivot {
            None => measure_index.get(key.measure.as_str()).copied(),
            Some((_, p)) if key.measure == spec.measure => index.get(&key.values[p]).copied(),
            Some(_) => {
                *left_out.entry(key.measure).or_default() += acc.count;
                continue;
            }
        };
        let Some(c) = c else {
            continue;
        };
        total.add(c, &acc.total, acc.count)?;
        if whole_key {
            match lines.last_mut() {
                Some((label, line)) if *label == key.values => {
                    line.add(c, &acc.total, acc.count)?
                }
                _ => {
                    let mut line = Acc::default();
                    line.add(c, &acc.total, acc.count)?;
                    lines.push((key.values, line));
                }
            }
        } else {
            let label: Vec<Value> = label_at.iter().map(|&i| key.values[i].clone()).collect();
            gathered
                .entry(label)
                .or_default()
                .add(c, &acc.total, acc.count)?;
        }
    }
    if !whole_key {
        lines = gathered.into_iter().collect();
    }
    let is_pivot = pivot.is_some();
    for (_, line) in lines.iter_mut() {
        line.close(is_pivot)?;
    }
    total.close(is_pivot)?;
    let shown = line_order(&lines, spec, &heads, is_pivot, order);
    let (shown, others) = cut(shown, spec.top, is_pivot, |o, i| o.add_line(&lines[i].1))?;
    let mut make = LineMaker::new(spec, heads, across, &total);
    let mut out = Vec::with_capacity(shown.len() + 2);
    // Lines become table lines in order (the first line with a total too long to print is the
    // one named), each taken from where it lies: millions of lines are never moved about to
    // be put in order, and their labels move into the table rather than being copied.
    for &i in &shown {
        let (label, acc) = std::mem::take(&mut lines[i]);
        out.push(make.body(label, &acc)?);
    }
    if let Some((groups, o)) = &others {
        out.push(make.others(*groups, o)?);
    }
    out.push(make.total()?);
    Ok(Summary {
        table: make.table(out),
        left_out: {
            let mut l: Vec<(String, u64)> = left_out.into_iter().collect();
            l.sort_by(|a, b| measure_rank(&a.0).cmp(&measure_rank(&b.0)));
            l
        },
    })
}

/// The lines shown, and the others line of those a cut leaves out: how many and their sums.
pub(crate) type Cut = (Vec<usize>, Option<(usize, Acc)>);

/// `shown` cut to the first `top` lines, the rest added up into the others line (how many
/// lines and their sums); `add` adds a line's sums into an `Acc`.
pub(crate) fn cut(
    mut shown: Vec<usize>,
    top: Option<usize>,
    pivot: bool,
    mut add: impl FnMut(&mut Acc, usize) -> Result<()>,
) -> Result<Cut> {
    let mut others = None;
    if let Some(n) = top
        && shown.len() > n
    {
        let rest = shown.split_off(n);
        let mut o = Acc::default();
        for &i in &rest {
            add(&mut o, i)?;
        }
        o.close(pivot)?;
        others = Some((rest.len(), o));
    }
    Ok((shown, others))
}

/// Makes a summary's table lines from their sums, whichever path added them up: the general
/// one here, or [`crate::report::long`] from the threads' groups, one line at a time.
pub(crate) struct LineMaker {
    by: Vec<Dim>,
    heads: Vec<Value>,
    across: Across,
    columns: Vec<Head>,
    percent: bool,
    /// Each amount column's grand total, for shares.
    grand: Vec<Option<Decimal>>,
    /// The total line, or the error of a total too long to print: given only after every
    /// line's own (the first line with such a total is the one named).
    total: std::result::Result<Line, Option<anyhow::Error>>,
}

impl LineMaker {
    /// The lines of a summary by `spec`, its columns `heads` across `across` (in order), the
    /// grand total `total` (closed, as every line's sums).
    pub(crate) fn new(
        spec: &SummarySpec,
        heads: Vec<Value>,
        across: Across,
        total: &Acc,
    ) -> LineMaker {
        let columns = columns(&heads, &across, spec.percent);
        let printed = Printed {
            heads: &heads,
            across: &across,
        };
        // Every sum becomes the decimal it prints as, lines first so a total too long to print
        // is named by the first line that has one (the grand total's own error waits until
        // then; the shares it would give are never shown when there is an error).
        let grand_line = printed.decimals(total, &|| Whose::Grand);
        let grand: Vec<Option<Decimal>> = match &grand_line {
            Ok(g) => match g.total {
                Some(t) => vec![Some(t); heads.len()],
                None => g.cells.iter().map(|c| c.map(|c| c.0)).collect(),
            },
            Err(_) => vec![None; heads.len()],
        };
        let total = match grand_line {
            Ok(sums) => Ok(Line {
                kind: Kind::Total,
                label: Vec::new(),
                cells: cells(&columns, &sums, &grand),
            }),
            Err(e) => Err(Some(e)),
        };
        LineMaker {
            by: spec.by.clone(),
            heads,
            across,
            columns,
            percent: spec.percent,
            grand,
            total,
        }
    }

    fn printed(&self) -> Printed<'_> {
        Printed {
            heads: &self.heads,
            across: &self.across,
        }
    }

    /// The table line of the group `label` with sums `acc`.
    pub(crate) fn body(&self, label: Vec<Value>, acc: &Acc) -> Result<Line> {
        let whose = || {
            Whose::Line(
                (self.by.iter().zip(&label))
                    .map(|(d, v)| (*d, v.to_string()))
                    .collect(),
            )
        };
        let sums = self.printed().decimals(acc, &whose)?;
        Ok(Line {
            kind: Kind::Body,
            cells: cells(&self.columns, &sums, &self.grand),
            label,
        })
    }

    /// The line of the `groups` lines a top-N cut left out, their sums `acc`.
    pub(crate) fn others(&self, groups: usize, acc: &Acc) -> Result<Line> {
        let sums = self.printed().decimals(acc, &|| Whose::Others(groups))?;
        Ok(Line {
            kind: Kind::Others { groups },
            label: Vec::new(),
            cells: cells(&self.columns, &sums, &self.grand),
        })
    }

    /// The total line (its error is given once).
    pub(crate) fn total(&mut self) -> Result<Line> {
        match &mut self.total {
            Ok(line) => Ok(line.clone()),
            Err(e) => Err(e
                .take()
                .unwrap_or_else(|| anyhow::anyhow!("internal error: a total's error given twice"))),
        }
    }

    /// The table of `lines`, made by these.
    pub(crate) fn table(&self, lines: Vec<Line>) -> Table {
        Table {
            dims: self.by.clone(),
            across: self.across.clone(),
            columns: self.columns.clone(),
            lines,
            shares: self.percent,
            tree: false,
        }
    }
}

/// The indices of `lines` in order: by label, or by the total of the ranked measure (a pivot:
/// the line total), largest first, ties by label. With `--top N` and a sort by total, only the
/// first lines (the N and any tying with the last of them) are in order; the rest follow in
/// any order, to be added up.
fn line_order(
    lines: &[(Vec<Value>, Acc)],
    spec: &SummarySpec,
    heads: &[Value],
    pivot: bool,
    order: &dyn TextOrder,
) -> Vec<usize> {
    match spec.sort {
        SortBy::Key => label_order(order, lines, |l| &l.0),
        SortBy::Total => {
            let rank = heads
                .iter()
                .position(|h| *h == Value::Text(spec.measure.clone()))
                .unwrap_or(0);
            // Lines without the ranked measure have no value, which sorts below every value.
            let value = |acc: &Acc| -> Option<Exact> {
                if pivot {
                    Some(acc.total.as_deref().copied().unwrap_or_default())
                } else {
                    acc.cell(rank).map(|c| c.0)
                }
            };
            // Only the lines a cut shows are put in label order; their labels' order is found
            // through keys, not pair by pair.
            let in_label_order = |idx: Vec<usize>| -> Vec<usize> {
                let labels: Vec<&[Value]> = idx.iter().map(|&i| lines[i].0.as_slice()).collect();
                (label_order(order, &labels, |l| l).into_iter())
                    .map(|k| idx[k])
                    .collect()
            };
            by_total(
                lines.len(),
                |i| value(&lines[i].1),
                spec.top,
                in_label_order,
            )
        }
    }
}

/// The `count` lines by `value`, largest first, ties in label order (`in_label_order` puts any
/// of the lines' indices in it), as a stable sort by total of the lines in label order gives
/// them. With `--top N` only the first N need an order: the N-th largest value is found in
/// linear time, and only the lines at or above it (the N, and any that tie with the last of
/// them) are put in label order and then by value; the others follow in any order, only to be
/// added up, so their labels never need a collation key (most of the cost of millions).
pub(crate) fn by_total<T: Ord + Copy>(
    count: usize,
    value: impl Fn(usize) -> T,
    top: Option<usize>,
    in_label_order: impl FnOnce(Vec<usize>) -> Vec<usize>,
) -> Vec<usize> {
    match top {
        Some(0) => (0..count).collect(),
        Some(n) if n < count => {
            let mut ranked: Vec<T> = (0..count).map(&value).collect();
            let (_, nth, _) = ranked.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
            let bound = *nth;
            drop(ranked);
            let (head, rest): (Vec<usize>, Vec<usize>) =
                (0..count).partition(|&i| value(i) >= bound);
            let mut head = in_label_order(head);
            head.sort_by_key(|&i| std::cmp::Reverse(value(i)));
            head.extend(rest);
            head
        }
        _ => {
            let mut all = in_label_order((0..count).collect());
            all.sort_by_key(|&i| std::cmp::Reverse(value(i)));
            all
        }
    }
}

/// The value columns: per amount column its amount, rows and (when asked) share; then a pivot's
/// line total; then the line's rows.
fn columns(heads: &[Value], across: &Across, percent: bool) -> Vec<Head> {
    let mut columns = Vec::new();
    for head in heads {
        let of = columns.len();
        columns.push(match across {
            Across::Measures => Head::Amount {
                measure: head.to_string(),
                value: None,
            },
            Across::Values { measure, .. } => Head::Amount {
                measure: measure.clone(),
                value: Some(head.clone()),
            },
        });
        columns.push(Head::Count { of });
        if percent {
            columns.push(Head::Share { of });
        }
    }
    if let Across::Values { measure, .. } = across {
        columns.push(Head::Total {
            measure: measure.clone(),
        });
    }
    columns.push(Head::Rows);
    columns
}

/// A line's sums as the decimals its cells print.
struct Decimals {
    cells: Vec<Option<(Decimal, u64)>>,
    rows: u64,
    total: Option<Decimal>,
}

/// What is needed to name a total that cannot be printed.
struct Printed<'a> {
    heads: &'a [Value],
    across: &'a Across,
}

impl Printed<'_> {
    /// `acc`'s exact sums as decimals, or the error naming the first that no decimal holds
    /// exactly: it is never rounded to fit.
    fn decimals(&self, acc: &Acc, whose: &dyn Fn() -> Whose) -> Result<Decimals> {
        let measure = |c: Option<usize>| match (self.across, c) {
            (Across::Measures, Some(c)) => (self.heads[c].to_string(), None),
            (Across::Values { dim, measure }, Some(c)) => {
                (measure.clone(), Some((*dim, self.heads[c].to_string())))
            }
            (Across::Values { measure, .. }, None) => (measure.clone(), None),
            (Across::Measures, None) => (String::new(), None),
        };
        let print = |e: &Exact, c: Option<usize>| -> Result<Decimal> {
            e.to_decimal().ok_or_else(|| {
                let (measure, column) = measure(c);
                anyhow::Error::new(problem::Failure::Data(problem::Kind::TotalTooLong {
                    whose: whose(),
                    measure,
                    column,
                    total: e.to_string(),
                }))
            })
        };
        let mut cells = Vec::with_capacity(self.heads.len());
        for c in 0..self.heads.len() {
            cells.push(match acc.cell(c) {
                Some((e, rows)) => Some((print(&e, Some(c))?, rows)),
                None => None,
            });
        }
        let total = acc.total.as_deref().map(|t| print(t, None)).transpose()?;
        Ok(Decimals {
            cells,
            rows: acc.rows,
            total,
        })
    }
}

/// A line's cells under `columns`; `grand` is each amount column's grand total, for shares.
fn cells(columns: &[Head], acc: &Decimals, grand: &[Option<Decimal>]) -> Vec<Cell> {
    let mut amount_index = Vec::new();
    columns
        .iter()
        .enumerate()
        .map(|(at, head)| match head {
            Head::Amount { .. } => {
                amount_index.push(at);
                acc.cells[amount_index.len() - 1].map_or(Cell::Empty, |c| Cell::Amount(c.0))
            }
            Head::Count { of } => nth(&amount_index, *of)
                .and_then(|i| acc.cells[i])
                .map_or(Cell::Empty, |c| Cell::Count(c.1)),
            Head::Share { of } => nth(&amount_index, *of)
                .and_then(|i| Some((acc.cells[i]?.0, grand[i]?)))
                .and_then(|(part, whole)| share(part, whole))
                .map_or(Cell::Empty, Cell::Percent),
            Head::Total { .. } => acc.total.map_or(Cell::Empty, Cell::Amount),
            Head::Rows => Cell::Count(acc.rows),
            _ => Cell::Empty,
        })
        .collect()
}

/// Which amount column (0, 1, …) sits at column index `at`.
fn nth(amount_index: &[usize], at: usize) -> Option<usize> {
    amount_index.iter().position(|&i| i == at)
}

/// `part` as a percentage of `whole`, rounded half away from zero to two decimals.
fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    //! Building the table from hand-made groups: pivot totals, top-N and the others line,
    //! shares, sorting and the order of text keys, measures left out of a pivot.

    use super::*;
    use crate::domain::order::CodePoints;
    use crate::domain::{Key, Period};
    use std::cmp::Ordering;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    /// Groups by unit and year: (unit, year, measure, total, rows).
    fn groups(rows: &[(&str, i32, &str, i64, u64)]) -> Groups {
        let mut g = Groups::new(vec![Dim::Unit, Dim::Year]);
        for &(unit, year, measure, total, count) in rows {
            let key = Key {
                values: vec![t(unit), Value::Period(Period::Year(year))],
                measure: measure.into(),
            };
            g.add(key, d(total), count).unwrap();
        }
        g
    }

    fn spec(by: &[Dim]) -> SummarySpec {
        SummarySpec {
            by: by.to_vec(),
            columns: None,
            measure: "VND".into(),
            sort: SortBy::Key,
            top: None,
            percent: false,
        }
    }

    /// A line as (label, cells) in a compact form for comparison.
    fn lines(table: &Table) -> Vec<(Kind, Vec<String>, Vec<Cell>)> {
        table
            .lines
            .iter()
            .map(|l| {
                let label = l.label.iter().map(|v| v.to_string()).collect();
                (l.kind, label, l.cells.clone())
            })
            .collect()
    }

    const SAMPLE: &[(&str, i32, &str, i64, u64)] = &[
        ("B", 2024, "VND", 300, 2),
        ("A", 2024, "VND", 100, 1),
        ("A", 2025, "VND", 50, 1),
        ("A", 2024, "workday", 7, 3),
        ("C", 2025, "VND", 300, 4),
    ];

    #[test]
    fn one_amount_column_per_measure_with_its_rows() {
        let s = summarize(groups(SAMPLE), &spec(&[Dim::Unit]), &CodePoints).unwrap();
        let tb = &s.table;
        assert_eq!(tb.across, Across::Measures);
        assert_eq!(
            tb.columns,
            vec![
                Head::Amount {
                    measure: "VND".into(),
                    value: None
                },
                Head::Count { of: 0 },
                Head::Amount {
                    measure: "workday".into(),
                    value: None
                },
                Head::Count { of: 2 },
                Head::Rows,
            ]
        );
        use Cell::{Amount as A, Count as C, Empty as E};
        assert_eq!(
            lines(tb),
            vec![
                (
                    Kind::Body,
                    vec!["A".into()],
                    vec![A(d(150)), C(2), A(d(7)), C(3), C(5)]
                ),
                (
                    Kind::Body,
                    vec!["B".into()],
                    vec![A(d(300)), C(2), E, E, C(2)]
                ),
                (
                    Kind::Body,
                    vec!["C".into()],
                    vec![A(d(300)), C(4), E, E, C(4)]
                ),
                (
                    Kind::Total,
                    vec![],
                    vec![A(d(750)), C(8), A(d(7)), C(3), C(11)]
                ),
            ]
        );
        assert!(s.left_out.is_empty());
    }

    #[test]
    fn a_pivot_totals_each_line_across_its_columns_and_leaves_other_measures_out() {
        let mut sp = spec(&[Dim::Unit]);
        sp.columns = Some(Dim::Year);
        let s = summarize(groups(SAMPLE), &sp, &CodePoints).unwrap();
        let tb = &s.table;
        assert_eq!(
            tb.across,
            Across::Values {
                dim: Dim::Year,
                measure: "VND".into()
            }
        );
        let year = |y| Head::Amount {
            measure: "VND".into(),
            value: Some(Value::Period(Period::Year(y))),
        };
        assert_eq!(
            tb.columns,
            vec![
                year(2024),
                Head::Count { of: 0 },
                year(2025),
                Head::Count { of: 2 },
                Head::Total {
                    measure: "VND".into()
                },
                Head::Rows,
            ]
        );
        use Cell::{Amount as A, Count as C, Empty as E};
        assert_eq!(
            lines(tb),
            vec![
                (
                    Kind::Body,
                    vec!["A".into()],
                    vec![A(d(100)), C(1), A(d(50)), C(1), A(d(150)), C(2)]
                ),
                (
                    Kind::Body,
                    vec!["B".into()],
                    vec![A(d(300)), C(2), E, E, A(d(300)), C(2)]
                ),
                (
                    Kind::Body,
                    vec!["C".into()],
                    vec![E, E, A(d(300)), C(4), A(d(300)), C(4)]
                ),
                (
                    Kind::Total,
                    vec![],
                    vec![A(d(400)), C(3), A(d(350)), C(5), A(d(750)), C(8)]
                ),
            ]
        );
        // The workday rows are not in a VND pivot, and the report says so.
        assert_eq!(s.left_out, vec![("workday".to_string(), 3)]);
    }

    #[test]
    fn top_n_keeps_the_largest_and_adds_the_rest_into_one_others_line() {
        let mut sp = spec(&[Dim::Unit]);
        sp.sort = SortBy::Total;
        sp.top = Some(1);
        let s = summarize(groups(SAMPLE), &sp, &CodePoints).unwrap();
        use Cell::{Amount as A, Count as C, Empty as E};
        // B and C tie at 300: the tie goes by label, so B is first; A and C are the others.
        assert_eq!(
            lines(&s.table),
            vec![
                (
                    Kind::Body,
                    vec!["B".into()],
                    vec![A(d(300)), C(2), E, E, C(2)]
                ),
                (
                    Kind::Others { groups: 2 },
                    vec![],
                    vec![A(d(450)), C(6), A(d(7)), C(3), C(9)]
                ),
                (
                    Kind::Total,
                    vec![],
                    vec![A(d(750)), C(8), A(d(7)), C(3), C(11)]
                ),
            ]
        );
        // A top as large as the groups leaves no others line.
        sp.top = Some(3);
        let s = summarize(groups(SAMPLE), &sp, &CodePoints).unwrap();
        assert!(s.table.others().is_none());
        assert_eq!(s.table.body().count(), 3);
    }

    #[test]
    fn shares_are_of_each_columns_grand_total_rounded_half_away_from_zero() {
        let mut sp = spec(&[Dim::Unit]);
        sp.percent = true;
        let g = groups(&[
            ("A", 2024, "VND", 1, 1),
            ("B", 2024, "VND", 1, 1),
            ("C", 2024, "VND", 1, 1),
            ("Z", 2024, "m2", 0, 1),
        ]);
        let s = summarize(g, &sp, &CodePoints).unwrap();
        let tb = &s.table;
        let share = tb.column_of(Head::share_of, 0).unwrap();
        let m2_share = tb.column_of(Head::share_of, 3).unwrap();
        let shares: Vec<Cell> = tb.lines.iter().map(|l| l.cells[share]).collect();
        let p = |n: i64, scale: u32| Cell::Percent(Decimal::new(n, scale));
        // 1/3 is 33.333…%, shown to two decimals; the total is 100%.
        assert_eq!(
            shares,
            vec![p(3333, 2), p(3333, 2), p(3333, 2), Cell::Empty, p(100, 0)]
        );
        // A column whose grand total is zero has no shares at all, never a division error.
        assert!(tb.lines.iter().all(|l| l.cells[m2_share] == Cell::Empty));
        assert!(tb.shares);
    }

    #[test]
    fn labels_follow_the_given_order_of_text_and_periods_follow_time() {
        struct Reverse;
        impl TextOrder for Reverse {
            fn cmp_text(&self, a: &str, b: &str) -> Ordering {
                b.cmp(a)
            }
        }
        let by = [Dim::Unit, Dim::Year];
        let labels = |order: &dyn TextOrder| -> Vec<String> {
            let s = summarize(groups(SAMPLE), &spec(&by), order).unwrap();
            s.table
                .body()
                .map(|l| format!("{}/{}", l.label[0], l.label[1]))
                .collect()
        };
        assert_eq!(
            labels(&CodePoints),
            ["A/2024", "A/2025", "B/2024", "C/2025"]
        );
        assert_eq!(labels(&Reverse), ["C/2025", "B/2024", "A/2024", "A/2025"]);
    }

    #[test]
    fn sort_by_total_ranks_by_the_chosen_measure_and_puts_lines_without_it_last() {
        let mut sp = spec(&[Dim::Unit]);
        sp.sort = SortBy::Total;
        sp.measure = "workday".into();
        let s = summarize(groups(SAMPLE), &sp, &CodePoints).unwrap();
        let order: Vec<String> = s.table.body().map(|l| l.label[0].to_string()).collect();
        assert_eq!(order, ["A", "B", "C"]);
    }

    #[test]
    fn a_sum_past_the_exact_range_is_an_error_not_a_rounded_total() {
        let mut g = Groups::new(vec![Dim::Unit]);
        for unit in ["A", "B"] {
            let key = Key {
                values: vec![t(unit)],
                measure: "VND".into(),
            };
            g.add(key, Decimal::MAX, 1).unwrap();
        }
        let err = summarize(g, &spec(&[Dim::Unit]), &CodePoints).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the grand total in VND is 158456325028528675187087900670, which needs more digits \
             than danvan can print exactly (at most 79228162514264337593543950335 and 28 \
             decimals); nothing was written"
        );
        // A line is named by its label.
        let mut g = Groups::new(vec![Dim::Unit]);
        let key = Key {
            values: vec![t("A")],
            measure: "VND".into(),
        };
        g.add(key.clone(), Decimal::MAX, 1).unwrap();
        g.add(key, Decimal::new(5, 1), 1).unwrap();
        let err = summarize(g, &spec(&[Dim::Unit]), &CodePoints).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the total of unit \"A\" in VND is 79228162514264337593543950335.5,"),
            "{err}"
        );
    }

    proptest::proptest! {
        /// `--sort total --top N` picks its lines without sorting them all: it must show the
        /// lines, in the order, and the "others" sum a full sort and cut would give.
        #[test]
        fn top_n_is_a_full_sort_cut(
            rows in proptest::collection::vec(
                (0usize..40, 2024i32..2026, 0usize..2, -50i64..50, 1u64..4), 1..120),
            n in 0usize..50,
        ) {
            let units: Vec<String> = (0..40).map(|i| format!("U{i:02}")).collect();
            let measures = ["VND", "workday"];
            let rows: Vec<(&str, i32, &str, i64, u64)> = rows
                .iter()
                .map(|&(u, y, m, v, c)| (units[u].as_str(), y, measures[m], v, c))
                .collect();
            let mut sp = spec(&[Dim::Unit, Dim::Year]);
            sp.sort = SortBy::Total;
            let full = summarize(groups(&rows), &sp, &CodePoints).unwrap();
            sp.top = Some(n);
            let cut = summarize(groups(&rows), &sp, &CodePoints).unwrap();
            let body: Vec<_> = lines(&full.table).into_iter().filter(|l| l.0 == Kind::Body).collect();
            let got: Vec<_> = lines(&cut.table).into_iter().filter(|l| l.0 == Kind::Body).collect();
            proptest::prop_assert_eq!(&got[..], &body[..n.min(body.len())]);
            proptest::prop_assert_eq!(cut.table.total(), full.table.total());
            let others = cut.table.others().map(|o| o.cells.clone());
            if body.len() > n {
                // The others line's rows are the rows of the lines left out.
                let rows_left: u64 = body[n..]
                    .iter()
                    .map(|l| match l.2.last() { Some(Cell::Count(c)) => *c, _ => 0 })
                    .sum();
                proptest::prop_assert_eq!(
                    others.and_then(|c| c.last().copied()),
                    Some(Cell::Count(rows_left))
                );
            } else {
                proptest::prop_assert!(others.is_none());
            }
        }
    }
}

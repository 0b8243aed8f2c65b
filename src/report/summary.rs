//! The `summary` report: totals per group, one amount column per measure or per value of a
//! pivoted dimension, sorted, cut to the top N (the rest added up in one "others" line), with
//! shares of the grand total when asked. Every number any format shows is computed here, as a
//! [`Table`]; nothing here knows how it will look.

use super::table::{Across, Cell, Head, Kind, Line, Table};
use crate::aggregate::Groups;
use crate::domain::measure::measure_rank;
use crate::domain::order::{TextOrder, cmp_labels, cmp_values};
use crate::domain::{Dim, Value, amount};
use anyhow::Result;
use rust_decimal::Decimal;
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

/// One line while it is added up: per amount column its total and rows, and the line's rows.
#[derive(Debug, Clone, Default)]
struct Acc {
    cells: Vec<Option<(Decimal, u64)>>,
    rows: u64,
    /// The sum across columns, for pivots.
    total: Option<Decimal>,
}

impl Acc {
    fn new(columns: usize) -> Self {
        Acc {
            cells: vec![None; columns],
            ..Acc::default()
        }
    }

    fn add(&mut self, column: usize, total: Decimal, rows: u64) -> Result<()> {
        let cell = self.cells[column].get_or_insert((Decimal::ZERO, 0));
        cell.0 = amount::add(cell.0, total)?;
        cell.1 += rows;
        self.rows += rows;
        Ok(())
    }

    fn add_line(&mut self, other: &Acc) -> Result<()> {
        for (c, cell) in other.cells.iter().enumerate() {
            if let Some((total, rows)) = cell {
                self.add(c, *total, *rows)?;
            }
        }
        Ok(())
    }

    fn close(&mut self, pivot: bool) -> Result<()> {
        if pivot {
            self.total = Some(amount::sum(self.cells.iter().flatten().map(|c| c.0))?);
        }
        Ok(())
    }
}

/// Builds the summary from grouped totals. `groups.dims` must hold `spec.by` and the pivoted
/// dimension (if any, and not `measure`). Text labels are ordered by `order`.
pub fn summarize(groups: &Groups, spec: &SummarySpec, order: &dyn TextOrder) -> Result<Summary> {
    let position = |d: Dim| groups.dims.iter().position(|&g| g == d);
    let label_at: Vec<usize> = spec.by.iter().filter_map(|&d| position(d)).collect();
    // Each group lands in one line (its label) and one column: its measure, or its value of the
    // pivoted dimension when it is in the pivot's measure (other measures are left out).
    let pivot = match spec.columns {
        None | Some(Dim::Measure) => None,
        Some(dim) => Some((dim, position(dim).unwrap_or(0))),
    };
    let column_of = |values: &[Value], measure: &str| -> Option<Value> {
        match pivot {
            None => Some(Value::Text(measure.to_string())),
            Some((_, p)) => (measure == spec.measure).then(|| values[p].clone()),
        }
    };
    let mut heads: Vec<Value> = groups
        .map
        .keys()
        .filter_map(|k| column_of(&k.values, &k.measure))
        .collect();
    let across = match pivot {
        None => {
            heads.sort_by(|a, b| measure_rank(&a.to_string()).cmp(&measure_rank(&b.to_string())));
            heads.dedup();
            Across::Measures
        }
        Some((dim, _)) => {
            heads.sort_by(|a, b| cmp_values(order, a, b));
            heads.dedup();
            Across::Values {
                dim,
                measure: spec.measure.clone(),
            }
        }
    };
    let index: BTreeMap<&Value, usize> = heads.iter().enumerate().map(|(i, v)| (v, i)).collect();

    let mut lines: BTreeMap<Vec<Value>, Acc> = BTreeMap::new();
    let mut total = Acc::new(heads.len());
    let mut left_out: BTreeMap<String, u64> = BTreeMap::new();
    for (key, acc) in &groups.map {
        let Some(head) = column_of(&key.values, &key.measure) else {
            *left_out.entry(key.measure.clone()).or_default() += acc.count;
            continue;
        };
        let Some(&c) = index.get(&head) else {
            continue;
        };
        let label: Vec<Value> = label_at.iter().map(|&i| key.values[i].clone()).collect();
        lines
            .entry(label)
            .or_insert_with(|| Acc::new(heads.len()))
            .add(c, acc.total, acc.count)?;
        total.add(c, acc.total, acc.count)?;
    }
    let is_pivot = pivot.is_some();
    let mut lines: Vec<(Vec<Value>, Acc)> = lines.into_iter().collect();
    for (_, line) in lines.iter_mut() {
        line.close(is_pivot)?;
    }
    total.close(is_pivot)?;
    sort_lines(&mut lines, spec, &heads, is_pivot, order);

    let mut others = None;
    if let Some(n) = spec.top
        && lines.len() > n
    {
        let rest = lines.split_off(n);
        let mut o = Acc::new(heads.len());
        for (_, line) in &rest {
            o.add_line(line)?;
        }
        o.close(is_pivot)?;
        others = Some((rest.len(), o));
    }

    let columns = columns(&heads, &across, spec.percent);
    let grand: Vec<Option<Decimal>> = match total.total {
        Some(t) => vec![Some(t); heads.len()],
        None => total.cells.iter().map(|c| c.map(|c| c.0)).collect(),
    };
    let line = |kind: Kind, label: Vec<Value>, acc: &Acc| Line {
        kind,
        label,
        cells: cells(&columns, acc, &grand),
    };
    let mut out: Vec<Line> = lines
        .iter()
        .map(|(label, acc)| line(Kind::Body, label.clone(), acc))
        .collect();
    if let Some((groups, o)) = &others {
        out.push(line(Kind::Others { groups: *groups }, Vec::new(), o));
    }
    out.push(line(Kind::Total, Vec::new(), &total));
    Ok(Summary {
        table: Table {
            dims: spec.by.clone(),
            across,
            columns,
            lines: out,
            shares: spec.percent,
        },
        left_out: {
            let mut l: Vec<(String, u64)> = left_out.into_iter().collect();
            l.sort_by(|a, b| measure_rank(&a.0).cmp(&measure_rank(&b.0)));
            l
        },
    })
}

/// Orders lines by label, or by the total of the ranked measure (a pivot: the line total),
/// largest first, ties by label.
fn sort_lines(
    lines: &mut [(Vec<Value>, Acc)],
    spec: &SummarySpec,
    heads: &[Value],
    pivot: bool,
    order: &dyn TextOrder,
) {
    let by_label = |a: &Vec<Value>, b: &Vec<Value>| cmp_labels(order, a, b);
    match spec.sort {
        SortBy::Key => lines.sort_by(|a, b| by_label(&a.0, &b.0)),
        SortBy::Total => {
            let rank = heads
                .iter()
                .position(|h| *h == Value::Text(spec.measure.clone()))
                .unwrap_or(0);
            let value = |acc: &Acc| -> Decimal {
                if pivot {
                    acc.total.unwrap_or_default()
                } else {
                    acc.cells
                        .get(rank)
                        .copied()
                        .flatten()
                        .map_or(Decimal::MIN, |c| c.0)
                }
            };
            lines.sort_by(|a, b| {
                value(&b.1)
                    .cmp(&value(&a.1))
                    .then_with(|| by_label(&a.0, &b.0))
            });
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

/// A line's cells under `columns`; `grand` is each amount column's grand total, for shares.
fn cells(columns: &[Head], acc: &Acc, grand: &[Option<Decimal>]) -> Vec<Cell> {
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

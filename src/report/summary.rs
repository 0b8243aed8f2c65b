//! The `summary` report: totals per group, one column per measure or per value of a pivoted
//! dimension, sorted, cut to the top N (the rest folded into one "others" row), with shares of the
//! grand total when asked. Every number a renderer shows is computed here.

use crate::aggregate::Groups;
use crate::ledger::measure::measure_rank;
use crate::spec::Dim;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Key,
    Total,
}

impl SortBy {
    pub fn parse(s: &str) -> anyhow::Result<SortBy> {
        match s {
            "key" => Ok(SortBy::Key),
            "total" => Ok(SortBy::Total),
            other => anyhow::bail!("--sort {other:?}: use key or total"),
        }
    }
}

/// How the summary is laid out and ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySpec {
    /// Row key dimensions, in order.
    pub by: Vec<Dim>,
    /// Pivot this dimension into columns (for `measure` alone when it is not `measure`).
    pub columns: Option<Dim>,
    /// The measure a pivot shows and `--sort total` ranks by.
    pub measure: String,
    pub sort: SortBy,
    pub top: Option<usize>,
    pub percent: bool,
}

/// One number in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cell {
    pub total: Decimal,
    pub count: u64,
    /// Share of the grand total of the cell's measure, in percent, two decimals.
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One value per `by` dimension (empty when the rows had none).
    pub key: Vec<String>,
    /// One per column; `None` when the group has nothing there.
    pub cells: Vec<Option<Cell>>,
    /// Contribution rows behind this line, all columns together.
    pub count: u64,
    /// Sum across the columns, when they share one measure (a pivot).
    pub total: Option<Decimal>,
}

/// What the value columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Columns {
    /// One column per measure.
    Measures(Vec<String>),
    /// One column per value of `dim`, all in `measure`.
    Pivot {
        dim: Dim,
        measure: String,
        values: Vec<String>,
    },
}

impl Columns {
    pub fn labels(&self) -> &[String] {
        match self {
            Columns::Measures(m) => m,
            Columns::Pivot { values, .. } => values,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub by: Vec<Dim>,
    pub columns: Columns,
    pub rows: Vec<Row>,
    /// Groups left out by `--top`, added up; `key[0]` says how many.
    pub others: Option<Row>,
    /// The grand total of every column.
    pub total: Row,
    pub percent: bool,
    /// Columns were asked for (`--columns`): CSV is wide, not long.
    pub wide: bool,
    /// Rows of other measures than a pivot's, not in this report: (measure, rows).
    pub left_out: Vec<(String, u64)>,
}

/// Builds the summary from grouped totals. `groups.dims` must hold `spec.by` and the pivot
/// dimension (if any, and not `measure`).
pub fn summarize(groups: &Groups, spec: &SummarySpec) -> Result<Summary> {
    let position = |d: Dim| groups.dims.iter().position(|&g| g == d);
    let key_pos: Vec<usize> = spec.by.iter().filter_map(|&d| position(d)).collect();
    let measure_pos = groups.dims.len();
    // Each group lands in one row (its key) and one column: its measure, or its value of the
    // pivoted dimension when it is in the pivot's measure (other measures are left out).
    let pivot_pos = match spec.columns {
        None | Some(Dim::Measure) => None,
        Some(dim) => Some((dim, position(dim).unwrap_or(0))),
    };
    let column_of = |k: &Vec<String>| -> Option<String> {
        match pivot_pos {
            None => Some(k[measure_pos].clone()),
            Some((_, p)) => (k[measure_pos] == spec.measure).then(|| k[p].clone()),
        }
    };
    let mut labels: Vec<String> = groups.map.keys().filter_map(column_of).collect();
    let columns = match pivot_pos {
        None => {
            sort_measures(&mut labels);
            Columns::Measures(labels)
        }
        Some((dim, _)) => {
            labels.sort();
            labels.dedup();
            Columns::Pivot {
                dim,
                measure: spec.measure.clone(),
                values: labels,
            }
        }
    };
    let labels = columns.labels().to_vec();
    let col_index: BTreeMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();

    let mut rows: BTreeMap<Vec<String>, Row> = BTreeMap::new();
    let mut total = Row {
        key: Vec::new(),
        cells: vec![None; labels.len()],
        count: 0,
        total: None,
    };
    let mut left_out: BTreeMap<String, u64> = BTreeMap::new();
    for (key, acc) in &groups.map {
        let Some(label) = column_of(key) else {
            *left_out.entry(key[measure_pos].clone()).or_default() += acc.count;
            continue;
        };
        let Some(&c) = col_index.get(label.as_str()) else {
            continue;
        };
        let row_key: Vec<String> = key_pos.iter().map(|&i| key[i].clone()).collect();
        let row = rows.entry(row_key.clone()).or_insert_with(|| Row {
            key: row_key,
            cells: vec![None; labels.len()],
            count: 0,
            total: None,
        });
        add_cell(&mut row.cells[c], acc.total, acc.count)?;
        row.count += acc.count;
        add_cell(&mut total.cells[c], acc.total, acc.count)?;
        total.count += acc.count;
    }
    let pivot = matches!(columns, Columns::Pivot { .. });
    let mut rows: Vec<Row> = rows.into_values().collect();
    if pivot {
        for row in rows.iter_mut().chain(std::iter::once(&mut total)) {
            row.total = Some(sum_cells(&row.cells)?);
        }
    }
    if spec.sort == SortBy::Total {
        let rank = match &columns {
            Columns::Measures(m) => m.iter().position(|x| *x == spec.measure).unwrap_or(0),
            Columns::Pivot { .. } => usize::MAX,
        };
        let value = |r: &Row| -> Decimal {
            if rank == usize::MAX {
                r.total.unwrap_or_default()
            } else {
                r.cells
                    .get(rank)
                    .copied()
                    .flatten()
                    .map_or(Decimal::MIN, |c| c.total)
            }
        };
        rows.sort_by(|a, b| value(b).cmp(&value(a)).then_with(|| a.key.cmp(&b.key)));
    }
    let mut others = None;
    if let Some(n) = spec.top
        && rows.len() > n
    {
        let rest = rows.split_off(n);
        let mut o = Row {
            key: vec![String::new(); spec.by.len()],
            cells: vec![None; labels.len()],
            count: 0,
            total: None,
        };
        if let Some(first) = o.key.first_mut() {
            *first = format!("({} others)", rest.len());
        }
        for r in &rest {
            for (c, cell) in r.cells.iter().enumerate() {
                if let Some(cell) = cell {
                    add_cell(&mut o.cells[c], cell.total, cell.count)?;
                }
            }
            o.count += r.count;
        }
        if pivot {
            o.total = Some(sum_cells(&o.cells)?);
        }
        others = Some(o);
    }
    if spec.percent {
        let grand: Vec<Option<Decimal>> = if pivot {
            vec![total.total; labels.len()]
        } else {
            total.cells.iter().map(|c| c.map(|c| c.total)).collect()
        };
        for row in rows
            .iter_mut()
            .chain(others.iter_mut())
            .chain(std::iter::once(&mut total))
        {
            for (cell, g) in row.cells.iter_mut().zip(&grand) {
                if let (Some(cell), Some(g)) = (cell.as_mut(), g) {
                    cell.percent = share(cell.total, *g);
                }
            }
        }
    }
    Ok(Summary {
        by: spec.by.clone(),
        columns,
        rows,
        others,
        total,
        percent: spec.percent,
        wide: spec.columns.is_some(),
        left_out: {
            let mut l: Vec<(String, u64)> = left_out.into_iter().collect();
            l.sort_by(|a, b| measure_rank(&a.0).cmp(&measure_rank(&b.0)));
            l
        },
    })
}

fn add_cell(cell: &mut Option<Cell>, total: Decimal, count: u64) -> Result<()> {
    let c = cell.get_or_insert_with(Cell::default);
    c.total = c
        .total
        .checked_add(total)
        .ok_or_else(|| anyhow::anyhow!("a total passes the exact decimal range"))?;
    c.count += count;
    Ok(())
}

fn sum_cells(cells: &[Option<Cell>]) -> Result<Decimal> {
    cells.iter().flatten().try_fold(Decimal::ZERO, |acc, c| {
        acc.checked_add(c.total)
            .ok_or_else(|| anyhow::anyhow!("a total passes the exact decimal range"))
    })
}

/// `part` as a percentage of `whole`, rounded half away from zero to two decimals.
fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// Canonical measures first (VND, workday, m2), then the rest alphabetically; no repeats.
pub fn sort_measures(measures: &mut Vec<String>) {
    measures.sort_by(|a, b| measure_rank(a).cmp(&measure_rank(b)));
    measures.dedup();
}

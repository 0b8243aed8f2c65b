//! Change between periods ("so với cùng kỳ"): a table pivoted on a period gets, after each period
//! column but the first, the change from the previous period in value and in percent. Periods
//! with no rows between the first and the last are filled in as empty columns first, so "the
//! previous period" is always the one just before.

use super::derive::derive;
use super::table::{Across, Cell, Head, Line, Table};
use crate::domain::{Period, Value};
use anyhow::{Result, bail};

/// `pivot` with change columns. Its amount columns must be periods (a `--columns` on year,
/// quarter or month).
pub fn with_change(pivot: Table) -> Result<Table> {
    let Across::Values { dim, .. } = &pivot.across else {
        bail!("internal error: change needs a table pivoted on a period");
    };
    if !dim.is_period() {
        bail!("internal error: change needs a table pivoted on a period");
    }
    // The periods there are, and where each one's amount column is.
    let mut present: Vec<(Period, usize)> = Vec::new();
    let mut measure = String::new();
    for (c, head) in pivot.columns.iter().enumerate() {
        if let Head::Amount {
            measure: m,
            value: Some(Value::Period(p)),
        } = head
        {
            present.push((*p, c));
            measure = m.clone();
        }
    }
    let mut periods = Vec::new();
    if let (Some(first), Some(last)) = (present.first(), present.last()) {
        let mut p = first.0;
        while p <= last.0 {
            periods.push(p);
            p = p.next();
        }
    }
    let old = &pivot.columns;
    let count_of = |a: usize| old.iter().position(|h| h.count_of() == Some(a));
    let mut columns: Vec<Head> = Vec::new();
    // For each new column, the old column its additive cells come from.
    let mut from: Vec<Option<usize>> = Vec::new();
    let mut previous: Option<usize> = None;
    for p in periods {
        let was = present.iter().find(|(q, _)| *q == p).map(|&(_, c)| c);
        let at = columns.len();
        columns.push(Head::Amount {
            measure: measure.clone(),
            value: Some(Value::Period(p)),
        });
        from.push(was);
        columns.push(Head::Count { of: at });
        from.push(was.and_then(count_of));
        if pivot.shares {
            columns.push(Head::Share { of: at });
            from.push(None);
        }
        if let Some(before) = previous {
            columns.push(Head::Change {
                of: at,
                from: before,
            });
            from.push(None);
            columns.push(Head::ChangePct {
                of: at,
                from: before,
            });
            from.push(None);
        }
        previous = Some(at);
    }
    // The line total and rows stay last.
    for (c, head) in old.iter().enumerate() {
        if matches!(head, Head::Total { .. } | Head::Rows) {
            columns.push(head.clone());
            from.push(Some(c));
        }
    }
    let lines = pivot
        .lines
        .iter()
        .map(|line| Line {
            kind: line.kind,
            label: line.label.clone(),
            cells: from
                .iter()
                .map(|f| f.map_or(Cell::Empty, |c| line.cells[c]))
                .collect(),
        })
        .collect();
    let mut table = Table {
        columns,
        lines,
        ..pivot
    };
    derive(&mut table)?;
    Ok(table)
}

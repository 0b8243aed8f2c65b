//! Derived cells: shares, changes and progress toward a target are computed here, from a line's
//! additive cells (amounts, counts, targets), and nowhere else. A report that adds lines up (a
//! tree's subtotals, an others line) adds only additive cells and derives the rest again, so a
//! percentage is never a sum of percentages.

use super::table::{Across, Cell, Head, Line, Table};
use crate::domain::amount::Exact;
use anyhow::{Result, anyhow};
use rust_decimal::{Decimal, RoundingStrategy};

/// `part` as a percentage of `whole`, rounded half away from zero to two decimals; `None` when
/// `whole` is zero.
pub fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// Whether a column's cells are added up when lines are (amounts, counts, targets, totals), as
/// opposed to derived from them.
pub fn is_additive(head: &Head) -> bool {
    !matches!(
        head,
        Head::Share { .. } | Head::Change { .. } | Head::ChangePct { .. } | Head::Progress { .. }
    )
}

/// `a + b`, exactly: a result no decimal holds is an error, never a rounded figure.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    let mut sum = Exact::from(a);
    sum.add(b)?;
    sum.to_decimal().ok_or_else(|| {
        anyhow!("a subtotal of {sum} needs more digits than danvan can print exactly")
    })
}

/// `a + b` for two additive cells of one column.
pub fn add_cells(a: Cell, b: Cell) -> Result<Cell> {
    Ok(match (a, b) {
        (Cell::Empty, x) | (x, Cell::Empty) => x,
        (Cell::Amount(x), Cell::Amount(y)) => Cell::Amount(add(x, y)?),
        (Cell::Count(x), Cell::Count(y)) => Cell::Count(x + y),
        (x, _) => x,
    })
}

fn amount_of(cell: Cell) -> Option<Decimal> {
    match cell {
        Cell::Amount(d) => Some(d),
        _ => None,
    }
}

/// Fills every derived cell of every line from the additive ones (and, for shares, the total
/// line).
pub fn derive(table: &mut Table) -> Result<()> {
    let total_column = table.total_column();
    let grand: Vec<Option<Decimal>> = {
        let total = table.total();
        table
            .columns
            .iter()
            .map(|head| match (head, &table.across, total) {
                (Head::Share { .. }, Across::Values { .. }, Some(t)) => {
                    amount_of(t.cell(total_column))
                }
                (Head::Share { of }, Across::Measures, Some(t)) => amount_of(t.cells[*of]),
                _ => None,
            })
            .collect()
    };
    let columns = table.columns.clone();
    for line in &mut table.lines {
        derive_line(&columns, &grand, line)?;
    }
    Ok(())
}

fn derive_line(columns: &[Head], grand: &[Option<Decimal>], line: &mut Line) -> Result<()> {
    for (c, head) in columns.iter().enumerate() {
        let value = |i: usize| amount_of(line.cells[i]);
        let cell = match head {
            Head::Share { of } => match (value(*of), grand[c]) {
                (Some(part), Some(whole)) => share(part, whole).map_or(Cell::Empty, Cell::Percent),
                _ => Cell::Empty,
            },
            Head::Change { of, from } => match (value(*of), value(*from)) {
                (None, None) => Cell::Empty,
                (now, before) => {
                    let (now, before) = (now.unwrap_or_default(), before.unwrap_or_default());
                    Cell::Amount(add(now, -before)?)
                }
            },
            Head::ChangePct { of, from } => match value(*from) {
                Some(before) => {
                    let change = add(value(*of).unwrap_or_default(), -before)?;
                    share(change, before).map_or(Cell::Empty, Cell::Percent)
                }
                None => Cell::Empty,
            },
            Head::Progress { of, target } => match value(*target) {
                Some(target) => {
                    share(value(*of).unwrap_or_default(), target).map_or(Cell::Empty, Cell::Percent)
                }
                None => Cell::Empty,
            },
            _ => continue,
        };
        line.cells[c] = cell;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Kind;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn changes_and_progress_come_from_the_additive_cells() {
        let columns = vec![
            Head::Amount {
                measure: "VND".into(),
                value: None,
            },
            Head::Amount {
                measure: "VND".into(),
                value: None,
            },
            Head::Change { of: 1, from: 0 },
            Head::ChangePct { of: 1, from: 0 },
            Head::Target {
                measure: "VND".into(),
            },
            Head::Progress { of: 1, target: 4 },
        ];
        let line = |a: Cell, b: Cell, t: Cell| Line {
            kind: Kind::Body,
            label: vec![],
            cells: vec![a, b, Cell::Empty, Cell::Empty, t, Cell::Empty],
        };
        let mut table = Table {
            dims: vec![],
            across: Across::Measures,
            columns,
            lines: vec![
                line(
                    Cell::Amount(d(200)),
                    Cell::Amount(d(250)),
                    Cell::Amount(d(1000)),
                ),
                line(Cell::Empty, Cell::Amount(d(80)), Cell::Empty),
                line(Cell::Amount(d(0)), Cell::Empty, Cell::Amount(d(0))),
                line(Cell::Amount(d(3)), Cell::Empty, Cell::Amount(d(7))),
            ],
            shares: false,
            tree: false,
        };
        derive(&mut table).unwrap();
        let derived: Vec<Vec<Cell>> = table.lines.iter().map(|l| l.cells[2..].to_vec()).collect();
        let p = |n: i64, s: u32| Cell::Percent(Decimal::new(n, s));
        let a = |n: i64| Cell::Amount(d(n));
        assert_eq!(
            derived,
            vec![
                // +50 is +25% of 200; 250 of a 1,000 target is 25%.
                vec![a(50), p(2500, 2), a(1000), p(2500, 2)],
                // Nothing before: the change is the whole amount, with no percent; no target.
                vec![a(80), Cell::Empty, Cell::Empty, Cell::Empty],
                // Zero before and a zero target: no percent, never a division error.
                vec![a(0), Cell::Empty, a(0), Cell::Empty],
                // Nothing now: −3 is −100%; nothing mobilized of a target of 7 is 0%.
                vec![a(-3), p(-10000, 2), a(7), p(0, 2)],
            ]
        );
    }
}

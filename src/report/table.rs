//! The one shape every report is: a table of typed values. Lines carry a typed label (one
//! [`Value`] per label dimension) and a kind; columns carry a typed head; cells hold exact
//! amounts, counts or percentages. There is no display text here and no layout flag: how a
//! label, a number or an "others" line looks is decided by `present` (for people) or by each
//! writer in `render` (for programs), never by the report that built the table.

use crate::domain::{Dim, Value};
use rust_decimal::Decimal;

/// A report table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// What each part of a line's label is, in order.
    pub dims: Vec<Dim>,
    /// What the amount columns run across.
    pub across: Across,
    /// The value columns, in order.
    pub columns: Vec<Head>,
    /// Body lines in report order, then any "others" line, subtotals where they belong, and the
    /// total line last.
    pub lines: Vec<Line>,
    /// Shares of the grand total were asked for: each amount column has a share column.
    pub shares: bool,
    /// The lines are the area hierarchy (label: one area path): each subtotal stands above its
    /// children, and [`Line::level`] says how deep a line sits.
    pub tree: bool,
}

/// What the amount columns of a table run across.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Across {
    /// One amount column per measure (`VND`, `workday`, `m2`…).
    Measures,
    /// One amount column per value of `dim`, every one in `measure`.
    Values { dim: Dim, measure: String },
}

/// The head of a value column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// An exact amount in `measure`; `value` is the pivoted dimension's value the column holds.
    Amount {
        measure: String,
        value: Option<Value>,
    },
    /// How many contribution rows are behind amount column `of`.
    Count { of: usize },
    /// Amount column `of` as a percentage of its grand total.
    Share { of: usize },
    /// The sum across the amount columns, all in `measure` (a pivot's line total).
    Total { measure: String },
    /// Amount column `of` minus amount column `from` (the previous period).
    Change { of: usize, from: usize },
    /// That change as a percentage of column `from`.
    ChangePct { of: usize, from: usize },
    /// How many registered models are behind the line.
    Models,
    /// What the ledgers record for the line's models, in `measure`.
    Mobilized { measure: String },
    /// What the line's models plan to mobilize, in `measure`.
    Target { measure: String },
    /// Amount column `of` as a percentage of target column `target`.
    Progress { of: usize, target: usize },
    /// How many contribution rows are behind the whole line.
    Rows,
}

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One group.
    Body,
    /// The sum of the lines below a label prefix (an area tree's parent).
    Subtotal,
    /// In a tree, the rows booked on a parent itself rather than on one of its children, shown
    /// among the children so that every subtotal is the sum of the lines just below it.
    Direct,
    /// Groups left out by a top-N cut, added up.
    Others { groups: usize },
    /// The grand total of every line.
    Total,
}

/// One line of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: Kind,
    /// One value per label dimension for body and subtotal lines; empty for others and total.
    pub label: Vec<Value>,
    /// One per column.
    pub cells: Vec<Cell>,
}

/// One cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Nothing there (no rows of that column in the line, or no share of a zero total).
    Empty,
    Amount(Decimal),
    Count(u64),
    /// A percentage, already rounded to the decimals the report promises.
    Percent(Decimal),
}

impl Table {
    /// The body lines (groups), without others, subtotals or total.
    pub fn body(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.kind == Kind::Body)
    }

    /// The "others" line, if a top-N cut left groups out.
    pub fn others(&self) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| matches!(l.kind, Kind::Others { .. }))
    }

    /// The total line.
    pub fn total(&self) -> Option<&Line> {
        self.lines.iter().find(|l| l.kind == Kind::Total)
    }

    /// The amount columns with their index.
    pub fn amounts(&self) -> impl Iterator<Item = (usize, &Head)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, h)| matches!(h, Head::Amount { .. }))
    }

    /// The column that holds `head`'s kind of figure for amount column `of`.
    pub fn column_of(&self, want: fn(&Head) -> Option<usize>, of: usize) -> Option<usize> {
        self.columns.iter().position(|h| want(h) == Some(of))
    }

    /// The index of the column of rows behind the whole line.
    pub fn rows_column(&self) -> Option<usize> {
        self.columns.iter().position(|h| *h == Head::Rows)
    }

    /// The index of the line-total column (pivots).
    pub fn total_column(&self) -> Option<usize> {
        self.columns
            .iter()
            .position(|h| matches!(h, Head::Total { .. }))
    }
}

impl Head {
    /// For a count column, the amount column it counts.
    pub fn count_of(&self) -> Option<usize> {
        match self {
            Head::Count { of } => Some(*of),
            _ => None,
        }
    }

    /// For a share column, the amount column it divides.
    pub fn share_of(&self) -> Option<usize> {
        match self {
            Head::Share { of } => Some(*of),
            _ => None,
        }
    }
}

impl Line {
    /// How deep the line sits in a tree (0 at the top): a path's depth less one, and one more
    /// for the rows booked directly on a parent. 0 for lines with no area label.
    pub fn level(&self) -> usize {
        let depth = self.label.first().map_or(0, |v| v.depth());
        match self.kind {
            Kind::Direct => depth,
            _ => depth.saturating_sub(1),
        }
    }

    pub fn cell(&self, column: Option<usize>) -> Cell {
        column
            .and_then(|c| self.cells.get(c).copied())
            .unwrap_or(Cell::Empty)
    }
}

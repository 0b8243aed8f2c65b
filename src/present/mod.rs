//! Presentation: the one step between a report [`Table`] and the formats people read (the
//! terminal table, Markdown; HTML and spreadsheets next). It turns typed cells into text with a
//! [`Locale`] (number grouping and decimal mark, labels, the order of text keys) and says how
//! each column is aligned and which lines stand out. It is the only place that knows the locale.

pub mod collation;
pub mod locale;
pub mod report;

pub use locale::{Locale, Scale, choose};

use crate::domain::measure::VND;
use crate::report::table::{Cell, Head, Kind, Line, Table};
use rust_decimal::Decimal;

/// How a column's text is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers.
    Right,
}

/// How a line stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    None,
    /// A subtotal.
    Sub,
    /// The grand total.
    Strong,
}

/// A table ready for people: text in every cell, with alignment and emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub heads: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub cells: Vec<String>,
    /// Beside each cell's text, the exact number it shows, if it shows one: what a spreadsheet
    /// stores (a number with a format, never the text).
    pub numbers: Vec<Option<Number>>,
    pub emphasis: Emphasis,
}

/// The measure of column `c`'s figures, for columns of amounts (counts and percents have none).
fn measure_of(table: &Table, c: usize) -> Option<&str> {
    match &table.columns[c] {
        Head::Amount { measure, .. }
        | Head::Total { measure }
        | Head::Mobilized { measure }
        | Head::Target { measure } => Some(measure),
        Head::Change { of, .. } => measure_of(table, *of),
        _ => None,
    }
}

/// A number as a spreadsheet keeps it, with what kind of number it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    Amount(Decimal),
    Count(u64),
    /// A percentage, already rounded to two decimals (`24.82` for 24.82 %).
    Percent(Decimal),
}

impl Number {
    /// The number a table cell holds.
    pub fn of(cell: Cell) -> Option<Number> {
        match cell {
            Cell::Empty => None,
            Cell::Amount(d) => Some(Number::Amount(d)),
            Cell::Count(n) => Some(Number::Count(n)),
            Cell::Percent(p) => Some(Number::Percent(p)),
        }
    }
}

/// Lays `table` out for people: the label columns, then every column but the per-column row
/// counts (people read the line's rows), then the lines in order. With a scale, money columns
/// are shown in it, and their heads say so.
pub fn present(table: &Table, locale: &Locale) -> Sheet {
    let p = Presenter::new(table, locale);
    Sheet {
        heads: p.heads(),
        align: p.align(),
        rows: table.lines.iter().map(|line| p.row(line)).collect(),
    }
}

/// [`present`] one line at a time, for writers that stream a table of millions of lines
/// rather than hold all of its text at once. Every line comes out as `present` makes it.
pub struct Presenter<'a> {
    table: &'a Table,
    locale: &'a Locale,
    /// The table's columns that are shown, in order.
    shown: Vec<usize>,
    /// Per table column: shown in the locale's scale.
    scaled: Vec<bool>,
}

impl<'a> Presenter<'a> {
    pub fn new(table: &'a Table, locale: &'a Locale) -> Self {
        Presenter {
            table,
            locale,
            shown: (0..table.columns.len())
                .filter(|&c| !matches!(table.columns[c], Head::Count { .. }))
                .collect(),
            scaled: (0..table.columns.len())
                .map(|c| locale.scale.is_some() && measure_of(table, c) == Some(VND))
                .collect(),
        }
    }

    /// The heads of the sheet's columns.
    pub fn heads(&self) -> Vec<String> {
        let (table, locale, scaled) = (self.table, self.locale, &self.scaled);
        let labels = locale.labels;
        let unit = locale.scale.map(labels.scaled);
        let with_unit = |c: usize, head: String| match unit {
            Some(unit) if scaled[c] => (labels.in_unit)(&head, unit),
            _ => head,
        };
        let mut heads: Vec<String> = table
            .dims
            .iter()
            .map(|&d| (labels.dim)(d).to_string())
            .collect();
        let name = |c: usize| -> String {
            match &table.columns[c] {
                Head::Amount { value: Some(v), .. } => locale.value(v),
                Head::Amount { measure, .. } if measure.is_empty() => labels.none.to_string(),
                Head::Amount { measure, .. } => match unit {
                    Some(unit) if scaled[c] => unit.to_string(),
                    _ => (labels.measure)(measure),
                },
                Head::Mobilized { measure } => (labels.mobilized)(measure),
                _ => String::new(),
            }
        };
        for &c in &self.shown {
            heads.push(match &table.columns[c] {
                Head::Amount { .. } => name(c),
                Head::Mobilized { .. } => with_unit(c, name(c)),
                Head::Share { .. } => labels.share.to_string(),
                Head::Total { .. } => with_unit(c, labels.line_total.to_string()),
                Head::Rows | Head::Count { .. } => labels.rows.to_string(),
                Head::Change { of, .. } => (labels.change)(&name(*of)),
                Head::ChangePct { of, .. } => (labels.change_pct)(&name(*of)),
                Head::Models => labels.models.to_string(),
                Head::Target { .. } => with_unit(c, labels.target.to_string()),
                Head::Progress { .. } => labels.progress.to_string(),
            });
        }
        heads
    }

    /// How each of the sheet's columns is aligned: labels left, figures right.
    pub fn align(&self) -> Vec<Align> {
        let mut align = vec![Align::Left; self.table.dims.len()];
        align.resize(align.len() + self.shown.len(), Align::Right);
        align
    }

    /// The text of `line`'s cells, in the sheet's columns.
    pub fn cells(&self, line: &Line) -> Vec<String> {
        let mut cells = label(self.table, line, self.locale);
        cells
            .extend((self.shown.iter()).map(|&c| cell(line.cells[c], self.scaled[c], self.locale)));
        cells
    }

    /// `line` as a sheet row.
    pub fn row(&self, line: &Line) -> SheetRow {
        SheetRow {
            cells: self.cells(line),
            numbers: std::iter::repeat_n(None, self.table.dims.len())
                .chain(self.shown.iter().map(|&c| Number::of(line.cells[c])))
                .collect(),
            emphasis: emphasis(line.kind),
        }
    }
}

/// How a line of `kind` stands out.
pub fn emphasis(kind: Kind) -> Emphasis {
    match kind {
        Kind::Total => Emphasis::Strong,
        Kind::Subtotal => Emphasis::Sub,
        Kind::Body | Kind::Direct | Kind::Others { .. } => Emphasis::None,
    }
}

/// The label cells of a line: its values, or the name of an others or total line in the first
/// label column.
fn label(table: &Table, line: &Line, locale: &Locale) -> Vec<String> {
    let named = |name: String| {
        let mut cells = vec![String::new(); table.dims.len()];
        if let Some(first) = cells.first_mut() {
            *first = name;
        }
        cells
    };
    match line.kind {
        _ if table.tree && !matches!(line.kind, Kind::Others { .. } | Kind::Total) => {
            vec![tree_label(line, locale)]
        }
        Kind::Body | Kind::Subtotal | Kind::Direct => {
            line.label.iter().map(|v| locale.value(v)).collect()
        }
        Kind::Others { groups } => named((locale.labels.others)(groups)),
        Kind::Total => named(locale.labels.total.to_string()),
    }
}

/// A tree line's label: indented two spaces a level, the place's own name (its last level).
fn tree_label(line: &Line, locale: &Locale) -> String {
    let full = line
        .label
        .first()
        .map(|v| locale.value(v))
        .unwrap_or_default();
    let own = full.rsplit('/').next().unwrap_or(&full).to_string();
    let name = match line.kind {
        Kind::Direct => (locale.labels.direct)(&own),
        _ => own,
    };
    format!("{}{name}", "  ".repeat(line.level()))
}

/// A cell's text for people; `money` scales amounts by the locale's `--in`.
pub fn cell(cell: Cell, money: bool, locale: &Locale) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Amount(d) if money => locale.money(d),
        Cell::Amount(d) => locale.amount(d),
        Cell::Count(n) => locale.count(n),
        Cell::Percent(p) => locale.percent(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Dim, Value};
    use crate::report::table::Across;

    #[test]
    fn a_sheet_names_empty_values_others_and_total_and_hides_per_column_counts() {
        let amount = Head::Amount {
            measure: "VND".into(),
            value: None,
        };
        let line = |kind, label: Vec<Value>, total: i64, rows: u64| Line {
            kind,
            label,
            cells: vec![
                Cell::Amount(Decimal::from(total)),
                Cell::Count(rows),
                Cell::Percent(Decimal::new(5, 1)),
                Cell::Count(rows),
            ],
        };
        let table = Table {
            dims: vec![Dim::Unit, Dim::Area],
            across: Across::Measures,
            columns: vec![
                amount,
                Head::Count { of: 0 },
                Head::Share { of: 0 },
                Head::Rows,
            ],
            lines: vec![
                line(
                    Kind::Body,
                    vec![Value::Text("A".into()), Value::Area(String::new())],
                    1_200_000,
                    2,
                ),
                line(Kind::Others { groups: 3 }, vec![], 5, 4),
                line(Kind::Total, vec![], 1_200_005, 6),
            ],
            shares: true,
            tree: false,
        };
        let sheet = present(&table, &Locale::en());
        assert_eq!(sheet.heads, ["unit", "area", "VND", "%", "rows"]);
        use Align::{Left as L, Right as R};
        assert_eq!(sheet.align, [L, L, R, R, R]);
        let rows: Vec<(Vec<&str>, Emphasis)> = sheet
            .rows
            .iter()
            .map(|r| (r.cells.iter().map(String::as_str).collect(), r.emphasis))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    vec!["A", "(none)", "1,200,000", "0.50", "2"],
                    Emphasis::None
                ),
                (vec!["(3 others)", "", "5", "0.50", "4"], Emphasis::None),
                (
                    vec!["Total", "", "1,200,005", "0.50", "6"],
                    Emphasis::Strong
                ),
            ]
        );
    }
}

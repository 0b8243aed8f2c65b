//! CSV for programs, written from the report table's typed values (never from presented text),
//! the same in every language. Long and tidy by default: the label dimensions, then
//! `measure,total,count` (and `percent` when shares were asked), one line per group and amount
//! column, no total line, amounts as plain decimals. Wide on request: the label dimensions, one
//! column per amount column (with `LABEL %` beside each when shares were asked), then `total`
//! when the columns share a measure. `read_back` reads the long form again, for `merge`.

pub mod read_back;
pub mod safe;

use crate::domain::amount::{plain, plain_percent};
use crate::report::table::{Cell, Head, Kind, Table};
use anyhow::Result;
use safe::SafeWriter;
use std::io::Write;

/// A cell as programs read it.
fn text(cell: Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Amount(d) => plain(d),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(p) => plain_percent(p),
    }
}

/// One line per body line and non-empty amount column.
pub fn write_long(table: &Table, raw: bool, out: &mut dyn Write) -> Result<()> {
    let mut w = SafeWriter::new(out, raw);
    let keys = table.dims.len();
    let mut header: Vec<String> = table.dims.iter().map(|d| d.name().to_string()).collect();
    header.extend(["measure", "total", "count"].map(String::from));
    if table.shares {
        header.push("percent".into());
    }
    w.write(&header, |_| false)?;
    let amounts: Vec<(usize, String, Option<usize>, Option<usize>)> = table
        .amounts()
        .map(|(c, head)| {
            let name = match head {
                Head::Amount { value: Some(v), .. } => v.to_string(),
                Head::Amount { measure, .. } => measure.clone(),
                _ => String::new(),
            };
            let count = table.column_of(Head::count_of, c);
            let share = table.column_of(Head::share_of, c);
            (c, name, count, share)
        })
        .collect();
    for line in table.body() {
        for (c, name, count, share) in &amounts {
            let Cell::Amount(total) = line.cells[*c] else {
                continue;
            };
            let mut rec: Vec<String> = line.label.iter().map(|v| v.to_string()).collect();
            rec.push(name.clone());
            rec.push(plain(total));
            rec.push(text(line.cell(*count)));
            if table.shares {
                rec.push(text(line.cell(*share)));
            }
            w.write(&rec, |i| i > keys)?;
        }
    }
    w.finish()
}

/// The table as it is: one line per body line, one column per amount (and share) column.
pub fn write_wide(table: &Table, raw: bool, out: &mut dyn Write) -> Result<()> {
    let mut w = SafeWriter::new(out, raw);
    let keys = table.dims.len();
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&c| {
            matches!(
                table.columns[c],
                Head::Amount { .. } | Head::Share { .. } | Head::Total { .. }
            )
        })
        .collect();
    let mut header: Vec<String> = table.dims.iter().map(|d| d.name().to_string()).collect();
    let name = |c: usize| match &table.columns[c] {
        Head::Amount { value: Some(v), .. } => v.to_string(),
        Head::Amount { measure, .. } => measure.clone(),
        _ => String::new(),
    };
    for &c in &shown {
        header.push(match &table.columns[c] {
            Head::Share { of } => format!("{} %", name(*of)),
            Head::Total { .. } => "total".to_string(),
            _ => name(c),
        });
    }
    w.write(&header, |_| false)?;
    for line in table.lines.iter().filter(|l| l.kind == Kind::Body) {
        let mut rec: Vec<String> = line.label.iter().map(|v| v.to_string()).collect();
        rec.extend(shown.iter().map(|&c| text(line.cells[c])));
        w.write(&rec, |i| i >= keys)?;
    }
    w.finish()
}

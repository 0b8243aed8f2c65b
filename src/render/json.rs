//! JSON for scripts: the whole table, labels and columns named, written from typed values and the
//! same in every language. Amounts are strings holding exact decimals (`"106800000"`): a JSON
//! number would pass through a float in most readers. A key value the ledger left empty (a row
//! with no unit, say) is `null`.

use super::Lines;
use crate::domain::amount::{plain, plain_percent};
use crate::report::table::{Across, Cell, Head, Kind, Line, Table};
use anyhow::Result;
use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::io::Write;

#[derive(Serialize)]
struct Doc<'a> {
    by: Vec<&'a str>,
    columns: ColumnsDoc<'a>,
    rows: Rows<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    others: Option<RowDoc>,
    total: RowDoc,
}

/// The table's lines, each made into its document only as it is written: a table of millions of
/// groups is never held a second time as JSON values, nor at all when its lines are made as
/// they are written ([`write_lines`]).
struct Rows<'a> {
    table: &'a Table,
    lines: &'a dyn Lines,
    /// Why a line could not be made, to be told as it is rather than as a JSON error.
    failed: RefCell<Option<anyhow::Error>>,
}

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut stopped: Option<S::Error> = None;
        let walked = self.lines.each(&mut |l| {
            if matches!(l.kind, Kind::Body | Kind::Subtotal | Kind::Direct)
                && let Err(e) = seq.serialize_element(&row_doc(self.table, l))
            {
                stopped = Some(e);
                anyhow::bail!("the JSON writer stopped");
            }
            Ok(())
        });
        if let Some(e) = stopped {
            return Err(e);
        }
        if let Err(e) = walked {
            *self.failed.borrow_mut() = Some(e);
            return Err(serde::ser::Error::custom("a line could not be made"));
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct ColumnsDoc<'a> {
    dimension: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    measure: Option<&'a str>,
}

#[derive(Serialize)]
struct RowDoc {
    /// Dimension name → value, in label order.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<Map<String, Value>>,
    /// In a tree: the line's level (1 at the top) and whether it is a subtotal or the rows of a
    /// place itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<&'static str>,
    /// Column name → cell, in column order.
    values: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<String>,
    count: u64,
    /// For the "others" line: how many groups it adds up.
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<String>,
}

#[derive(Serialize)]
struct CellDoc {
    total: String,
    count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    percent: Option<String>,
}

fn count(cell: Cell) -> u64 {
    match cell {
        Cell::Count(n) => n,
        _ => 0,
    }
}

fn row_doc(t: &Table, line: &Line) -> RowDoc {
    let key = matches!(line.kind, Kind::Body | Kind::Subtotal | Kind::Direct).then(|| {
        t.dims
            .iter()
            .zip(&line.label)
            .map(|(d, v)| {
                // A value the ledger left empty is no value: `null`, not the text "".
                let v = if v.is_empty() {
                    Value::Null
                } else {
                    Value::String(v.to_string())
                };
                (d.name().to_string(), v)
            })
            .collect()
    });
    let values = t
        .amounts()
        .filter_map(|(c, head)| {
            let Cell::Amount(total) = line.cells[c] else {
                return None;
            };
            let name = match head {
                Head::Amount { value: Some(v), .. } => v.to_string(),
                Head::Amount { measure, .. } => measure.clone(),
                _ => return None,
            };
            let percent = match line.cell(t.column_of(Head::share_of, c)) {
                Cell::Percent(p) => Some(plain_percent(p)),
                _ => None,
            };
            let doc = CellDoc {
                total: plain(total),
                count: count(line.cell(t.column_of(Head::count_of, c))),
                percent,
            };
            Some((name, serde_json::to_value(doc).ok()?))
        })
        .collect();
    RowDoc {
        key,
        level: t
            .tree
            .then(|| line.level() + 1)
            .filter(|_| line.kind != Kind::Total),
        line: match line.kind {
            Kind::Subtotal => Some("subtotal"),
            Kind::Direct => Some("direct"),
            _ => None,
        },
        values,
        total: match line.cell(t.total_column()) {
            Cell::Amount(d) => Some(plain(d)),
            _ => None,
        },
        count: count(line.cell(t.rows_column())),
        // The machine name of the line, as danvan has always written it.
        groups: match line.kind {
            Kind::Others { groups } => Some(format!("({groups} others)")),
            _ => None,
        },
    }
}

pub fn write(t: &Table, out: &mut dyn Write) -> Result<()> {
    if t.columns
        .iter()
        .any(|h| matches!(h, Head::Mobilized { .. }))
    {
        return write_flat(t, out);
    }
    write_doc(t, &t.lines, t.others(), t.total(), out)
}

/// [`write`] of a summary whose lines are `lines`, made as they are written (in place of the
/// table's own, which it has none of): its others and total lines are its last two.
pub fn write_lines(t: &Table, lines: &dyn Lines, out: &mut dyn Write) -> Result<()> {
    let n = lines.count();
    let mut last = Vec::new();
    lines.each_in(n.saturating_sub(2)..n, &mut |l| {
        last.push(l.clone());
        Ok(())
    })?;
    let others = last.iter().find(|l| matches!(l.kind, Kind::Others { .. }));
    let total = last.iter().find(|l| l.kind == Kind::Total);
    write_doc(t, lines, others, total, out)
}

fn write_doc(
    t: &Table,
    lines: &dyn Lines,
    others: Option<&Line>,
    total: Option<&Line>,
    out: &mut dyn Write,
) -> Result<()> {
    let columns = match &t.across {
        Across::Measures => ColumnsDoc {
            dimension: "measure",
            measure: None,
        },
        Across::Values { dim, measure } => ColumnsDoc {
            dimension: dim.name(),
            measure: Some(measure),
        },
    };
    let empty = Line {
        kind: Kind::Total,
        label: Vec::new(),
        cells: vec![Cell::Empty; t.columns.len()],
    };
    let rows = Rows {
        table: t,
        lines,
        failed: RefCell::new(None),
    };
    let doc = Doc {
        by: t.dims.iter().map(|d| d.name()).collect(),
        columns,
        rows,
        others: others.map(|o| row_doc(t, o)),
        total: row_doc(t, total.unwrap_or(&empty)),
    };
    let written = serde_json::to_writer_pretty(&mut *out, &doc);
    if let Some(e) = doc.rows.failed.take() {
        return Err(e);
    }
    written?;
    writeln!(out)?;
    Ok(())
}

/// A table that is not a summary (plan against actual): each line's label and every column by
/// its machine name, amounts as exact decimal strings, counts as numbers.
fn write_flat(t: &Table, out: &mut dyn Write) -> Result<()> {
    let names: Vec<String> = (0..t.columns.len())
        .map(|c| super::csv::column_name(t, c))
        .collect();
    let doc_of = |line: &Line| -> Map<String, Value> {
        let mut doc = Map::new();
        if matches!(line.kind, Kind::Body | Kind::Subtotal | Kind::Direct) {
            let key: Map<String, Value> = t
                .dims
                .iter()
                .zip(&line.label)
                .map(|(d, v)| (d.name().to_string(), Value::String(v.to_string())))
                .collect();
            doc.insert("key".into(), Value::Object(key));
        }
        if t.tree && line.kind != Kind::Total {
            doc.insert("level".into(), Value::from(line.level() + 1));
        }
        for (name, cell) in names.iter().zip(&line.cells) {
            let v = match *cell {
                Cell::Empty => Value::Null,
                Cell::Amount(d) => Value::String(plain(d)),
                Cell::Count(n) => Value::from(n),
                Cell::Percent(p) => Value::String(plain_percent(p)),
            };
            doc.insert(name.clone(), v);
        }
        doc
    };
    let rows: Vec<Value> = t
        .lines
        .iter()
        .filter(|l| matches!(l.kind, Kind::Body | Kind::Subtotal | Kind::Direct))
        .map(|l| Value::Object(doc_of(l)))
        .collect();
    let mut doc = Map::new();
    doc.insert(
        "by".into(),
        Value::Array(t.dims.iter().map(|d| Value::from(d.name())).collect()),
    );
    doc.insert("rows".into(), Value::Array(rows));
    if let Some(total) = t.total() {
        doc.insert("total".into(), Value::Object(doc_of(total)));
    }
    serde_json::to_writer_pretty(&mut *out, &Value::Object(doc))?;
    writeln!(out)?;
    Ok(())
}

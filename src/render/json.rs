//! JSON for scripts: the whole summary, keys and columns named. Totals are strings holding exact
//! decimals (`"106800000"`): a JSON number would pass through a float in most readers.

use super::number::{percent, plain};
use crate::report::summary::{Columns, Row, Summary};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Serialize)]
struct Doc<'a> {
    by: Vec<&'a str>,
    columns: ColumnsDoc<'a>,
    rows: Vec<RowDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    others: Option<RowDoc>,
    total: RowDoc,
}

#[derive(Serialize)]
struct ColumnsDoc<'a> {
    dimension: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    measure: Option<&'a str>,
}

#[derive(Serialize)]
struct RowDoc {
    /// Dimension name → value, in `--by` order.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<Map<String, Value>>,
    /// Column label → cell, in column order.
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

fn row_doc(s: &Summary, row: &Row, with_key: bool) -> RowDoc {
    let key = with_key.then(|| {
        s.by.iter()
            .zip(&row.key)
            .map(|(d, v)| (d.name().to_string(), Value::String(v.clone())))
            .collect()
    });
    let values = s
        .columns
        .labels()
        .iter()
        .zip(&row.cells)
        .filter_map(|(label, cell)| {
            let c = cell.as_ref()?;
            let doc = CellDoc {
                total: plain(c.total),
                count: c.count,
                percent: c.percent.map(percent),
            };
            Some((label.clone(), serde_json::to_value(doc).ok()?))
        })
        .collect();
    RowDoc {
        key,
        values,
        total: row.total.map(plain),
        count: row.count,
        groups: None,
    }
}

pub fn render(s: &Summary) -> String {
    let columns = match &s.columns {
        Columns::Measures(_) => ColumnsDoc {
            dimension: "measure",
            measure: None,
        },
        Columns::Pivot { dim, measure, .. } => ColumnsDoc {
            dimension: dim.name(),
            measure: Some(measure),
        },
    };
    let doc = Doc {
        by: s.by.iter().map(|d| d.name()).collect(),
        columns,
        rows: s.rows.iter().map(|r| row_doc(s, r, true)).collect(),
        others: s.others.as_ref().map(|o| RowDoc {
            groups: o.key.first().cloned(),
            ..row_doc(s, o, false)
        }),
        total: row_doc(s, &s.total, false),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

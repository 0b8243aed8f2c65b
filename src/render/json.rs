//! JSON for scripts: the whole summary, keys and columns named. Totals are strings holding exact
//! decimals (`"106800000"`): a JSON number would pass through a float in most readers.

use super::number::{percent, plain};
use crate::report::summary::{Columns, Row, Summary};
use serde_json::{Map, Value, json};

pub fn render(s: &Summary) -> String {
    let labels = s.columns.labels();
    let row_json = |row: &Row, with_key: bool| -> Value {
        let mut obj = Map::new();
        if with_key {
            let key: Map<String, Value> =
                s.by.iter()
                    .zip(&row.key)
                    .map(|(d, v)| (d.name().to_string(), Value::String(v.clone())))
                    .collect();
            obj.insert("key".into(), Value::Object(key));
        }
        let mut values = Map::new();
        for (label, cell) in labels.iter().zip(&row.cells) {
            if let Some(c) = cell {
                let mut v = Map::new();
                v.insert("total".into(), Value::String(plain(c.total)));
                v.insert("count".into(), json!(c.count));
                if let Some(p) = c.percent {
                    v.insert("percent".into(), Value::String(percent(p)));
                }
                values.insert(label.clone(), Value::Object(v));
            }
        }
        obj.insert("values".into(), Value::Object(values));
        if let Some(t) = row.total {
            obj.insert("total".into(), Value::String(plain(t)));
        }
        obj.insert("count".into(), json!(row.count));
        Value::Object(obj)
    };
    let columns = match &s.columns {
        Columns::Measures(_) => json!({ "dimension": "measure" }),
        Columns::Pivot { dim, measure, .. } => {
            json!({ "dimension": dim.name(), "measure": measure })
        }
    };
    let mut doc = Map::new();
    doc.insert(
        "by".into(),
        json!(s.by.iter().map(|d| d.name()).collect::<Vec<_>>()),
    );
    doc.insert("columns".into(), columns);
    doc.insert(
        "rows".into(),
        Value::Array(s.rows.iter().map(|r| row_json(r, true)).collect()),
    );
    if let Some(o) = &s.others {
        let mut other = row_json(o, false);
        if let Value::Object(m) = &mut other {
            m.insert(
                "groups".into(),
                Value::String(o.key.first().cloned().unwrap_or_default()),
            );
        }
        doc.insert("others".into(), other);
    }
    doc.insert("total".into(), row_json(&s.total, false));
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    text.push('\n');
    text
}

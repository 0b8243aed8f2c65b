//! CSV for programs. Long and tidy by default: the `--by` dimensions, then `measure,total,count`
//! (and `percent` when asked), one line per group and measure, no total row, totals as plain
//! decimals. With `--columns`, wide: the key dimensions, one column per value, then `total` when
//! the columns share a measure.

use super::number::{percent, plain};
use crate::report::summary::Summary;
use anyhow::Result;

pub fn render(s: &Summary) -> Result<String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let dims: Vec<&str> = s.by.iter().map(|d| d.name()).collect();
    if s.wide {
        let mut header: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
        for label in s.columns.labels() {
            header.push(label.clone());
            if s.percent {
                header.push(format!("{label} %"));
            }
        }
        let pivot = s.total.total.is_some();
        if pivot {
            header.push("total".into());
        }
        w.write_record(&header)?;
        for row in &s.rows {
            let mut rec = row.key.clone();
            for cell in &row.cells {
                rec.push(cell.map_or(String::new(), |c| plain(c.total)));
                if s.percent {
                    rec.push(cell.and_then(|c| c.percent).map_or(String::new(), percent));
                }
            }
            if let Some(t) = row.total {
                rec.push(plain(t));
            }
            w.write_record(&rec)?;
        }
    } else {
        let mut header = dims.clone();
        header.extend(["measure", "total", "count"]);
        if s.percent {
            header.push("percent");
        }
        w.write_record(&header)?;
        let labels = s.columns.labels();
        for row in &s.rows {
            for (label, cell) in labels.iter().zip(&row.cells) {
                let Some(cell) = cell else { continue };
                let mut rec = row.key.clone();
                rec.push(label.clone());
                rec.push(plain(cell.total));
                rec.push(cell.count.to_string());
                if s.percent {
                    rec.push(cell.percent.map_or(String::new(), percent));
                }
                w.write_record(&rec)?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

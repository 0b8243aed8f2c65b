//! The grid people read (table and Markdown share it): key columns, one column per measure or
//! pivot value (with a `%` column beside each when shares were asked), a `rows` column, the
//! "others" row of `--top`, and the total row.

use super::number::{grouped, percent};
use super::{NONE_LABEL, TOTAL_LABEL};
use crate::report::summary::{Row, Summary};

pub struct Grid {
    pub header: Vec<String>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// The total row, last.
    pub total: Vec<String>,
}

pub fn grid(s: &Summary) -> Grid {
    let mut header: Vec<String> = s.by.iter().map(|d| d.name().to_string()).collect();
    let mut numeric = vec![false; header.len()];
    for label in s.columns.labels() {
        header.push(if label.is_empty() {
            NONE_LABEL.to_string()
        } else {
            label.clone()
        });
        numeric.push(true);
        if s.percent {
            header.push("%".to_string());
            numeric.push(true);
        }
    }
    let pivot = s.total.total.is_some();
    if pivot {
        header.push(TOTAL_LABEL.to_lowercase());
        numeric.push(true);
    }
    header.push("rows".to_string());
    numeric.push(true);

    let line = |row: &Row, key: Vec<String>| -> Vec<String> {
        let mut out = key;
        for cell in &row.cells {
            out.push(cell.map_or(String::new(), |c| grouped(c.total)));
            if s.percent {
                out.push(cell.and_then(|c| c.percent).map_or(String::new(), percent));
            }
        }
        if let Some(t) = row.total {
            out.push(grouped(t));
        }
        out.push(row.count.to_string());
        out
    };
    let show = |k: &String| {
        if k.is_empty() {
            NONE_LABEL.to_string()
        } else {
            k.clone()
        }
    };
    let mut rows: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| line(r, r.key.iter().map(show).collect()))
        .collect();
    if let Some(o) = &s.others {
        rows.push(line(o, o.key.clone()));
    }
    let mut total_key = vec![String::new(); s.by.len()];
    if let Some(first) = total_key.first_mut() {
        *first = TOTAL_LABEL.to_string();
    }
    let total = line(&s.total, total_key);
    Grid {
        header,
        numeric,
        rows,
        total,
    }
}

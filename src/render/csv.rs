//! CSV for programs. Long and tidy by default: the `--by` dimensions, then `measure,total,count`
//! (and `percent` when asked), one line per group and measure, no total row, totals as plain
//! decimals. With `--columns`, wide: the key dimensions, one column per value, then `total` when
//! the columns share a measure.

use super::number::{percent, plain};
use crate::report::summary::Summary;
use anyhow::Result;
use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (or mangle it).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell made safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'`, so `=HYPERLINK(…)` in a unit name is shown, never run.
/// Numbers (`-5`, `-1.200.000`) are left as they are.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(TRIGGERS) && !looks_numeric(cell);
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`neutralize`], for reading danvan's own CSV back (`merge`).
pub fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) && !looks_numeric(rest) => rest,
        _ => cell,
    }
}

fn looks_numeric(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// Writes records with text cells neutralized unless `raw`.
pub struct SafeWriter {
    inner: csv::Writer<Vec<u8>>,
    raw: bool,
}

impl SafeWriter {
    pub fn new(raw: bool) -> Self {
        SafeWriter {
            inner: csv::WriterBuilder::new().from_writer(Vec::new()),
            raw,
        }
    }

    /// Writes one record; `numeric[i]` marks cells that are numbers (never touched).
    pub fn write(&mut self, cells: &[String], numeric: impl Fn(usize) -> bool) -> Result<()> {
        let out: Vec<Cow<'_, str>> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if self.raw || numeric(i) {
                    Cow::Borrowed(c.as_str())
                } else {
                    neutralize(c)
                }
            })
            .collect();
        self.inner.write_record(out.iter().map(|c| c.as_bytes()))?;
        Ok(())
    }

    pub fn finish(self) -> Result<String> {
        Ok(String::from_utf8(self.inner.into_inner()?)?)
    }
}

pub fn render(s: &Summary, raw: bool) -> Result<String> {
    let mut w = SafeWriter::new(raw);
    let keys = s.by.len();
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
        w.write(&header, |_| false)?;
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
            w.write(&rec, |i| i >= keys)?;
        }
    } else {
        let mut header: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
        header.extend(["measure", "total", "count"].map(String::from));
        if s.percent {
            header.push("percent".into());
        }
        w.write(&header, |_| false)?;
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
                w.write(&rec, |i| i > keys)?;
            }
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_numbers_are_not() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1+2", "'+1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-a", "'-a"),
            ("\tx", "'\tx"),
            ("-5", "-5"),
            ("-1.200.000", "-1.200.000"),
            ("Hội Phụ nữ", "Hội Phụ nữ"),
        ] {
            assert_eq!(neutralize(cell), want, "{cell:?}");
            assert_eq!(unneutralize(&neutralize(cell)), cell, "{cell:?}");
        }
        // Text that already starts with ' is left alone.
        assert_eq!(neutralize("'=x"), "'=x");
    }
}

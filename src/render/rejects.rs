//! `--rejects`: each rejected row's original fields under its own header names, then `file`,
//! `line` and `reason`. Files with different headers share one table by column name; fields
//! beyond a file's header go to `extra N` columns. Text cells are made safe for spreadsheets
//! like every CSV danvan writes. The column names are the files' own and the machine names; the
//! `reason` is written for the clerk who fixes the rows, in the run's language.

use super::csv::safe::SafeWriter;
use crate::domain::Lang;
use crate::problem::Rejected;
use anyhow::Result;
use rustc_hash::FxHashMap;
use std::io::Write;
use std::sync::Arc;

/// Writes `rejects`, reasons in `lang`; `files` gives each file's name and header by file index.
pub fn write(
    files: &[(Arc<str>, Vec<String>)],
    rejects: &[Rejected],
    raw: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<()> {
    // Column names in order of first appearance, and where each is: one lookup per field, so
    // a header of a million columns costs a million lookups, not a million squared.
    let mut columns: Vec<String> = Vec::new();
    let mut at: FxHashMap<&str, usize> = FxHashMap::default();
    for (_, header) in files {
        for h in header {
            at.entry(h.as_str()).or_insert_with(|| {
                columns.push(h.clone());
                columns.len() - 1
            });
        }
    }
    let placed: Vec<(Vec<String>, Vec<String>)> = rejects
        .iter()
        .map(|r| {
            let header = &files[r.file_index].1;
            let mut cells = vec![String::new(); columns.len()];
            let mut extras = Vec::new();
            for (i, f) in r.fields.iter().enumerate() {
                match header.get(i).and_then(|h| at.get(h.as_str()).copied()) {
                    Some(c) if cells[c].is_empty() => cells[c] = f.clone(),
                    _ => extras.push(f.clone()),
                }
            }
            (cells, extras)
        })
        .collect();
    let extra = placed.iter().map(|(_, e)| e.len()).max().unwrap_or(0);
    let mut w = SafeWriter::new(out, raw);
    let mut header = columns.clone();
    header.extend((1..=extra).map(|i| format!("extra {i}")));
    header.extend(["file", "line", "reason"].map(String::from));
    w.write(&header, |_| false)?;
    let line_column = header.len() - 2;
    for (r, (mut cells, mut extras)) in rejects.iter().zip(placed) {
        extras.resize(extra, String::new());
        cells.extend(extras);
        cells.push(files[r.file_index].0.to_string());
        cells.push(r.line.to_string());
        cells.push(r.reason(lang));
        w.write(&cells, |i| i == line_column)?;
    }
    w.finish()
}

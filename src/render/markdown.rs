//! A Markdown table for reports and wikis: the same sheet as the terminal table, numeric columns
//! right-aligned, the total line in bold. Pipes in values are escaped.

use crate::present::{Align, Emphasis, Locale, present};
use crate::report::table::Table;
use anyhow::Result;
use std::io::Write;

pub fn write(table: &Table, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    let sheet = present(table, locale);
    let esc = |v: &str| v.replace('|', "\\|");
    let mut line = |cells: Vec<String>| writeln!(out, "| {} |", cells.join(" | "));
    line(sheet.heads.iter().map(|h| esc(h)).collect())?;
    line(
        sheet
            .align
            .iter()
            .map(|a| match a {
                Align::Right => "---:".to_string(),
                Align::Left => "---".to_string(),
            })
            .collect(),
    )?;
    for row in &sheet.rows {
        let strong = row.emphasis == Emphasis::Strong;
        line(
            row.cells
                .iter()
                .map(|v| match (strong, v.is_empty()) {
                    (true, false) => format!("**{}**", esc(v)),
                    _ => esc(v),
                })
                .collect(),
        )?;
    }
    Ok(())
}

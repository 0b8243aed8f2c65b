//! The terminal table (comfy-table): numbers right-aligned, the total line last. The width is
//! never wrapped to the terminal, so output is the same on screen and in a file.

use crate::present::{Align, Locale, present};
use crate::report::table::Table;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, presets};
use std::io::Write;

pub fn write(table: &Table, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    let sheet = present(table, locale);
    let mut t = comfy_table::Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(sheet.heads.iter().map(Cell::new));
    let align = |i: usize| match sheet.align[i] {
        Align::Right => CellAlignment::Right,
        Align::Left => CellAlignment::Left,
    };
    for row in &sheet.rows {
        t.add_row(
            row.cells
                .iter()
                .enumerate()
                .map(|(i, v)| Cell::new(v).set_alignment(align(i))),
        );
    }
    for (i, column) in t.column_iter_mut().enumerate() {
        column.set_cell_alignment(align(i));
    }
    writeln!(out, "{t}")?;
    Ok(())
}

//! The terminal table (comfy-table): numbers right-aligned and grouped, a total row last. The
//! width is never wrapped to the terminal, so output is the same on screen and in a file.

use super::grid::grid;
use crate::report::summary::Summary;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

pub fn render(s: &Summary) -> String {
    let g = grid(s);
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(g.header.iter().map(Cell::new));
    let align = |i: usize| {
        if g.numeric[i] {
            CellAlignment::Right
        } else {
            CellAlignment::Left
        }
    };
    for row in g.rows.iter().chain(std::iter::once(&g.total)) {
        table.add_row(
            row.iter()
                .enumerate()
                .map(|(i, v)| Cell::new(v).set_alignment(align(i))),
        );
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_cell_alignment(align(i));
    }
    format!("{table}\n")
}

//! The terminal table (comfy-table's `UTF8_FULL_CONDENSED` look): numbers right-aligned, the
//! total line last. The width is never wrapped to the terminal, so output is the same on screen
//! and in a file.
//!
//! comfy-table builds every cell, padded line and border of the table in memory before the first
//! byte is written: gigabytes for a summary of millions of groups. So the table is streamed
//! instead, in comfy-table's exact layout: a first pass over the lines measures each column (the
//! cells' text is made and dropped), a second makes each line's text again and writes it. A cell
//! holding a line break (which comfy-table splits over several lines) or too wide for comfy-table's
//! widths goes to comfy-table itself, so the output is always what it would write.

use super::{BLOCK, Lines, blocks, cores, in_blocks};
use crate::domain::order::on_threads;
use crate::present::{Align, Locale, Presenter};
use crate::report::table::Table;
use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, presets};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Writes `table` with its lines `lines` (the table's own, or made as they are written): they
/// are gone through twice, once to measure the columns and once to write, in blocks on every
/// core.
pub fn write_lines(
    table: &Table,
    lines: &dyn Lines,
    locale: &Locale,
    out: &mut dyn Write,
) -> Result<()> {
    write_in_blocks(table, lines, locale, out, BLOCK, cores())
}

/// [`write_lines`], the lines measured and made into text in blocks of `block` lines, `threads`
/// blocks at a time, and written in order.
fn write_in_blocks(
    table: &Table,
    lines: &dyn Lines,
    locale: &Locale,
    out: &mut dyn Write,
    block: usize,
    threads: usize,
) -> Result<()> {
    let p = Presenter::new(table, locale);
    let heads = p.heads();
    let align = p.align();
    let blocks = blocks(lines.count(), block);
    let threads = threads.clamp(1, blocks.len().max(1));
    // Each thread measures every `threads`-th block; the widths are the widest of all.
    let measured = on_threads((0..threads).collect(), |t| -> Result<Option<Widths>> {
        let mut widths = Widths::new(&heads);
        for range in blocks.iter().skip(t).step_by(threads) {
            lines.each_in(range.clone(), &mut |line| {
                if widths.as_mut().is_some_and(|w| !w.measure(&p.cells(line))) {
                    widths = None;
                }
                Ok(())
            })?;
        }
        Ok(widths)
    });
    let mut widths: Option<Vec<usize>> = None;
    let mut fits = true;
    for part in measured {
        match (part?, &mut widths) {
            (None, _) => fits = false,
            (Some(w), None) => widths = Some(w.0),
            (Some(w), Some(all)) => {
                for (a, b) in all.iter_mut().zip(w.0) {
                    *a = (*a).max(b);
                }
            }
        }
    }
    match widths.filter(|_| fits) {
        Some(widths) => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            let mut text = String::new();
            border(&mut out, &widths, ['┌', '─', '┬', '┐'])?;
            row(&mut out, &mut text, &heads, &widths, &align)?;
            border(&mut out, &widths, ['╞', '═', '╪', '╡'])?;
            in_blocks(lines, &mut out, block, |range, bytes| {
                let mut text = String::new();
                lines.each_in(range, &mut |line| {
                    row(bytes, &mut text, &p.cells(line), &widths, &align)
                })
            })?;
            border(&mut out, &widths, ['└', '─', '┴', '┘'])?;
            out.flush()?;
            Ok(())
        }
        None => {
            let mut rows = Vec::new();
            lines.each(&mut |line| {
                rows.push(p.cells(line));
                Ok(())
            })?;
            with_comfy_table(&heads, &align, rows.into_iter(), out)
        }
    }
}

/// Each column's content width as comfy-table sets it (the widest cell, at least 1), measured
/// line by line.
struct Widths(Vec<usize>);

impl Widths {
    /// The widths of the heads, or `None` when there are none (comfy-table's own case).
    fn new(heads: &[String]) -> Option<Widths> {
        if heads.is_empty() {
            return None;
        }
        let mut w = Widths(vec![1; heads.len()]);
        w.measure(heads).then_some(w)
    }

    /// Widens the columns to `cells`; false when some cell needs what only comfy-table does:
    /// a line break, a width past its `u16`, or a line whose cells do not match the heads.
    fn measure(&mut self, cells: &[String]) -> bool {
        // comfy-table's widths are u16 and a column is its content plus two spaces of padding.
        const MAX: usize = u16::MAX as usize - 2;
        if cells.len() != self.0.len() {
            return false;
        }
        for (w, c) in self.0.iter_mut().zip(cells) {
            if c.contains('\n') {
                return false;
            }
            let cw = c.width();
            if cw > MAX {
                return false;
            }
            *w = (*w).max(cw);
        }
        true
    }
}

/// Each column's content width as comfy-table sets it, or `None` when comfy-table must lay the
/// table out itself ([`Widths::measure`]).
#[cfg(test)]
fn widths(heads: &[String], rows: impl Iterator<Item = Vec<String>>) -> Option<Vec<usize>> {
    let mut w = Widths::new(heads)?;
    for cells in rows {
        if !w.measure(&cells) {
            return None;
        }
    }
    Some(w.0)
}

/// A horizontal line: the left corner, each column's width plus padding in `fill`, joined by
/// the junction, the right corner.
fn border(
    out: &mut dyn Write,
    widths: &[usize],
    [left, fill, junction, right]: [char; 4],
) -> Result<()> {
    let mut line = String::new();
    line.push(left);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            line.push(junction);
        }
        line.extend(std::iter::repeat_n(fill, w + 2));
    }
    line.push(right);
    line.push('\n');
    out.write_all(line.as_bytes())?;
    Ok(())
}

/// One line of cells, each padded by a space either side and aligned in its column.
fn row(
    out: &mut dyn Write,
    text: &mut String,
    cells: &[String],
    widths: &[usize],
    align: &[Align],
) -> Result<()> {
    text.clear();
    text.push('│');
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            text.push('┆');
        }
        let room = w.saturating_sub(cell.width());
        let (left, right) = match align.get(i) {
            Some(Align::Right) => (room, 0),
            _ => (0, room),
        };
        text.extend(std::iter::repeat_n(' ', left + 1));
        text.push_str(cell);
        text.extend(std::iter::repeat_n(' ', right + 1));
    }
    text.push_str("│\n");
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// The table as comfy-table writes it, all in memory: for the rare cells it lays out itself.
fn with_comfy_table(
    heads: &[String],
    align: &[Align],
    rows: impl Iterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut t = comfy_table::Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(heads.iter().map(Cell::new));
    let align = |i: usize| match align.get(i) {
        Some(Align::Right) => CellAlignment::Right,
        _ => CellAlignment::Left,
    };
    for cells in rows {
        t.add_row(
            cells
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The streamed table, as bytes.
    fn streamed(heads: &[String], align: &[Align], rows: &[Vec<String>]) -> Option<String> {
        let widths = widths(heads, rows.iter().cloned())?;
        let mut out = Vec::new();
        let mut text = String::new();
        border(&mut out, &widths, ['┌', '─', '┬', '┐']).unwrap();
        row(&mut out, &mut text, heads, &widths, align).unwrap();
        border(&mut out, &widths, ['╞', '═', '╪', '╡']).unwrap();
        for cells in rows {
            row(&mut out, &mut text, cells, &widths, align).unwrap();
        }
        border(&mut out, &widths, ['└', '─', '┴', '┘']).unwrap();
        String::from_utf8(out).ok()
    }

    fn comfy(heads: &[String], align: &[Align], rows: &[Vec<String>]) -> String {
        let mut out = Vec::new();
        with_comfy_table(heads, align, rows.iter().cloned(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Cell text of every width class: empty, ASCII, Vietnamese (combining marks too), wide
    /// CJK, emoji, zero-width and control characters.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just(""),
                Just("a"),
                Just("1,250,000"),
                Just("Chi hội "),
                Just("e\u{301}"),
                Just("Đ"),
                Just("中文"),
                Just("🙂"),
                Just("\u{200b}"),
                Just("\t"),
                Just("\r"),
                Just(" "),
            ],
            0..5,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// The streamed table is byte for byte comfy-table's, whatever the cells hold.
        #[test]
        fn streamed_table_is_comfy_tables(
            columns in 1usize..5,
            cells in proptest::collection::vec(text(), 0..40),
            right in proptest::collection::vec(any::<bool>(), 5),
        ) {
            let heads: Vec<String> = (0..columns).map(|i| ["unit", "VND", "", "rows", "Đơn vị"][i].to_string()).collect();
            let align: Vec<Align> = right[..columns].iter().map(|&r| if r { Align::Right } else { Align::Left }).collect();
            let rows: Vec<Vec<String>> = cells.chunks(columns).filter(|c| c.len() == columns).map(<[String]>::to_vec).collect();
            let got = streamed(&heads, &align, &rows);
            prop_assert!(got.is_some());
            prop_assert_eq!(got.unwrap(), comfy(&heads, &align, &rows));
        }
    }

    /// A summary-like table of `units` (one VND column and the rows), then its total line.
    pub(crate) fn table_of(units: &[String]) -> Table {
        use crate::domain::Value;
        use crate::report::table::{Across, Cell, Head, Kind, Line};
        use rust_decimal::Decimal;
        let line = |kind, label: Vec<Value>, n: i64| Line {
            kind,
            label,
            cells: vec![
                Cell::Amount(Decimal::new(n * 1_250_000 + 7, 1)),
                Cell::Count(n as u64),
                Cell::Count(n as u64),
            ],
        };
        let mut lines: Vec<Line> = (units.iter().enumerate())
            .map(|(i, u)| {
                line(
                    Kind::Body,
                    vec![Value::Text(u.clone())],
                    i as i64 * 37 - 100,
                )
            })
            .collect();
        lines.push(line(Kind::Total, Vec::new(), 12_345));
        Table {
            dims: vec![crate::domain::Dim::Unit],
            across: Across::Measures,
            columns: vec![
                Head::Amount {
                    measure: "VND".into(),
                    value: None,
                },
                Head::Count { of: 0 },
                Head::Rows,
            ],
            lines,
            shares: false,
            tree: false,
        }
    }

    proptest! {
        /// Lines measured and made in blocks on several threads give the table one pass on
        /// one thread gives, whichever block holds the widest cell or one only comfy-table
        /// lays out.
        #[test]
        fn blocks_on_threads_write_the_table_one_block_writes(
            units in proptest::collection::vec(text(), 0..30),
            block in 1usize..7,
            threads in 1usize..4,
            vietnamese in any::<bool>(),
            line_break in proptest::option::of(0usize..30),
        ) {
            let mut units = units;
            if let Some(at) = line_break.filter(|&at| at < units.len()) {
                units[at] = "Khu 1\nKhu 2".to_string();
            }
            let lang = if vietnamese { crate::domain::Lang::Vi } else { crate::domain::Lang::En };
            let locale = Locale::of(lang);
            let table = table_of(&units);
            let mut whole = Vec::new();
            write_in_blocks(&table, &table.lines, &locale, &mut whole, usize::MAX, 1).unwrap();
            let mut blocks = Vec::new();
            write_in_blocks(&table, &table.lines, &locale, &mut blocks, block, threads).unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&blocks), String::from_utf8_lossy(&whole));
            // And one pass is the sheet comfy-table lays out.
            let p = crate::present::present(&table, &locale);
            let rows: Vec<Vec<String>> = p.rows.iter().map(|r| r.cells.clone()).collect();
            prop_assert_eq!(String::from_utf8_lossy(&whole), comfy(&p.heads, &p.align, &rows));
        }
    }

    #[test]
    fn a_line_break_in_a_cell_is_left_to_comfy_table() {
        let heads = vec!["unit".to_string(), "VND".to_string()];
        let rows = vec![vec!["a\nb".to_string(), "1".to_string()]];
        assert!(widths(&heads, rows.iter().cloned()).is_none());
        let mut out = Vec::new();
        let p_align = [Align::Left, Align::Right];
        with_comfy_table(&heads, &p_align, rows.into_iter(), &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("│ b    ┆     │"));
    }
}

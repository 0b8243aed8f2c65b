//! CSV for programs, written from the report table's typed values (never from presented text),
//! the same in every language. Long and tidy by default: the label dimensions, then
//! `measure,total,count` (and `percent` when shares were asked), one line per group and amount
//! column, no total line, amounts as plain decimals. Wide on request: the label dimensions, one
//! column per amount column (with `LABEL %` beside each when shares were asked), then `total`
//! when the columns share a measure; every head of it names one column only (see
//! [`write_wide`]). `read_back` reads the long form again, for `merge`.
//!
//! `--excel` writes the same table, cells and header for Excel as a clerk's copy runs it: a
//! UTF-8 BOM, CRLF, and the list separator and decimal mark of the language ([`Excel`]), as
//! Excel itself saves CSV in that language. Numbers stay unquoted and ungrouped, so Excel reads
//! them as numbers and sums them; `merge` reads this form back too.

pub mod read_back;
pub mod safe;

use super::{BLOCK, Lines, in_blocks};
use crate::domain::Lang;
use crate::domain::amount::{Plain, plain_percent};
use crate::domain::measure::VND;
use crate::report::table::{Across, Cell, Head, Kind, Line, Table};
use anyhow::Result;
use safe::{Dialect, Records, SafeWriter};
use std::collections::HashSet;
use std::io::Write;

/// How Excel in a language writes CSV: the list separator between cells and the decimal mark in
/// numbers. Windows sets both from the region: Vietnamese uses `;` and `,` (the comma is the
/// decimal mark, so it cannot separate cells), English `,` and `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excel {
    pub separator: u8,
    pub decimal: char,
}

impl Excel {
    pub fn of(lang: Lang) -> Excel {
        match lang {
            Lang::Vi => Excel {
                separator: b';',
                decimal: ',',
            },
            Lang::En => Excel {
                separator: b',',
                decimal: '.',
            },
        }
    }
}

/// A cell as programs read it; for Excel, with its decimal mark.
fn text(cell: Cell, excel: Option<Excel>) -> String {
    let mut out = String::new();
    text_into(cell, excel, &mut out);
    out
}

/// [`text`] into `out`, which is cleared first: a writer of millions of lines reuses one.
fn text_into(cell: Cell, excel: Option<Excel>, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    // Writing into a `String` cannot fail.
    let _ = match cell {
        Cell::Empty => Ok(()),
        Cell::Amount(d) => write!(out, "{}", Plain(d)),
        Cell::Count(n) => write!(out, "{n}"),
        Cell::Percent(p) => write!(out, "{}", plain_percent(p)),
    };
    if let Some(e) = excel
        && e.decimal != '.'
        && matches!(cell, Cell::Amount(_) | Cell::Percent(_))
    {
        *out = out.replace('.', &e.decimal.to_string());
    }
}

/// The CSV writer: danvan's own (`,`, LF) or Excel's.
fn writer(
    out: &mut dyn Write,
    raw: bool,
    excel: Option<Excel>,
) -> Result<SafeWriter<&mut dyn Write>> {
    match excel {
        None => Ok(SafeWriter::new(out, raw)),
        Some(e) => SafeWriter::excel(out, raw, e),
    }
}

/// One line per body line and non-empty amount column.
pub fn write_long(
    table: &Table,
    raw: bool,
    excel: Option<Excel>,
    out: &mut dyn Write,
) -> Result<()> {
    write_long_lines(table, &table.lines, raw, excel, out, BLOCK)
}

/// [`write_long`] with the lines `lines` in place of the table's own, made into text in blocks
/// of `block` lines on every core.
pub fn write_long_lines(
    table: &Table,
    lines: &dyn Lines,
    raw: bool,
    excel: Option<Excel>,
    out: &mut dyn Write,
    block: usize,
) -> Result<()> {
    let header = Long {
        dims: &table.dims,
        tree: table.tree,
        shares: table.shares,
    };
    let amounts: Vec<(usize, String, Option<usize>, Option<usize>)> = table
        .amounts()
        .map(|(c, head)| {
            let name = match head {
                Head::Amount { value: Some(v), .. } => v.to_string(),
                Head::Amount { measure, .. } => measure.clone(),
                _ => String::new(),
            };
            let count = table.column_of(Head::count_of, c);
            let share = table.column_of(Head::share_of, c);
            (c, name, count, share)
        })
        .collect();
    // The header written, the blocks of lines follow it.
    LongWriter::new(&mut *out, raw, excel, header)?.finish()?;
    in_blocks(lines, out, block, |range, bytes| {
        let mut w = LongWriter::body(bytes, raw, excel, header);
        data_lines(lines, range, &mut |line| {
            for (c, name, count, share) in &amounts {
                let Cell::Amount(total) = line.cells[*c] else {
                    continue;
                };
                let label = label_cells(table, line);
                let share = table.shares.then(|| line.cell(*share));
                w.line(&label, name, total, line.cell(*count), share)?;
            }
            Ok(())
        })?;
        w.finish()
    })
}

/// What the long form's header names: the label dimensions, a tree's `level`, shares.
#[derive(Debug, Clone, Copy)]
pub struct Long<'a> {
    pub dims: &'a [crate::domain::Dim],
    pub tree: bool,
    pub shares: bool,
}

/// The long form, written a line at a time: for a table, and for a summary written straight
/// from its groups without one. Either way each cell is made here, so the two agree byte for
/// byte.
pub struct LongWriter<'a> {
    out: &'a mut dyn Write,
    excel: Option<Excel>,
    shape: Long<'a>,
    /// The line's numbers, their text reused from line to line.
    numbers: [String; 3],
    /// The lines, made here as the writer would make them, and given to it by the
    /// [`LINES_BUFFERED`] bytes.
    records: Records,
    lines: Vec<u8>,
}

/// How many bytes of lines a [`LongWriter`] gathers before it writes them.
const LINES_BUFFERED: usize = 1 << 16;

impl<'a> LongWriter<'a> {
    /// Starts the long form in `out` with its header.
    pub fn new(
        out: &'a mut dyn Write,
        raw: bool,
        excel: Option<Excel>,
        shape: Long<'a>,
    ) -> Result<LongWriter<'a>> {
        let mut w = writer(&mut *out, raw, excel)?;
        let mut header: Vec<String> = shape.dims.iter().map(|d| d.name().to_string()).collect();
        if shape.tree {
            header.push("level".into());
        }
        header.extend(["measure", "total", "count"].map(String::from));
        if shape.shares {
            header.push("percent".into());
        }
        w.write(&header, |_| false)?;
        w.finish()?;
        Ok(LongWriter::body(out, raw, excel, shape))
    }

    /// The long form's lines without its header (nor the BOM of Excel's form): a part of the
    /// lines made apart, to be written after the header and the lines before them.
    pub fn body(
        out: &'a mut dyn Write,
        raw: bool,
        excel: Option<Excel>,
        shape: Long<'a>,
    ) -> LongWriter<'a> {
        LongWriter {
            records: Records::new(Dialect::of(raw, excel)),
            out,
            excel,
            shape,
            numbers: Default::default(),
            lines: Vec::with_capacity(LINES_BUFFERED),
        }
    }

    /// One line: its label cells (a tree's level last), the amount column's name, its total,
    /// its rows and, when the header has shares, its share.
    pub fn line<S: AsRef<str>>(
        &mut self,
        label: &[S],
        name: &str,
        total: rust_decimal::Decimal,
        count: Cell,
        share: Option<Cell>,
    ) -> Result<()> {
        let [amount, rows, percent] = &mut self.numbers;
        text_into(Cell::Amount(total), self.excel, amount);
        text_into(count, self.excel, rows);
        if let Some(share) = share {
            text_into(share, self.excel, percent);
        }
        let numbers = [amount.as_str(), rows.as_str(), percent.as_str()];
        let numbers = &numbers[..2 + usize::from(share.is_some())];
        let cells = (label.iter().map(AsRef::as_ref))
            .chain([name])
            .chain(numbers.iter().copied());
        let (keys, tree) = (self.shape.dims.len(), self.shape.tree);
        (self.records).push(&mut self.lines, cells, |i| i > keys || (tree && i == keys));
        if self.lines.len() >= LINES_BUFFERED {
            self.out.write_all(&self.lines)?;
            self.lines.clear();
        }
        Ok(())
    }

    /// Writes what is buffered into the sink.
    pub fn finish(self) -> Result<()> {
        self.out.write_all(&self.lines)?;
        Ok(self.out.flush()?)
    }
}

/// The machine name of column `c`: the measure or pivoted value of an amount, and names derived
/// from it for shares and changes.
pub fn column_name(table: &Table, c: usize) -> String {
    match &table.columns[c] {
        Head::Amount { value: Some(v), .. } => v.to_string(),
        Head::Amount { measure, .. } => measure.clone(),
        Head::Mobilized { measure } if measure == VND => "mobilized".to_string(),
        Head::Mobilized { measure } => measure.clone(),
        Head::Share { of } => format!("{} %", column_name(table, *of)),
        Head::Total { .. } => "total".to_string(),
        Head::Change { of, .. } => format!("change_{}", column_name(table, *of)),
        Head::ChangePct { of, .. } => format!("change_pct_{}", column_name(table, *of)),
        Head::Models => "models".to_string(),
        Head::Target { .. } => "target".to_string(),
        Head::Progress { .. } => "percent".to_string(),
        Head::Count { .. } => "count".to_string(),
        Head::Rows => "rows".to_string(),
    }
}

/// Calls `f` with the lines of `range` programs read: groups, and a tree's subtotals and direct
/// lines; never the others or total line (a program adds those up itself).
fn data_lines(
    lines: &dyn Lines,
    range: std::ops::Range<usize>,
    f: &mut dyn FnMut(&Line) -> Result<()>,
) -> Result<()> {
    lines.each_in(range, &mut |l| match l.kind {
        Kind::Body | Kind::Subtotal | Kind::Direct => f(l),
        _ => Ok(()),
    })
}

/// The label dimensions' names, then `level` for a tree.
fn label_header(table: &Table) -> Vec<String> {
    let mut header: Vec<String> = table.dims.iter().map(|d| d.name().to_string()).collect();
    if table.tree {
        header.push("level".into());
    }
    header
}

/// A line's label values, then its level (1 at the top) for a tree.
fn label_cells(table: &Table, line: &Line) -> Vec<String> {
    let mut cells: Vec<String> = line.label.iter().map(|v| v.to_string()).collect();
    if table.tree {
        cells.push((line.level() + 1).to_string());
    }
    cells
}

/// The table as it is: one line per data line, one column per amount (and share, change,
/// target…) column; per-column row counts are left out.
pub fn write_wide(
    table: &Table,
    raw: bool,
    excel: Option<Excel>,
    out: &mut dyn Write,
) -> Result<()> {
    write_wide_lines(table, &table.lines, raw, excel, out, BLOCK)
}

/// [`write_wide`] with the lines `lines` in place of the table's own, made into text in blocks
/// of `block` lines on every core.
pub fn write_wide_lines(
    table: &Table,
    lines: &dyn Lines,
    raw: bool,
    excel: Option<Excel>,
    out: &mut dyn Write,
    block: usize,
) -> Result<()> {
    let keys = label_header(table).len();
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&c| !matches!(table.columns[c], Head::Count { .. } | Head::Rows))
        .collect();
    let mut w = writer(&mut *out, raw, excel)?;
    w.write(&wide_header(table, &shown), |_| false)?;
    w.finish()?;
    in_blocks(lines, out, block, |range, bytes| {
        let mut w = match excel {
            None => SafeWriter::new(bytes as &mut dyn Write, raw),
            Some(e) => SafeWriter::excel_body(bytes as &mut dyn Write, raw, e),
        };
        data_lines(lines, range, &mut |line| {
            let mut rec = label_cells(table, line);
            rec.extend(shown.iter().map(|&c| text(line.cells[c], excel)));
            w.write(&rec, |i| i >= keys || (table.tree && i == keys - 1))
        })?;
        w.finish()
    })
}

/// The wide header: the label dimensions' names (and `level`), one name per shown column. Every
/// name is non-empty and unique, ignoring case (a spreadsheet or a `DictReader` keeps only one
/// of two equal names): an empty value is `(none)` as in the table, and a value that would
/// repeat a name already taken (`unit`, `total`, another value's `X %`) gets the pivoted
/// dimension's name after it, `total (source)`, then a number if even that is taken.
fn wide_header(table: &Table, shown: &[usize]) -> Vec<String> {
    let mut header = label_header(table);
    let mut taken: HashSet<String> = header.iter().map(|h| h.to_lowercase()).collect();
    // The fixed names (`total`, `target`…) first, so that no value can take one.
    let fixed = |c: usize| {
        !matches!(
            table.columns[c],
            Head::Amount { .. } | Head::Share { .. } | Head::Change { .. } | Head::ChangePct { .. }
        )
    };
    for &c in shown.iter().filter(|&&c| fixed(c)) {
        taken.insert(column_name(table, c).to_lowercase());
    }
    let pivoted = match &table.across {
        Across::Values { dim, .. } => dim.name(),
        Across::Measures => "measure",
    };
    let mut names: Vec<Option<String>> = vec![None; table.columns.len()];
    for &c in shown {
        let of_name = |of: usize, names: &[Option<String>]| {
            names[of].clone().unwrap_or_else(|| column_name(table, of))
        };
        let name = match &table.columns[c] {
            Head::Share { of } => {
                unique(format!("{} %", of_name(*of, &names)), pivoted, &mut taken)
            }
            Head::Change { of, .. } => unique(
                format!("change_{}", of_name(*of, &names)),
                pivoted,
                &mut taken,
            ),
            Head::ChangePct { of, .. } => unique(
                format!("change_pct_{}", of_name(*of, &names)),
                pivoted,
                &mut taken,
            ),
            Head::Amount { value, measure } => {
                let value = match value {
                    Some(v) => v.to_string(),
                    None => measure.clone(),
                };
                let value = if value.is_empty() {
                    "(none)".to_string()
                } else {
                    value
                };
                unique(value, pivoted, &mut taken)
            }
            _ => column_name(table, c),
        };
        names[c] = Some(name.clone());
        header.push(name);
    }
    header
}

/// `name`, or `name (dim)`, or `name (dim) 2`… whichever is not taken yet; then taken.
fn unique(name: String, dim: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = if n == 1 {
            format!("{name} ({dim})")
        } else {
            format!("{name} ({dim}) {n}")
        };
        n += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

//! Workbooks (`rust_xlsxwriter`) for analysts who open the figures in Excel or LibreOffice: one
//! sheet per table, named in the report's language; a bold header row that stays in view;
//! columns as wide as their text. Totals are numbers, never text: each with a format that groups
//! thousands the reader's own way (`#,##0`) and shows every decimal the amount has (`#,##0.0`
//! for 106.8), percentages with two decimals. Text is always written as text, so a unit named
//! `=HYPERLINK(…)` is shown, never run (a cell becomes a formula only through `write_formula`,
//! which danvan never calls).
//!
//! A spreadsheet keeps a number in 15 significant digits. An amount it could not keep exactly
//! is refused with the cell named, rather than written as a different figure; the CSV output
//! has every digit.

use super::Lines;
use crate::present::locale::Words;
use crate::present::report::{audit_lines, headline, inputs, notes, results};
use crate::present::{Emphasis, Locale, Number, Presenter, Sheet, SheetRow, present};
use crate::report::table::{Head, Table};
use crate::report::yearend::{Part, YearEnd};
use anyhow::{Result, anyhow, bail};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::collections::HashMap;
use std::io::Write;

/// The digits a spreadsheet shows and keeps of a number.
const SPREADSHEET_DIGITS: u32 = 15;

/// Widest column, in characters.
const MAX_WIDTH: usize = 80;

/// One table in a workbook of one sheet (`summary`, `models`), its lines `lines` (the table's
/// own, or made as they are written): each line is made into its cells when it is written (and once before, to fit the columns), so a summary of many groups
/// never holds its text.
pub fn write_lines(
    table: &Table,
    lines: &dyn Lines,
    locale: &Locale,
    out: &mut dyn Write,
) -> Result<()> {
    let is_models = table
        .columns
        .iter()
        .any(|h| matches!(h, Head::Models | Head::Mobilized { .. }));
    let name = locale.words(&Words::TableSheet {
        command: if is_models { "models" } else { "summary" },
    });
    let presenter = Presenter::new(table, locale);
    let rows = LineRows {
        heads: presenter.heads(),
        presenter,
        lines,
    };
    let mut book = Book::new();
    book.sheet(&name, &rows, &[])?;
    book.finish(out)
}

/// The rows of a sheet, gone through once to fit the columns and once to write them.
trait Rows {
    fn heads(&self) -> &[String];
    fn count(&self) -> usize;
    fn each(&self, f: &mut dyn FnMut(&SheetRow) -> Result<()>) -> Result<()>;
}

impl Rows for Sheet {
    fn heads(&self) -> &[String] {
        &self.heads
    }

    fn count(&self) -> usize {
        self.rows.len()
    }

    fn each(&self, f: &mut dyn FnMut(&SheetRow) -> Result<()>) -> Result<()> {
        self.rows.iter().try_for_each(f)
    }
}

/// A table's lines as rows, each presented when it is met.
struct LineRows<'a> {
    heads: Vec<String>,
    presenter: Presenter<'a>,
    lines: &'a dyn Lines,
}

impl Rows for LineRows<'_> {
    fn heads(&self) -> &[String] {
        &self.heads
    }

    fn count(&self) -> usize {
        self.lines.count()
    }

    fn each(&self, f: &mut dyn FnMut(&SheetRow) -> Result<()>) -> Result<()> {
        self.lines.each(&mut |line| f(&self.presenter.row(line)))
    }
}

/// Rows a worksheet holds, its head row among them (Excel's and LibreOffice's limit).
const SHEET_ROWS: usize = 1_048_576;

/// The year-end report: a sheet per part.
pub fn write_report(report: &YearEnd, locale: &Locale, out: &mut dyn Write) -> Result<()> {
    let mut book = Book::new();
    book.sheet(
        &locale.sheet_name(report, Part::Headline),
        &headline(report, locale),
        &[],
    )?;
    for s in &report.sections {
        let name = locale.sheet_name(report, s.part);
        let lines = notes(report, &s.notes, locale);
        match &s.table {
            Some(table) => book.sheet(&name, &present(table, locale), &lines)?,
            None => book.lines(&name, &lines)?,
        }
    }
    if let Some(lines) = &report.results {
        book.sheet(
            &locale.sheet_name(report, Part::Results),
            &results(lines, locale),
            &[],
        )?;
    }
    let mut lines = audit_lines(report, locale);
    lines.push(format!(
        "{}: {}",
        locale.words(&Words::CommandHead),
        report.audit.command
    ));
    book.sheet(
        &locale.sheet_name(report, Part::Audit),
        &inputs(&report.audit, locale),
        &lines,
    )?;
    book.finish(out)
}

/// A workbook being written, with the cell formats made so far.
struct Book {
    book: Workbook,
    formats: HashMap<(Kind, bool), Format>,
}

/// What a cell's format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Text,
    /// An amount with this many decimals.
    Amount(u32),
    Count,
    Percent,
}

impl Book {
    fn new() -> Book {
        let mut book = Workbook::new();
        // Excel's own level: most of a large workbook's time was spent compressing its XML at
        // the default level 6; 3 takes about a third less for a file a few percent larger.
        book.set_zip_compression_level(3);
        Book {
            book,
            formats: HashMap::new(),
        }
    }

    fn format(&mut self, kind: Kind, bold: bool) {
        self.formats.entry((kind, bold)).or_insert_with(|| {
            let f = match kind {
                Kind::Text => Format::new(),
                Kind::Amount(0) | Kind::Count => Format::new().set_num_format("#,##0"),
                Kind::Amount(s) => {
                    Format::new().set_num_format(format!("#,##0.{}", "0".repeat(s as usize)))
                }
                Kind::Percent => Format::new().set_num_format("0.00"),
            };
            if bold { f.set_bold() } else { f }
        });
    }

    fn add(&mut self, name: &str) -> Result<&mut Worksheet> {
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet
            .set_name(name)
            .map_err(|e| anyhow!("sheet name {name:?}: {e}"))?;
        Ok(sheet)
    }

    /// A sheet holding `rows` as a table, then `lines` of text below it. Cells are written
    /// row by row as they are checked, each with a reference to one of a few shared formats.
    /// A table longer than a worksheet is refused before anything is made.
    fn sheet(&mut self, name: &str, rows: &dyn Rows, lines: &[String]) -> Result<()> {
        let below = if lines.is_empty() { 0 } else { 1 + lines.len() };
        let needed = 1 + rows.count() + below;
        if needed > SHEET_ROWS {
            bail!(
                "sheet {name:?} would need {needed} rows, and a worksheet holds {SHEET_ROWS}; \
                 write this table with --format csv, or show fewer lines (--top N)"
            );
        }
        // In one pass over the cells: each column's width, every format the sheet needs and
        // each column's usual one, all made before the sheet borrows the workbook.
        let mut widths: Vec<usize> = rows.heads().iter().map(|h| h.chars().count()).collect();
        let mut kinds = Kinds::new(widths.len());
        rows.each(&mut |row| {
            for (c, text) in row.cells.iter().enumerate() {
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(text.chars().count());
                }
            }
            kinds.add(row);
            Ok(())
        })?;
        let (kinds, usual) = kinds.finish();
        for (kind, bold) in kinds {
            self.format(kind, bold);
        }
        let formats = &self.formats;
        let ws = self.book.add_worksheet_with_constant_memory()?;
        ws.set_name(name)
            .map_err(|e| anyhow!("sheet name {name:?}: {e}"))?;
        // Widths must be set before rows are streamed out.
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (w + 2).clamp(6, MAX_WIDTH) as f64)?;
        }
        // Each column's most common number format becomes the column's own, so the many cells
        // that have it are written with no format: rust_xlsxwriter hashes a whole `Format` for
        // every cell written with one, which was a fifth of a large workbook's cost. The cells
        // come out the same (an unformatted cell takes its column's format).
        for (c, kind) in usual.iter().enumerate() {
            if let Some(kind) = kind {
                ws.set_column_format(c as u16, &formats[&(*kind, false)])?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        let bold = &formats[&(Kind::Text, true)];
        for (c, h) in rows.heads().iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, bold)?;
        }
        let mut at = 0u32;
        rows.each(&mut |row| {
            let strong = row.emphasis != Emphasis::None;
            at += 1;
            for (c, text) in row.cells.iter().enumerate() {
                let column = usual.get(c).copied().flatten();
                match row.numbers.get(c).copied().flatten() {
                    Some(n) => {
                        let (value, kind) = number(n).ok_or_else(|| {
                            anyhow!(
                                "sheet {name:?}, cell {}: {} has more digits than a spreadsheet \
                                 keeps ({SPREADSHEET_DIGITS}); use --format csv for the exact figures",
                                cell_name(at, c as u16),
                                text
                            )
                        })?;
                        if !strong && column == Some(kind) {
                            // The column's own format applies: no per-cell format to look up.
                            ws.write_number(at, c as u16, value)?;
                        } else {
                            ws.write_number_with_format(
                                at,
                                c as u16,
                                value,
                                &formats[&(kind, strong)],
                            )?;
                        }
                    }
                    None if text.is_empty() => {}
                    // Plain text in a column with no format of its own: the default format.
                    None if !strong && column.is_none() => {
                        ws.write_string(at, c as u16, text)?;
                    }
                    None => {
                        ws.write_string_with_format(
                            at,
                            c as u16,
                            text,
                            &formats[&(Kind::Text, strong)],
                        )?;
                    }
                }
            }
            Ok(())
        })?;
        let below = at + 2;
        for (i, line) in lines.iter().enumerate() {
            ws.write_string(below + i as u32, 0, line)?;
        }
        Ok(())
    }

    /// A sheet of text lines only (a part with nothing to tabulate says why).
    fn lines(&mut self, name: &str, lines: &[String]) -> Result<()> {
        let ws = self.add(name)?;
        for (i, line) in lines.iter().enumerate() {
            ws.write_string(i as u32, 0, line)?;
        }
        ws.set_column_width(0, MAX_WIDTH as f64)?;
        Ok(())
    }

    fn finish(mut self, out: &mut dyn Write) -> Result<()> {
        let bytes = self.book.save_to_buffer()?;
        out.write_all(&bytes)?;
        Ok(())
    }
}

/// Gathered row by row: every (format, bold) a sheet needs, and per column the format most of
/// its plain (not bold) numbers have (`None` for a column without numbers). Ties go to the first
/// format met, so the choice never depends on a hash.
struct Kinds {
    needed: Vec<(Kind, bool)>,
    counts: Vec<Vec<(Kind, usize)>>,
}

impl Kinds {
    fn new(columns: usize) -> Kinds {
        Kinds {
            needed: vec![(Kind::Text, true), (Kind::Text, false)],
            counts: vec![Vec::new(); columns],
        }
    }

    fn add(&mut self, row: &SheetRow) {
        let strong = row.emphasis != Emphasis::None;
        for (c, n) in row.numbers.iter().enumerate() {
            let Some((_, kind)) = n.and_then(number) else {
                continue;
            };
            if !self.needed.contains(&(kind, strong)) {
                self.needed.push((kind, strong));
            }
            let Some(kinds) = self.counts.get_mut(c).filter(|_| !strong) else {
                continue;
            };
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((kind, 1)),
            }
        }
    }

    fn finish(self) -> (Vec<(Kind, bool)>, Vec<Option<Kind>>) {
        let usual = self
            .counts
            .into_iter()
            .map(|kinds| {
                let most = kinds.iter().map(|(_, n)| *n).max()?;
                kinds.iter().find(|(_, n)| *n == most).map(|(k, _)| *k)
            })
            .collect();
        (self.needed, usual)
    }
}

/// A number as a spreadsheet stores it, and its format; `None` when a spreadsheet cannot keep it
/// exactly.
fn number(n: Number) -> Option<(f64, Kind)> {
    match n {
        Number::Count(c) => {
            let v = c as f64;
            (v as u64 == c && c < 10u64.pow(SPREADSHEET_DIGITS)).then_some((v, Kind::Count))
        }
        Number::Amount(d) => exact(d).map(|v| (v, Kind::Amount(d.normalize().scale()))),
        Number::Percent(p) => exact(p).map(|v| (v, Kind::Percent)),
    }
}

/// `d` as the double a spreadsheet stores, if that double is `d` exactly and has at most
/// [`SPREADSHEET_DIGITS`] significant digits.
///
/// Any decimal of at most 15 significant digits survives the trip to the nearest double and
/// back (the shortest text of that double is the decimal again: IEEE 754's 15 "decimal digits
/// of precision"), so the test is the count of digits; the double is found with one correctly
/// rounded operation where that is possible, and from the text otherwise.
fn exact(d: Decimal) -> Option<f64> {
    let d = d.normalize();
    let mantissa = d.mantissa();
    if significant_digits(mantissa) > SPREADSHEET_DIGITS {
        return None;
    }
    match d.scale() as usize {
        // An integer: one rounding of the exact value.
        0 => Some(mantissa as f64),
        // Both `mantissa` (under 10^15 < 2^53) and 10^scale are exact doubles: their quotient
        // is rounded once, so it is the nearest double to `d`.
        s if s < POWERS_OF_TEN.len() => Some(mantissa as f64 / POWERS_OF_TEN[s]),
        _ => crate::domain::amount::plain(d).parse().ok(),
    }
}

/// 10^0 to 10^22: the powers of ten a double holds exactly.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// How many digits `m` has once its trailing zeros are left out (0 has none).
fn significant_digits(m: i128) -> u32 {
    let mut m = m.unsigned_abs();
    if m == 0 {
        return 0;
    }
    while m.is_multiple_of(10) {
        m /= 10;
    }
    m.ilog10() + 1
}

/// `B7` for row 6, column 1 (both from 0).
fn cell_name(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.insert(0, (b'A' + r as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    /// The first way `exact` was written, through text both ways: the oracle of the fast one.
    fn exact_by_text(d: Decimal) -> Option<f64> {
        let plain = crate::domain::amount::plain(d);
        let v: f64 = plain.parse().ok()?;
        let back = Decimal::from_str(&format!("{v}")).ok()?;
        let digits = d
            .normalize()
            .mantissa()
            .unsigned_abs()
            .to_string()
            .trim_end_matches('0')
            .len() as u32;
        (back == d && digits <= SPREADSHEET_DIGITS).then_some(v)
    }

    proptest! {
        #[test]
        fn exact_agrees_with_the_text_round_trip(
            mantissa in prop_oneof![
                any::<i64>().prop_map(i128::from),
                (-999_999_999_999_999i128..=999_999_999_999_999),
                (0u32..28).prop_map(|p| 10i128.pow(p)),
                (1i128..=9_999, 0u32..24).prop_map(|(m, p)| m * 10i128.pow(p)),
            ],
            scale in 0u32..=28,
        ) {
            let d = Decimal::from_i128_with_scale(mantissa, scale);
            let fast = exact(d);
            let slow = exact_by_text(d);
            prop_assert_eq!(fast.map(f64::to_bits), slow.map(f64::to_bits), "{}", d);
        }
    }

    #[test]
    fn spreadsheet_numbers_are_exact_or_refused() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(
            number(Number::Amount(d("106800000"))),
            Some((106800000.0, Kind::Amount(0)))
        );
        assert_eq!(
            number(Number::Amount(d("106.80"))),
            Some((106.8, Kind::Amount(1)))
        );
        assert_eq!(
            number(Number::Amount(d("-0.125"))),
            Some((-0.125, Kind::Amount(3)))
        );
        assert_eq!(
            number(Number::Percent(d("24.82"))),
            Some((24.82, Kind::Percent))
        );
        assert_eq!(
            number(Number::Amount(d("1000000000000000000000"))).map(|n| n.1),
            Some(Kind::Amount(0))
        );
        // 16 significant digits: a spreadsheet would show another figure.
        assert_eq!(number(Number::Amount(d("1234567890123456"))), None);
        assert_eq!(number(Number::Amount(d("0.1234567890123456"))), None);
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 1), "B7");
        assert_eq!(cell_name(0, 27), "AB1");
    }

    /// Rows that say how many they are but are never gone through.
    struct Counted(usize, Vec<String>);

    impl Rows for Counted {
        fn heads(&self) -> &[String] {
            &self.1
        }

        fn count(&self) -> usize {
            self.0
        }

        fn each(&self, _: &mut dyn FnMut(&SheetRow) -> Result<()>) -> Result<()> {
            Ok(())
        }
    }

    /// A table longer than a worksheet (its head row and the text lines below it counted) is
    /// refused before a row is made; one that just fits is written.
    #[test]
    fn a_table_longer_than_a_worksheet_is_refused_up_front() {
        let heads = vec!["unit".to_string()];
        let lines = ["a note".to_string()];
        let fits = |rows: usize, lines: &[String]| {
            Book::new().sheet("Summary", &Counted(rows, heads.clone()), lines)
        };
        assert!(fits(SHEET_ROWS - 1, &[]).is_ok());
        assert!(fits(SHEET_ROWS - 3, &lines).is_ok());
        for (rows, lines) in [(SHEET_ROWS, &[][..]), (SHEET_ROWS - 2, &lines[..])] {
            let e = fits(rows, lines).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "sheet \"Summary\" would need {} rows, and a worksheet holds 1048576; write \
                     this table with --format csv, or show fewer lines (--top N)",
                    SHEET_ROWS + 1
                )
            );
        }
    }
}

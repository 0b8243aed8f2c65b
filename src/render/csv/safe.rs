//! Text cells safe to open in a spreadsheet, and back. A cell that starts with `=`, `+`, `-`,
//! `@`, tab or carriage return gets a leading `'` so a spreadsheet shows it instead of running it;
//! [`unneutralize`] undoes it when danvan reads its own CSV back (`merge`), so the two rules live
//! together.

use super::Excel;
use anyhow::Result;
use std::borrow::Cow;
use std::io::Write;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet read a cell as a formula (or mangle it).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell made safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'`, so `=HYPERLINK(…)` in a unit name is shown, never run.
/// Numbers (`-5`, `-1.200.000`) are left as they are.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if needs_mark(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether [`neutralize`] puts a `'` before `cell`.
fn needs_mark(cell: &str) -> bool {
    cell.starts_with(TRIGGERS) && !looks_numeric(cell)
}

/// Undoes [`neutralize`], for reading danvan's own CSV back (`merge`).
pub fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) && !looks_numeric(rest) => rest,
        _ => cell,
    }
}

/// Whether `bytes` holds any of `these`, eight bytes at a time: looked up a byte at a time, they
/// took a third of the samples in the loop that makes the distinct units' summary lines.
fn holds_any(bytes: &[u8], these: [u8; 4]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let spread = these.map(|b| ONES * u64::from(b));
    // Whether a byte of `word` is zero: the classic test, exact in telling whether any is.
    let any_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let (words, rest) = bytes.as_chunks::<8>();
    words.iter().any(|w| {
        let word = u64::from_ne_bytes(*w);
        spread
            .iter()
            .fold(false, |found, s| found | any_zero(word ^ s))
    }) || rest.iter().any(|b| these.contains(b))
}

fn looks_numeric(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// Writes records into `W` with text cells neutralized unless `raw`.
pub struct SafeWriter<W: Write> {
    inner: csv::Writer<W>,
    raw: bool,
}

/// What a [`SafeWriter`]'s records are made of: its separator, its line end, and whether text
/// cells are left as they are (`raw`) or neutralized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub separator: u8,
    pub crlf: bool,
    pub raw: bool,
}

impl Dialect {
    /// The dialect of [`SafeWriter::new`] (`excel`: `None`) or [`SafeWriter::excel`].
    pub fn of(raw: bool, excel: Option<Excel>) -> Dialect {
        Dialect {
            separator: excel.map_or(b',', |e| e.separator),
            crlf: excel.is_some(),
            raw,
        }
    }
}

/// Records appended to a buffer as a [`SafeWriter`] of `dialect` writes them, byte for byte
/// (tested): cells between separators, a cell in quotes (its own doubled) when it holds the
/// separator, a quote, CR or LF, text cells neutralized unless raw. For writers of millions
/// of lines: the `csv` crate's writer takes a cell through its state machine and its buffer,
/// a third of the time it took to write the distinct units' summary.
pub struct Records {
    dialect: Dialect,
    /// The bytes that put a cell in quotes.
    quoted: [u8; 4],
}

impl Records {
    pub fn new(dialect: Dialect) -> Records {
        let quoted = [dialect.separator, b'"', b'\r', b'\n'];
        Records { dialect, quoted }
    }

    /// Appends one record of `cells` to `out`; `numeric(i)` marks cells that are numbers
    /// (never neutralized).
    pub fn push<'s>(
        &self,
        out: &mut Vec<u8>,
        cells: impl IntoIterator<Item = &'s str>,
        numeric: impl Fn(usize) -> bool,
    ) {
        let start = out.len();
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                out.push(self.dialect.separator);
            }
            let bytes = cell.as_bytes();
            let quote = holds_any(bytes, self.quoted);
            let mark = !self.dialect.raw && !numeric(i) && needs_mark(cell);
            if quote {
                out.push(b'"');
            }
            if mark {
                out.push(b'\'');
            }
            match quote {
                true => {
                    for piece in bytes.split_inclusive(|&b| b == b'"') {
                        out.extend_from_slice(piece);
                        if piece.last() == Some(&b'"') {
                            out.push(b'"');
                        }
                    }
                }
                false => out.extend_from_slice(bytes),
            }
            if quote {
                out.push(b'"');
            }
        }
        // A record of no bytes at all (one empty cell) is written as a quoted empty cell, so
        // that it is not read as no record.
        if out.len() == start {
            out.extend_from_slice(b"\"\"");
        }
        out.extend_from_slice(match self.dialect.crlf {
            true => b"\r\n",
            false => b"\n",
        });
    }
}

impl<W: Write> SafeWriter<W> {
    pub fn new(out: W, raw: bool) -> Self {
        SafeWriter {
            inner: csv::WriterBuilder::new().from_writer(out),
            raw,
        }
    }

    /// A writer of CSV that Excel opens right (see [`Excel`]): a UTF-8 BOM first, so Excel
    /// reads the accents as UTF-8 and not in the ANSI code page; CRLF line ends; the list
    /// separator of the language. Numbers are the caller's to write with its decimal mark.
    pub fn excel(mut out: W, raw: bool, excel: Excel) -> Result<Self> {
        out.write_all(BOM)?;
        Ok(SafeWriter::excel_body(out, raw, excel))
    }

    /// [`SafeWriter::excel`] without the BOM: for lines that go after others.
    pub fn excel_body(out: W, raw: bool, excel: Excel) -> Self {
        SafeWriter {
            inner: csv::WriterBuilder::new()
                .delimiter(excel.separator)
                .terminator(csv::Terminator::CRLF)
                .from_writer(out),
            raw,
        }
    }

    /// Writes one record; `numeric[i]` marks cells that are numbers (never touched).
    pub fn write<S: AsRef<str>>(
        &mut self,
        cells: &[S],
        numeric: impl Fn(usize) -> bool,
    ) -> Result<()> {
        let cells = cells.iter().enumerate().map(|(i, c)| {
            let c = c.as_ref();
            if self.raw || numeric(i) {
                Cow::Borrowed(c)
            } else {
                neutralize(c)
            }
        });
        self.inner.write_record(cells.map(|c| match c {
            Cow::Borrowed(c) => std::borrow::Cow::Borrowed(c.as_bytes()),
            Cow::Owned(c) => std::borrow::Cow::Owned(c.into_bytes()),
        }))?;
        Ok(())
    }

    /// Flushes what is buffered into the sink.
    pub fn finish(mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Cells of the bytes that matter to the writers: separators of both dialects, quotes, line
    /// ends, formula triggers, digits, `'`, a space, letters with and without accents, and
    /// empty cells.
    fn cell() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            ",", ";", "\"", "\r", "\n", "\t", "=", "+", "-", "@", "'", "1", ".", " ", "a", "Ộ",
            "😀", "\\", "#",
        ]);
        prop::collection::vec(pieces, 0..6).prop_map(|p| p.concat())
    }

    proptest! {
        /// Whether a cell holds a byte that quotes it is told alike eight bytes at a time as a
        /// byte at a time, wherever the byte lies and whatever lies beside it.
        #[test]
        fn bytes_are_found_a_word_at_a_time(
            bytes in prop::collection::vec(prop::sample::select(vec![
                0u8, 1, b'\n', b'\r', b'"', b',', b';', b'!', b'#', 0x7f, 0x80, 0x81, 0xff,
            ]), 0..40),
            these in prop::array::uniform4(prop::sample::select(vec![
                0u8, b'\n', b'\r', b'"', b',', b';', 0x80, 0xff,
            ])),
        ) {
            let naive = bytes.iter().any(|b| these.contains(b));
            prop_assert_eq!(holds_any(&bytes, these), naive);
        }

        /// A record made by `Records` is the record `SafeWriter` writes, byte for byte, in
        /// either dialect, raw or not, whichever cells are numbers.
        #[test]
        fn records_are_what_the_csv_writer_writes(
            rows in prop::collection::vec(prop::collection::vec(cell(), 1..5), 1..4),
            raw: bool,
            excel: bool,
            numeric in 0u8..16,
        ) {
            // Every record of one writer has as many cells.
            let width = rows[0].len();
            let rows: Vec<Vec<String>> = rows.into_iter().filter(|r| r.len() == width).collect();
            let excel = excel.then_some(Excel { separator: b';', decimal: ',' });
            let is_number = |i: usize| numeric >> (i % 4) & 1 == 1;
            let mut want = Vec::new();
            let mut w = match excel {
                None => SafeWriter::new(&mut want, raw),
                Some(e) => SafeWriter::excel_body(&mut want, raw, e),
            };
            for row in &rows {
                w.write(row, is_number).unwrap();
            }
            w.finish().unwrap();
            let records = Records::new(Dialect::of(raw, excel));
            let mut got = Vec::new();
            for row in &rows {
                records.push(&mut got, row.iter().map(String::as_str), is_number);
            }
            prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        }
    }

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

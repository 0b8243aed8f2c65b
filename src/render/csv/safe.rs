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

/// Writes records into `W` with text cells neutralized unless `raw`.
pub struct SafeWriter<W: Write> {
    inner: csv::Writer<W>,
    raw: bool,
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

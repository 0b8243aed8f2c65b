//! Writers: each writes one format of a report [`Table`] as bytes into any `io::Write` sink (a
//! file being written atomically, standard output). Formats for people go through `present`
//! with a locale; formats for programs (CSV, JSON) write the table's typed values directly, the
//! same in every language. Adding a format is one file here and one line in [`Format`].

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod rejects;
pub mod report;
pub mod table;
pub mod xlsx;

use crate::present::Locale;
use crate::report::table::{Line, Table};
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// A self-contained web page.
    Html,
    /// A spreadsheet workbook (Excel, LibreOffice).
    Xlsx,
}

/// Choices a writer needs beyond the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Leave CSV text cells as they are instead of neutralizing spreadsheet formulas.
    pub raw: bool,
    /// CSV shape: one line per line and amount column (tidy, long), or the table as it is (wide).
    pub wide: bool,
    /// CSV for Excel (`--excel`): BOM, CRLF, the language's list separator and decimal mark.
    pub excel: Option<csv::Excel>,
}

/// Writes `table` in `format` into `out`.
pub fn write(
    table: &Table,
    format: Format,
    options: Options,
    locale: &Locale,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        // A table of another shape than a summary's (plan against actual) is JSON of its own.
        Format::Json => json::write(table, out),
        f => write_lines(table, &table.lines, f, options, locale, out),
    }
}

/// A table's lines one at a time, in order: those the table holds, or lines made as they are
/// written, so a summary of millions of groups never holds them all.
pub trait Lines: Sync {
    /// Calls `f` with each line in order; a writer may go through them more than once.
    fn each(&self, f: &mut dyn FnMut(&Line) -> Result<()>) -> Result<()> {
        self.each_in(0..self.count(), f)
    }

    /// How many lines there are.
    fn count(&self) -> usize;

    /// Calls `f` with lines `range` (of `0..count`) in order: parts of the lines can be made on
    /// several threads at once.
    fn each_in(
        &self,
        range: std::ops::Range<usize>,
        f: &mut dyn FnMut(&Line) -> Result<()>,
    ) -> Result<()>;
}

impl Lines for Vec<Line> {
    fn count(&self) -> usize {
        self.len()
    }

    fn each_in(
        &self,
        range: std::ops::Range<usize>,
        f: &mut dyn FnMut(&Line) -> Result<()>,
    ) -> Result<()> {
        self[range].iter().try_for_each(f)
    }
}

/// About how many lines a thread makes into text at a time: enough that starting threads costs
/// little beside it, few enough that the text waiting to be written stays a few MB.
pub(crate) const BLOCK: usize = 1 << 16;

/// `0..count` cut into ranges of `block` (at least 1), in order.
pub(crate) fn blocks(count: usize, block: usize) -> Vec<std::ops::Range<usize>> {
    let block = block.max(1);
    (0..count)
        .step_by(block)
        .map(|from| from..(from + block).min(count))
        .collect()
}

/// How many threads the writers make text on.
pub(crate) use crate::domain::order::cores;

/// Makes the text of `lines` in blocks of `block` lines on every core and writes the blocks
/// into `out` in order: `text` makes a range of lines into bytes. Lines made in a different
/// order (by total) are each a few cache misses away from the last; several cores wait on them
/// at once.
pub(crate) fn in_blocks(
    lines: &dyn Lines,
    out: &mut dyn Write,
    block: usize,
    text: impl Fn(std::ops::Range<usize>, &mut Vec<u8>) -> Result<()> + Sync,
) -> Result<()> {
    in_order(blocks(lines.count(), block), out, text)
}

/// Makes each piece into bytes with `make` on every core and writes them into `out` in the
/// pieces' order, as soon as each one's turn comes.
///
/// Each core's thread makes every `cores()`-th piece and hands it over through a channel of one
/// place: a thread is never more than two pieces ahead of the writing (the text waiting stays a
/// few blocks), and no thread waits for the slowest of a round, as making pieces in rounds of
/// one per core did. The bytes of a piece written go back to the thread that made them, whose
/// next piece is made into them: a new buffer grown for every piece touched fresh memory for
/// each, a page at a time (for 2,000,000 lines, a third of the run's page faults). A piece
/// whose thread the system will not start is made here when its turn comes; the first error
/// stops the writing and is returned.
pub(crate) fn in_order<I: Send>(
    pieces: Vec<I>,
    out: &mut dyn Write,
    make: impl Fn(I, &mut Vec<u8>) -> Result<()> + Sync,
) -> Result<()> {
    let threads = cores().min(pieces.len());
    if threads < 2 {
        let mut bytes = Vec::new();
        for piece in pieces {
            bytes.clear();
            make(piece, &mut bytes)?;
            out.write_all(&bytes)?;
        }
        return Ok(());
    }
    use std::sync::{Mutex, PoisonError, mpsc};
    type Handed = (mpsc::Receiver<Result<Vec<u8>>>, mpsc::Sender<Vec<u8>>);
    let count = pieces.len();
    let slots: Vec<Mutex<Option<I>>> = pieces.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let take = |k: usize| {
        (slots.get(k)?.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    };
    let (make, take) = (&make, &take);
    std::thread::scope(|scope| -> Result<()> {
        let mut handed: Vec<Option<Handed>> = Vec::with_capacity(threads);
        for first in 0..threads {
            let (send, receive) = mpsc::sync_channel(1);
            let (give_back, given_back) = mpsc::channel::<Vec<u8>>();
            let started = std::thread::Builder::new().spawn_scoped(scope, move || {
                for k in (first..count).step_by(threads) {
                    let Some(piece) = take(k) else { return };
                    let mut bytes = given_back.try_recv().unwrap_or_default();
                    bytes.clear();
                    let made = make(piece, &mut bytes).map(|()| bytes);
                    // The writing stopped (an error): nothing more is wanted.
                    if send.send(made).is_err() {
                        return;
                    }
                }
            });
            handed.push(started.ok().map(|_| (receive, give_back)));
        }
        for k in 0..count {
            match &handed[k % threads] {
                Some((receive, give_back)) => {
                    let bytes = receive.recv().map_err(|_| {
                        anyhow::anyhow!("internal error: a writing thread stopped")
                    })??;
                    out.write_all(&bytes)?;
                    // A thread done with its pieces no longer takes them back.
                    let _ = give_back.send(bytes);
                }
                None => {
                    let Some(piece) = take(k) else {
                        bail!("internal error: a piece to write is gone")
                    };
                    let mut bytes = Vec::new();
                    make(piece, &mut bytes)?;
                    out.write_all(&bytes)?;
                }
            }
        }
        Ok(())
    })
}

/// Writes `table` in `format` with the lines `lines` in place of its own: every format is
/// written a line at a time, so a summary of millions of groups never holds its text.
pub fn write_lines(
    table: &Table,
    lines: &dyn Lines,
    format: Format,
    options: Options,
    locale: &Locale,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Table => table::write_lines(table, lines, locale, out),
        Format::Csv if options.wide => {
            csv::write_wide_lines(table, lines, options.raw, options.excel, out, BLOCK)
        }
        Format::Csv => csv::write_long_lines(table, lines, options.raw, options.excel, out, BLOCK),
        Format::Markdown => markdown::write_lines(table, lines, locale, out, BLOCK),
        Format::Json => json::write_lines(table, lines, out),
        Format::Html => html::write_lines(table, lines, locale, out, BLOCK),
        Format::Xlsx => xlsx::write_lines(table, lines, locale, out),
    }
}

/// Every format danvan writes: the names `--format` takes (the first is the format's own), any
/// of which may also end an `-o` file name, and the usual extension. The one place formats are
/// listed.
const FORMATS: &[(Format, &[&str], &str)] = &[
    (Format::Table, &["table", "txt", "text"], "txt"),
    (Format::Csv, &["csv"], "csv"),
    (Format::Json, &["json"], "json"),
    (Format::Markdown, &["markdown", "md"], "md"),
    (Format::Html, &["html", "htm"], "html"),
    (Format::Xlsx, &["xlsx"], "xlsx"),
];

/// `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

impl Format {
    /// The format a name (from `--format` or a file extension) stands for.
    pub fn named(s: &str) -> Option<Format> {
        let s = s.trim().to_lowercase();
        FORMATS
            .iter()
            .find(|(_, names, _)| names.contains(&s.as_str()))
            .map(|(f, _, _)| *f)
    }

    /// The formats' own names, for messages: `table, csv, json or markdown`.
    pub fn names() -> String {
        let names: Vec<String> = FORMATS.iter().map(|(_, n, _)| n[0].to_string()).collect();
        or_list(&names)
    }

    /// Whether the format is bytes for a program to open rather than text for a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// `--format` if given, else what the output file's extension names, else `default`. An
    /// extension that names no format danvan writes (`.tsv`, `.pdf`) is an error: a text table
    /// under such a name would look like a file it is not.
    pub fn choose(flag: Option<Format>, output: Option<&Path>, default: Format) -> Result<Format> {
        if let Some(f) = flag {
            return Ok(f);
        }
        let Some(path) = output else {
            return Ok(default);
        };
        let Some(ext) = path.extension() else {
            return Ok(default);
        };
        let ext = ext.to_string_lossy();
        match Format::named(&ext) {
            Some(f) => Ok(f),
            None => {
                let mut known: Vec<String> =
                    FORMATS.iter().map(|(_, _, e)| format!(".{e}")).collect();
                known.rotate_left(1);
                bail!(
                    "{}: danvan does not write .{ext} files (yet); end the name in {}, or give \
                     --format",
                    path.display(),
                    or_list(&known)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces made on every core come out in their order, whatever each one costs; the first
    /// error stops the writing with every piece before it written and none after.
    #[test]
    fn pieces_are_written_in_order_up_to_the_first_error() {
        let make = |k: usize, bytes: &mut Vec<u8>| -> Result<()> {
            // Uneven work, so that threads finish out of turn.
            std::thread::sleep(std::time::Duration::from_micros(
                ((k * 7919) % 13) as u64 * 50,
            ));
            match k {
                37 | 60 => bail!("piece {k} refused"),
                _ => {
                    bytes.extend_from_slice(format!("{k},").as_bytes());
                    Ok(())
                }
            }
        };
        let mut out = Vec::new();
        in_order((0..37).collect(), &mut out, make).unwrap();
        let want: String = (0..37).map(|k| format!("{k},")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let mut out = Vec::new();
        let err = in_order((0..100).collect(), &mut out, make).unwrap_err();
        assert_eq!(err.to_string(), "piece 37 refused");
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let mut out = Vec::new();
        in_order(vec![5], &mut out, make).unwrap();
        assert_eq!(out, b"5,");
    }

    /// A writer of a table's lines into bytes, in blocks of so many lines.
    type Way<'a> = dyn Fn(&mut Vec<u8>, usize) -> Result<()> + 'a;

    proptest! {
        /// Every writer that streams makes its lines into text in blocks on every core, and
        /// the bytes are those of one block: the long and wide CSV (danvan's own, Excel's,
        /// raw), Markdown and the table.
        #[test]
        fn lines_written_in_blocks_are_the_lines_written_at_once(
            units in proptest::collection::vec(table::tests::text(), 0..30),
            block in 1usize..5,
            form in 0u8..3,
            vietnamese in any::<bool>(),
        ) {
            let lang = if vietnamese { crate::domain::Lang::Vi } else { crate::domain::Lang::En };
            let locale = Locale::of(lang);
            let excel = (form == 1).then(|| csv::Excel::of(lang));
            let raw = form == 2;
            let t = table::tests::table_of(&units);
            let ways: [&Way; 3] = [
                &|out, block| csv::write_long_lines(&t, &t.lines, raw, excel, out, block),
                &|out, block| csv::write_wide_lines(&t, &t.lines, raw, excel, out, block),
                &|out, block| markdown::write_lines(&t, &t.lines, &locale, out, block),
            ];
            for way in ways {
                let (mut whole, mut blocks) = (Vec::new(), Vec::new());
                way(&mut whole, usize::MAX).unwrap();
                way(&mut blocks, block).unwrap();
                prop_assert_eq!(String::from_utf8_lossy(&blocks), String::from_utf8_lossy(&whole));
            }
        }
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(Format::named(" MD "), Some(Format::Markdown));
        assert_eq!(Format::named("xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::named("tsv"), None);
        assert_eq!(Format::names(), "table, csv, json, markdown, html or xlsx");
        let out = |p: &str| Format::choose(None, Some(Path::new(p)), Format::Table);
        assert_eq!(out("a.CSV").unwrap(), Format::Csv);
        assert_eq!(out("a").unwrap(), Format::Table);
        assert_eq!(out("r.xlsx").unwrap(), Format::Xlsx);
        assert_eq!(
            out("r.tsv").unwrap_err().to_string(),
            "r.tsv: danvan does not write .tsv files (yet); end the name in .csv, .json, .md, \
             .html, .xlsx or .txt, or give --format"
        );
        assert_eq!(
            Format::choose(Some(Format::Csv), Some(Path::new("r.xlsx")), Format::Table).unwrap(),
            Format::Csv
        );
    }
}

//! The one CSV reader every file goes through: open, decode, find the header and its
//! delimiter, then hand out chunks of whole records (`record` splits them into fields).
//! Ledgers, registries and summary files (for `merge`) all use it, so a BOM, a `;`, a CRLF or a
//! quoted newline is handled the same everywhere.
//!
//! Office sheets often carry title rows above the header (`UBND PHƯỜNG YÊN GIANG`, `BẢNG TỔNG
//! HỢP…`) and Excel's empty rows (`;;;;`). For ledgers and registries the header is the first
//! line, among the first [`HEADER_SEARCH_LINES`], whose cells name the required columns (tried
//! with the delimiter detected from that line first, then the others); the lines above it are
//! dropped as they are, and the table says where its header was. Lines keep their physical
//! numbers throughout.

use super::Col;
use super::chunk::{Chunk, ChunkError, Chunker, first_boundary};
use super::number::Convention;
use super::record::for_each_record;
use super::source::{FileHash, Source, open_hashed};
use crate::domain::text::normalize;
use crate::problem::Kind;
use anyhow::{Result, anyhow};
use encoding_rs::Encoding;
use memchr::memchr;
use std::io::Read;

/// How to read files, from the command line.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Forced delimiter; detected from the header line when `None`.
    pub delimiter: Option<u8>,
    /// Forced encoding; UTF-8 (or UTF-16 with a BOM) when `None`.
    pub encoding: Option<&'static Encoding>,
    /// Forced number convention; detected per file when `None`.
    pub number_format: Option<Convention>,
    /// Size of the chunks records are cut into; [`CHUNK_BYTES`] when 0. Tests make it tiny so
    /// that chunk boundaries fall everywhere.
    pub chunk_bytes: usize,
    /// The physical line of the ledgers' header (`--header-row`); searched for when `None`.
    pub header_row: Option<u64>,
    /// Ledger columns named by hand (`--column amount="Giá trị quy đổi"`).
    pub columns: Vec<(Col, String)>,
    /// How many rows as written the fast lane of each thread remembers before it may forget
    /// them all; its own bound when 0. Tests make it tiny, so the lane forgets often.
    pub memo_rows: usize,
}

impl ReadOptions {
    pub fn chunk_bytes(&self) -> usize {
        if self.chunk_bytes == 0 {
            CHUNK_BYTES
        } else {
            self.chunk_bytes
        }
    }
}

/// Size of the chunks records are cut into.
pub const CHUNK_BYTES: usize = 1 << 20;

/// How far down the header is looked for.
pub const HEADER_SEARCH_LINES: usize = 50;
/// How many bytes of the top of a file the header search looks at; a header below that (or
/// longer) is found only as the first line with anything in it.
const HEADER_SEARCH_BYTES: usize = 1 << 20;

/// How a table's header is found.
#[derive(Clone, Copy)]
pub enum HeaderRule<'a> {
    /// The first line with anything in it (the summary files `merge` reads back, which danvan
    /// wrote itself).
    FirstLine,
    /// The first line, among the first [`HEADER_SEARCH_LINES`], whose cells (normalized) pass
    /// the test: it names the required columns. `--header-row` overrides it.
    Names(&'a dyn Fn(&[String]) -> bool),
}

/// An opened CSV file positioned after its header.
pub struct Table {
    pub source: Source,
    pub delimiter: u8,
    /// Header cells, normalized.
    pub header: Vec<String>,
    /// The physical line the header is on.
    pub header_line: u64,
    /// Warnings about the file as a whole: (line, column, kind).
    pub notes: Vec<(u64, &'static str, Kind)>,
    pub chunker: Chunker<Box<dyn Read + Send>>,
    /// Where the chunker's text starts in the file, when it is the file's own bytes.
    raw_start: Option<u64>,
}

/// Opens a CSV file and reads its header; `Ok(None)` for an empty file.
pub fn open_table(
    source: &Source,
    opts: &ReadOptions,
    rule: HeaderRule<'_>,
) -> Result<Option<Table>> {
    open_table_hashed(source, opts, rule, None)
}

/// [`open_table`], hashing the file's bytes into `hash` as they are read.
pub fn open_table_hashed(
    source: &Source,
    opts: &ReadOptions,
    rule: HeaderRule<'_>,
    hash: Option<&FileHash>,
) -> Result<Option<Table>> {
    let opened = open_hashed(source, opts.encoding, hash)?;
    let raw_start = opened.raw_start;
    let mut notes: Vec<(u64, &'static str, Kind)> = Vec::new();
    if let Some(kind) = opened.note {
        notes.push((1, "file", kind));
    }
    let mut chunker =
        Chunker::new(opened.reader, opts.chunk_bytes(), super::MAX_RECORD_BYTES).tapped(opened.tap);
    let name = &source.name;
    let at = |e: ChunkError| anyhow!("{name}:{e}");
    let detect = |chunker: &mut Chunker<_>| -> Result<u8> {
        Ok(match opts.delimiter {
            Some(d) => d,
            None => super::dialect::detect_delimiter(chunker.peek_first_line().map_err(at)?),
        })
    };
    let (delimiter, given, searched) = match (rule, opts.header_row) {
        (HeaderRule::Names(_), Some(row)) => {
            let skipped = chunker.skip_lines(row - 1).map_err(at)?;
            if skipped < row - 1 {
                let kind = Kind::HeaderRowPastEnd {
                    row,
                    lines: skipped,
                };
                return Err(anyhow!("{name}: {}", crate::problem::en::message(&kind)));
            }
            let delimiter = match opts.delimiter {
                Some(d) => d,
                None => super::dialect::detect_delimiter(chunker.peek_line().map_err(at)?),
            };
            (delimiter, Some(row), false)
        }
        (HeaderRule::Names(names), None) => {
            match search_header(&mut chunker, opts.delimiter, name, names)? {
                Some((line, delimiter, titles)) => {
                    chunker.skip_lines(line - 1).map_err(at)?;
                    (delimiter, None, titles)
                }
                None => (detect(&mut chunker)?, None, false),
            }
        }
        (HeaderRule::FirstLine, _) => (detect(&mut chunker)?, None, false),
    };
    chunker.set_delimiter(delimiter);
    // The header is the first record with anything in it; blank lines and empty rows (`;;;;`)
    // before it are skipped. A header given by number is that line, empty or not.
    let mut header = Vec::new();
    let mut header_line = 1;
    while header.is_empty() {
        let Some(head) = chunker.header().map_err(at)? else {
            if let Some(row) = given {
                let kind = Kind::HeaderRowPastEnd {
                    row,
                    lines: row - 1,
                };
                return Err(anyhow!("{name}: {}", crate::problem::en::message(&kind)));
            }
            return Ok(None);
        };
        for_each_record(&head, delimiter, name, |record, line| {
            if header.is_empty() && !record.is_blank() {
                header_line = line;
                header = record
                    .texts()
                    .iter()
                    .map(|f| normalize(f).into_owned())
                    .collect();
            }
            Ok(())
        })?;
        if let (Some(row), true) = (given, header.is_empty()) {
            let kind = Kind::HeaderRowEmpty { row };
            return Err(anyhow!("{name}: {}", crate::problem::en::message(&kind)));
        }
    }
    // Blank lines and empty rows above the header are nothing, as everywhere; title rows were
    // something, so the header's line is said.
    if searched {
        notes.push((
            header_line,
            "header",
            Kind::HeaderBelowTop {
                skipped: header_line - 1,
            },
        ));
    }
    Ok(Some(Table {
        source: source.clone(),
        delimiter,
        header,
        header_line,
        notes,
        chunker,
        raw_start,
    }))
}

/// The header's physical line and delimiter: the first line among the first
/// [`HEADER_SEARCH_LINES`] whose cells pass `names`, read with the delimiter detected from that
/// line, else with another of `,`, `;` and tab (or only with the one given); and whether lines
/// with something in them (titles) were passed on the way. `None` when no line there does.
fn search_header<R: Read>(
    chunker: &mut Chunker<R>,
    forced: Option<u8>,
    name: &str,
    names: &dyn Fn(&[String]) -> bool,
) -> Result<Option<(u64, u8, bool)>> {
    let (window, complete) = chunker
        .peek_lines(HEADER_SEARCH_LINES, HEADER_SEARCH_BYTES)
        .map_err(|e| anyhow!("{name}:{e}"))?;
    let blank = |line: &[u8]| {
        line.iter()
            .all(|b| b" \t\r,;".contains(b) || Some(*b) == forced)
    };
    let mut pos = 0;
    let mut line = 1u64;
    let mut titles = false;
    while pos < window.len() {
        let eol = memchr(b'\n', &window[pos..]).map_or(window.len(), |i| pos + i);
        let text = &window[pos..eol];
        if !blank(text) {
            let candidates: Vec<u8> = match forced {
                Some(d) => vec![d],
                None => {
                    let first = super::dialect::detect_delimiter(text);
                    let mut all = vec![first];
                    all.extend([b',', b';', b'\t'].into_iter().filter(|&d| d != first));
                    all
                }
            };
            for d in candidates {
                if let Some(cells) = one_record(&window[pos..], complete, d, line, name)?
                    && names(&cells)
                {
                    return Ok(Some((line, d, titles)));
                }
            }
            titles = true;
        }
        pos = eol + 1;
        line += 1;
    }
    Ok(None)
}

/// The cells (normalized) of the record at the start of `bytes`, read with `delimiter`; `None`
/// when the record does not end within `bytes` (and `bytes` is not all there is).
fn one_record(
    bytes: &[u8],
    complete: bool,
    delimiter: u8,
    line: u64,
    name: &str,
) -> Result<Option<Vec<String>>> {
    let end = match first_boundary(bytes, delimiter) {
        Some(end) => end,
        None if complete => bytes.len(),
        None => return Ok(None),
    };
    let chunk = Chunk {
        data: bytes[..end].to_vec(),
        first_line: line,
    };
    let mut cells = None;
    for_each_record(&chunk, delimiter, name, |record, _| {
        if cells.is_none() {
            cells = Some(
                record
                    .texts()
                    .iter()
                    .map(|f| normalize(f).into_owned())
                    .collect(),
            );
        }
        Ok(())
    })?;
    Ok(cells)
}

impl Table {
    /// Where the next chunk starts in the file, in bytes, when its text is the file's own
    /// bytes; `None` for a decoded file or standard input.
    pub fn file_offset(&self) -> Option<u64> {
        self.raw_start.map(|start| start + self.chunker.consumed())
    }

    /// The next chunk of whole records, with the file name in any error.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        let name = &self.source.name;
        self.chunker.next_chunk().map_err(|e| anyhow!("{name}:{e}"))
    }
}

/// The error for bytes that are not UTF-8, with the way out.
pub fn not_utf8(file: &str, line: u64, column: usize) -> anyhow::Error {
    anyhow::Error::new(crate::problem::Failure::NotUtf8 {
        file: file.to_string(),
        line,
        column,
    })
}

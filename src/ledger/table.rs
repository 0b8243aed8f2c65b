//! The one CSV reader every file goes through: open, decode, detect the delimiter, read the
//! header, then hand out chunks of whole records (`record` splits them into fields). Ledgers, registries and summary files (for `merge`) all use it, so a
//! BOM, a `;`, a CRLF or a quoted newline is handled the same everywhere.

use super::chunk::{Chunk, Chunker};
use super::number::Convention;
use super::record::for_each_record;
use super::source::{Source, open};
use crate::domain::text::normalize;
use anyhow::{Result, anyhow};
use encoding_rs::Encoding;
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

/// An opened CSV file positioned after its header.
pub struct Table {
    pub source: Source,
    pub delimiter: u8,
    /// Header cells, normalized.
    pub header: Vec<String>,
    pub chunker: Chunker<Box<dyn Read + Send>>,
}

/// Opens a CSV file and reads its header; `Ok(None)` for an empty file.
pub fn open_table(source: &Source, opts: &ReadOptions) -> Result<Option<Table>> {
    let reader = open(source, opts.encoding)?;
    let mut chunker = Chunker::new(reader, opts.chunk_bytes(), super::MAX_RECORD_BYTES);
    let name = &source.name;
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => super::dialect::detect_delimiter(
            chunker
                .peek_first_line()
                .map_err(|e| anyhow!("{name}:{e}"))?,
        ),
    };
    chunker.set_delimiter(delimiter);
    // The header is the first record with anything in it; blank lines and empty rows (`;;;;`)
    // before it are skipped.
    let mut header = Vec::new();
    while header.is_empty() {
        let Some(head) = chunker.header().map_err(|e| anyhow!("{name}:{e}"))? else {
            return Ok(None);
        };
        for_each_record(&head, delimiter, name, |record, _| {
            if header.is_empty() && !record.is_blank() {
                header = record
                    .texts()
                    .iter()
                    .map(|f| normalize(f).into_owned())
                    .collect();
            }
            Ok(())
        })?;
    }
    Ok(Some(Table {
        source: source.clone(),
        delimiter,
        header,
        chunker,
    }))
}

impl Table {
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

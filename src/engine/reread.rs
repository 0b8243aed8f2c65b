//! Reading chosen rows of the ledgers again, by their place: `check` keeps 6 bytes per row,
//! not the row, and reads again only the rows whose fingerprints repeat, to compare their
//! fields. Each file is opened and cut into chunks as the first read did (so a decoded or
//! converted file gives the same text and lines), and only the wanted lines are split into
//! fields: the rest of a chunk costs a search for line ends.

use super::Place;
use crate::ledger::LEDGER_COLUMNS;
use crate::ledger::dialect::HeaderMap;
use crate::ledger::record::{Record, record_at};
use crate::ledger::source::Source;
use crate::ledger::table::{HeaderRule, ReadOptions, open_table};
use anyhow::Result;
use memchr::memchr;

/// Calls `f` with the record at each of `places` (sorted), in order. A place that is not the
/// start of a record of its file (the file changed since) is skipped or gives another record:
/// the caller checks what it gets.
pub fn reread(
    sources: &[Source],
    opts: &ReadOptions,
    places: &[Place],
    mut f: impl FnMut(Place, &Record<'_>),
) -> Result<()> {
    for (fi, source) in sources.iter().enumerate() {
        let from = places.partition_point(|p| p.file_index() < fi);
        let to = places.partition_point(|p| p.file_index() <= fi);
        let wanted = &places[from..to];
        if wanted.is_empty() {
            continue;
        }
        let names =
            |cells: &[String]| HeaderMap::names_required(cells, LEDGER_COLUMNS, &opts.columns);
        let Some(mut table) = open_table(source, opts, HeaderRule::Names(&names))? else {
            continue;
        };
        let mut next = 0;
        while next < wanted.len() {
            let Some(chunk) = table.next_chunk()? else {
                break;
            };
            let data = chunk.data.as_slice();
            // The start of line `line`.
            let (mut pos, mut line) = (0usize, chunk.first_line);
            while let Some(&place) = wanted.get(next) {
                let want = place.line();
                while line < want && pos < data.len() {
                    match memchr(b'\n', &data[pos..]) {
                        Some(i) => {
                            pos += i + 1;
                            line += 1;
                        }
                        None => pos = data.len(),
                    }
                }
                if pos >= data.len() {
                    break; // in a later chunk
                }
                if line == want {
                    record_at(data, pos, table.delimiter, |record| f(place, record));
                }
                next += 1;
            }
            table.chunker.recycle(chunk.data);
        }
    }
    Ok(())
}

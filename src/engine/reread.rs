//! Reading chosen rows of the ledgers again, by their place: `check` keeps 6 bytes per row,
//! not the row, and reads again only the rows whose fingerprints repeat, to compare their
//! fields.
//!
//! A file is read straight from disk first: from the anchors the first read kept (where every
//! 8th row of a chunk starts in the file; `check` gives those around the rows it wants), only
//! the kilobyte or so around each wanted row; else
//! walking its line ends from the start to the lines wanted. Only those records are split: a
//! UTF-8 file's bytes are what the first read parsed. The caller
//! checks each record it gets (its fingerprint must be the one kept); if any is not, the file was
//! decoded or converted when first read, and it is read again through the same table reader as
//! the first time (same decoding, same chunks, same lines).

use super::Place;
use crate::domain::order::{cores, on_threads};
use crate::ledger::LEDGER_COLUMNS;
use crate::ledger::dialect::HeaderMap;
use crate::ledger::record::{Record, record_at};
use crate::ledger::source::Source;
use crate::ledger::table::{HeaderRule, ReadOptions, Table, open_table};
use anyhow::Result;
use memchr::memchr;
use std::io::Read;
#[cfg(not(unix))]
use std::io::Seek;

/// How much is read from a file at a time.
const BLOCK: usize = 1 << 20;
/// A wanted record is split once this much follows its start (or the file ends): a longer
/// record (a quoted note of many lines) may come out cut, fails the caller's check, and the
/// file is read the careful way.
const SLACK: usize = 1 << 16;

/// Below this many rows wanted in a file, they are read from their anchors on one thread.
const ROWS_PER_THREAD: usize = 512;

/// Calls `f` with the record at each of `places` (sorted) and returns, in order, what it gave
/// for those it accepted (`Some`); a place that is no longer the start of a row (the file
/// changed since) is left out. `anchors` (sorted): rows whose start in their file the first
/// read kept, to read each place from the anchor before it rather than from the file's start;
/// many rows are so read on as many threads as the machine has cores (at most 8).
pub fn reread<T: Send>(
    sources: &[Source],
    opts: &ReadOptions,
    places: &[Place],
    anchors: &[(Place, u64)],
    f: impl Fn(Place, &Record<'_>) -> Option<T> + Sync,
) -> Result<Vec<(Place, T)>> {
    let f = &f;
    let mut out = Vec::new();
    for (fi, source) in sources.iter().enumerate() {
        let from = places.partition_point(|p| p.file_index() < fi);
        let to = places.partition_point(|p| p.file_index() <= fi);
        let wanted = &places[from..to];
        if wanted.is_empty() {
            continue;
        }
        let names =
            |cells: &[String]| HeaderMap::names_required(cells, LEDGER_COLUMNS, &opts.columns);
        let Some(table) = open_table(source, opts, HeaderRule::Names(&names))? else {
            continue;
        };
        let plain = source
            .path
            .as_ref()
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()));
        if let Some(path) = plain {
            let delimiter = table.delimiter;
            drop(table);
            let from = anchors.partition_point(|a| a.0.file_index() < fi);
            let to = anchors.partition_point(|a| a.0.file_index() <= fi);
            let anchors = &anchors[from..to];
            let pieces = wanted.len().div_ceil(ROWS_PER_THREAD).clamp(1, cores());
            let each = on_threads(
                wanted.chunks(wanted.len().div_ceil(pieces)).collect(),
                |piece| -> Result<Option<Vec<(Place, T)>>> {
                    let mut got = Vec::with_capacity(piece.len());
                    let all = from_anchors(path, delimiter, piece, anchors, |p, r| {
                        got.push((p, f(p, r)?));
                        Some(())
                    })?;
                    Ok(all.then_some(got))
                },
            );
            let mut got = Vec::with_capacity(wanted.len());
            let mut all = true;
            for piece in each {
                match piece? {
                    Some(mut piece) => got.append(&mut piece),
                    None => all = false,
                }
            }
            if !all {
                got.clear();
                all = from_disk(path, delimiter, wanted, |p, r| {
                    got.push((p, f(p, r)?));
                    Some(())
                })?;
            }
            if all {
                out.append(&mut got);
                continue;
            }
            let Some(table) = open_table(source, opts, HeaderRule::Names(&names))? else {
                continue;
            };
            through_table(table, wanted, f, &mut out)?;
        } else {
            through_table(table, wanted, f, &mut out)?;
        }
    }
    Ok(out)
}

/// A window between two anchors larger than this is not read: the file is walked instead.
const MAX_WINDOW: u64 = 64 << 20;

/// The records at `wanted` (lines of one file), each read from the anchor before it to the
/// anchor after it (or the end of the file): records do not overlap, so a record that starts
/// between two record starts ends before the second. A few kilobytes per row read, where
/// walking the file reads all of it. False as soon as `f` refuses one, a row has no anchor
/// before it (or none were kept), or the file is not as long as the anchors say.
fn from_anchors(
    path: &std::path::Path,
    delimiter: u8,
    wanted: &[Place],
    anchors: &[(Place, u64)],
    mut f: impl FnMut(Place, &Record<'_>) -> Option<()>,
) -> Result<bool> {
    if anchors.is_empty() {
        return Ok(false);
    }
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut buf: Vec<u8> = Vec::new();
    // The anchor whose window is in `buf`.
    let mut loaded = None;
    for &place in wanted {
        let k = anchors.partition_point(|a| a.0 <= place);
        let Some(&(anchor, from)) = k.checked_sub(1).and_then(|i| anchors.get(i)) else {
            return Ok(false);
        };
        if loaded != Some(k) {
            let to = anchors.get(k).map_or(len, |a| a.1);
            // Anchors out of order, or a file changed since: walked instead. A window past
            // the file's end is found short below.
            if to < from || to - from > MAX_WINDOW {
                return Ok(false);
            }
            if !read_window(&mut file, from, to - from, &mut buf)? {
                return Ok(false);
            }
            loaded = Some(k);
        }
        let lines = place.line() - anchor.line();
        let (pos, skipped) = skip_lines(&buf, 0, lines);
        if skipped != lines || pos >= buf.len() {
            return Ok(false);
        }
        if record_at(&buf, pos, delimiter, |record| f(place, record)).flatten() != Some(()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Reads the `len` bytes of `file` from `at` into `buf`; false when the file ends first. One
/// positioned read on Unix: a row read again costs a system call, and a seek was one more.
fn read_window(file: &mut std::fs::File, at: u64, len: u64, buf: &mut Vec<u8>) -> Result<bool> {
    buf.clear();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        buf.resize(len as usize, 0);
        match file.read_exact_at(buf, at) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    {
        file.seek(std::io::SeekFrom::Start(at))?;
        file.by_ref().take(len).read_to_end(buf)?;
        Ok(buf.len() as u64 == len)
    }
}

/// The records at `wanted` (lines of one file), read from its bytes on disk. False as soon as
/// `f` refuses one, or one is not found.
fn from_disk(
    path: &std::path::Path,
    delimiter: u8,
    wanted: &[Place],
    mut f: impl FnMut(Place, &Record<'_>) -> Option<()>,
) -> Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + SLACK);
    let mut eof = false;
    // `pos` is where line `line` starts in `buf`.
    let (mut pos, mut line) = (0usize, 1u64);
    for &place in wanted {
        let want = place.line();
        loop {
            let (to, skipped) = skip_lines(&buf, pos, want - line.min(want));
            (pos, line) = (to, line + skipped);
            let short = if line < want {
                true
            } else {
                buf.len() - pos < SLACK
            };
            if !short || eof {
                break;
            }
            // Keep from the start of the line reached; read more.
            buf.drain(..pos);
            pos = 0;
            let n = (&mut file).take(BLOCK as u64).read_to_end(&mut buf)?;
            eof = n < BLOCK;
        }
        if line != want || pos >= buf.len() {
            return Ok(false);
        }
        if record_at(&buf, pos, delimiter, |record| f(place, record)).flatten() != Some(()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Skips up to `lines` line ends from `pos`: where the line after the last one skipped starts,
/// and how many were skipped (fewer when the data ends first). Blocks with fewer line ends than
/// are left to skip are counted whole (`memchr`'s vector count), not searched one line at a
/// time.
fn skip_lines(data: &[u8], mut pos: usize, lines: u64) -> (usize, u64) {
    const SPAN: usize = 16 << 10;
    let mut left = lines;
    while left > 0 && pos < data.len() {
        let end = (pos + SPAN).min(data.len());
        let n = memchr::memchr_iter(b'\n', &data[pos..end]).count() as u64;
        if n < left {
            left -= n;
            pos = end;
            continue;
        }
        while left > 0 {
            match memchr(b'\n', &data[pos..end]) {
                Some(i) => {
                    pos += i + 1;
                    left -= 1;
                }
                None => break,
            }
        }
    }
    (pos.min(data.len()), lines - left)
}

/// The records at `wanted` (lines of one file), read through its table as the first read did.
fn through_table<T>(
    mut table: Table,
    wanted: &[Place],
    f: impl Fn(Place, &Record<'_>) -> Option<T>,
    out: &mut Vec<(Place, T)>,
) -> Result<()> {
    let mut next = 0;
    while next < wanted.len() {
        let Some(chunk) = table.next_chunk()? else {
            break;
        };
        let data = chunk.data.as_slice();
        // `pos` is where line `line` starts.
        let (mut pos, mut line) = (0usize, chunk.first_line);
        while let Some(&place) = wanted.get(next) {
            let want = place.line();
            let (to, skipped) = skip_lines(data, pos, want - line.min(want));
            (pos, line) = (to, line + skipped);
            if pos >= data.len() {
                break; // in a later chunk
            }
            if line == want
                && let Some(Some(t)) = record_at(data, pos, table.delimiter, |r| f(place, r))
            {
                out.push((place, t));
            }
            next += 1;
        }
        table.chunker.recycle(chunk.data);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// Skipping line ends counts them as one by one would, across blocks and at the end.
    #[test]
    fn lines_are_skipped_as_counted_one_by_one() {
        let data: Vec<u8> = (0..20_000u32)
            .map(|i| {
                if i % 7 == 0 || i % 1000 == 3 {
                    b'\n'
                } else {
                    b'x'
                }
            })
            .collect();
        let ends: Vec<usize> = memchr::memchr_iter(b'\n', &data).map(|i| i + 1).collect();
        for (from, lines) in [
            (0, 0),
            (0, 1),
            (0, 700),
            (5, 2900),
            (100, 10_000),
            (19_990, 5),
        ] {
            let before = ends.partition_point(|&e| e <= from);
            let expected = if lines == 0 {
                (from, 0)
            } else {
                match ends.get(before + lines - 1) {
                    Some(&e) => (e, lines as u64),
                    None => (data.len(), (ends.len() - before) as u64),
                }
            };
            assert_eq!(
                skip_lines(&data, from, lines as u64),
                expected,
                "{from} {lines}"
            );
        }
    }

    /// The same records come back read from disk or through the table, and a record the
    /// caller refuses sends the file the careful way; a UTF-16 file (whose bytes on disk are
    /// not what was parsed) is read through its decoding.
    #[test]
    fn records_come_back_from_disk_or_through_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("\u{feff}date,unit,amount,note\n");
        for i in 0..30_000 {
            if i % 97 == 0 {
                text.push_str(&format!("2024-01-01,\"U\n{i}\",{i},\"a, \"\"b\"\"\"\n"));
            } else {
                text.push_str(&format!("2024-01-02,V{},{i},\n", i % 5));
            }
        }
        let utf8 = dir.path().join("a.csv");
        std::fs::write(&utf8, &text).unwrap();
        let utf16 = dir.path().join("b.csv");
        let mut wide = vec![0xff, 0xfe];
        for u in text.trim_start_matches('\u{feff}').encode_utf16() {
            wide.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&utf16, wide).unwrap();
        // Lines of records, from the text itself.
        let mut starts = vec![];
        let mut line = 2u64;
        let mut quoted = false;
        let mut at_start = true;
        for c in text.split_once('\n').unwrap().1.chars() {
            if at_start && !quoted {
                starts.push(line);
            }
            at_start = false;
            match c {
                '"' => quoted = !quoted,
                '\n' => {
                    line += 1;
                    at_start = !quoted;
                }
                _ => {}
            }
        }
        let wanted: Vec<u64> = starts.iter().copied().step_by(37).collect();
        let sources = vec![
            Source::from_arg(utf8.to_str().unwrap()),
            Source::from_arg(utf16.to_str().unwrap()),
        ];
        let places: Vec<Place> = (0..2)
            .flat_map(|fi| wanted.iter().map(move |&l| Place::new(fi, l)))
            .collect();
        let opts = ReadOptions {
            chunk_bytes: 4096,
            ..ReadOptions::default()
        };
        // As `check` does, a record is accepted only when it is what was read first: here, a
        // row of the ledger (the UTF-16 file's bytes on disk are not).
        let texts = |r: &Record<'_>| Some(r.texts().join("|")).filter(|t| t.starts_with("2024-"));
        let got = reread(&sources, &opts, &places, &[], |_, r| texts(r)).unwrap();
        assert_eq!(got.len(), places.len());
        let (a, b) = got.split_at(wanted.len());
        for ((pa, ta), (pb, tb)) in a.iter().zip(b) {
            assert_eq!(pa.line(), pb.line());
            assert_eq!(ta, tb, "line {}", pa.line());
        }
        assert!(a.iter().any(|(_, t)| t.contains("U\n")));
        // Refusing a record of the UTF-8 file reads it through the table: the same records.
        let refused = std::sync::atomic::AtomicBool::new(false);
        let again = reread(
            &sources[..1],
            &opts,
            &places[..wanted.len()],
            &[],
            |p, r| {
                if p.line() == wanted[3] && !refused.swap(true, Ordering::Relaxed) {
                    return None;
                }
                texts(r)
            },
        )
        .unwrap();
        assert_eq!(again, a);

        // From anchors: every tenth record's start, where it lies in the file (past the BOM).
        let mut line_at = vec![0u64, 0];
        line_at.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u64 + 1));
        let anchors: Vec<(Place, u64)> = (starts.iter().step_by(10))
            .map(|&l| (Place::new(0, l), line_at[l as usize]))
            .collect();
        let truth: std::collections::BTreeMap<Place, String> = a.iter().cloned().collect();
        let checked = |p: Place, r: &Record<'_>| texts(r).filter(|t| Some(t) == truth.get(&p));
        let mut seen = Vec::new();
        let mine = &places[..wanted.len()];
        let read = from_anchors(&utf8, b',', mine, &anchors, |p, r| {
            seen.push((p, checked(p, r)?));
            Some(())
        });
        assert!(read.unwrap(), "every row is read from its anchor");
        assert_eq!(seen, a);
        assert_eq!(
            reread(&sources, &opts, &places, &anchors, |p, r| checked(p, r)
                .or_else(|| texts(r).filter(|_| p.file_index() == 1)))
            .unwrap(),
            got
        );
        // An anchor that says its row starts a line early reads the line before: refused, and
        // the file is walked instead, to the same records.
        let k = anchors.partition_point(|a| a.0 <= mine[2]) - 1;
        let mut early = anchors.clone();
        early[k] = (anchors[k].0, line_at[anchors[k].0.line() as usize - 1]);
        let refused = from_anchors(&utf8, b',', mine, &early, |p, r| checked(p, r).map(drop));
        assert!(!refused.unwrap());
        let walked = reread(&sources[..1], &opts, mine, &early, |p, r| checked(p, r)).unwrap();
        assert_eq!(walked, a);
        // Anchors out of order (a window that would end before it starts), or past the end of
        // a file that shrank since (a window that comes short): the file is walked.
        let mut shuffled = anchors.clone();
        shuffled[k + 1].1 = shuffled[k].1 - 1;
        let mut past = anchors.clone();
        let end = past.len() - 1;
        past[end].1 = text.len() as u64 + 10;
        let before_end = [anchors[end - 1].0];
        for (wrong, rows) in [(&shuffled, mine), (&past, &before_end[..])] {
            let refused = from_anchors(&utf8, b',', rows, wrong, |_, r| texts(r).map(drop));
            assert!(!refused.unwrap());
            let walked = reread(&sources[..1], &opts, rows, wrong, |_, r| texts(r)).unwrap();
            assert_eq!(walked.len(), rows.len());
        }
        // No anchor before a row: the file is walked.
        let late = &anchors[1..];
        assert!(!from_anchors(&utf8, b',', mine, late, |p, r| checked(p, r).map(drop)).unwrap());
        assert_eq!(
            reread(&sources[..1], &opts, mine, late, |p, r| checked(p, r)).unwrap(),
            a
        );
    }
}

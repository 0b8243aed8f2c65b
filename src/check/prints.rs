//! Every row's fingerprint in 6 bytes, for finding rows written twice and runs of rows with no
//! unit or area, at 5,000,000 rows in 30 MB instead of the 80 MB a (hash, place) pair per row
//! took. A row's place is not stored: each thread keeps its rows chunk by chunk in line order,
//! and each row holds only how many lines it is after the row before it (6 bits; the rare
//! longer gap is kept aside). Sorting the chunks by their first line puts every row back in file
//! and line order, however the threads shared the chunks.
//!
//! The 40 bits of hash kept only find candidates: rows whose fingerprints repeat are read again
//! ([`crate::engine::reread`]) and compared field by field, so a collision never names a row
//! that is not a duplicate.

use crate::domain::order::on_threads;
use crate::engine::Place;

/// Rows per page: pages are allocated whole, so a thread's rows never cost a doubling `Vec`'s
/// spare half, and are never copied while they grow.
const PAGE: usize = 1 << 16;
/// The lines-since-the-row-before field: 6 bits, above the two flag bits.
const GAP_SHIFT: u32 = 2;
const GAP_MASK: u64 = 0x3f << GAP_SHIFT;
/// A gap this long or longer is in [`Prints::far`].
const FAR: u64 = 0x3f;
/// The hash bits kept, above the gap and flags.
const HASH_BITS: u32 = 40;
/// Of every this many rows of a chunk, the first's start in its chunk is kept (4 bytes; the
/// row's place follows from its index), for [`in_order`] to give: a row read again is read from the
/// anchor before it to the anchor after it, a few kilobytes, not from the start of the file.
/// 300 KB at 5,000,000 rows.
const ANCHOR_EVERY: usize = 64;
/// An anchor row whose start could not be told (its first field was unescaped), or lies past
/// what 32 bits hold.
const NO_ANCHOR: u32 = u32::MAX;

/// A row's place and where its record starts in its file, in bytes.
pub type Anchor = (Place, u64);

/// One thread's rows.
#[derive(Debug, Clone, Default)]
pub struct Prints {
    pages: Vec<Vec<[u8; 6]>>,
    rows: usize,
    /// The chunks, in the order this thread read them.
    segments: Vec<Segment>,
    /// Rows further than [`FAR`] - 1 lines after the row before: (row index, line).
    far: Vec<(usize, u64)>,
    /// The line of the last row (or the first line of the chunk, before its first row).
    last_line: u64,
    last_file: usize,
    /// Per anchor row (the first of every [`ANCHOR_EVERY`] rows of a segment that has `at`):
    /// where its record starts in the chunk's text.
    anchors: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    file: usize,
    first_line: u64,
    /// Index of its first row.
    start: usize,
    /// Where the chunk starts in its file, when its text is the file's own bytes.
    at: Option<u64>,
    /// Index of its first anchor in `anchors`.
    anchors: usize,
}

/// What is compared to find rows written twice: the hash's kept bits and the two flags (a
/// packed row without its gap).
pub fn key_of(print: u64, flags: u64) -> u64 {
    ((print >> (64 - HASH_BITS)) << 8) | (flags & 3)
}

/// Whether the kept bits of `print` are those of `key`.
pub fn same_hash(print: u64, key: u64) -> bool {
    print >> (64 - HASH_BITS) == key >> 8
}

impl Prints {
    /// The rows that follow are from a chunk of file `file` starting at `first_line`, and in
    /// the file at byte `at` when the chunk's text is the file's own bytes.
    pub fn chunk(&mut self, file: usize, first_line: u64, at: Option<u64>) {
        self.segments.push(Segment {
            file,
            first_line,
            start: self.rows,
            at,
            anchors: self.anchors.len(),
        });
        self.last_file = file;
        self.last_line = first_line;
    }

    /// A row: its fingerprint, its two flags (no unit, no area) and its place.
    #[cfg(test)]
    pub fn push(&mut self, print: u64, flags: u64, place: Place) {
        self.push_at(print, flags, place, || None);
    }

    /// [`Prints::push`]; `start` tells where the row's record starts in its chunk's text, if it
    /// can be told, and is asked only when an anchor is due.
    pub fn push_at(
        &mut self,
        print: u64,
        flags: u64,
        place: Place,
        start: impl FnOnce() -> Option<usize>,
    ) {
        let (file, line) = (place.file_index(), place.line());
        if self.segments.is_empty() || file != self.last_file || line < self.last_line {
            // Rows not announced by a chunk (an observer driven by hand): their own segment.
            self.chunk(file, line, None);
        }
        if let Some(seg) = self.segments.last()
            && seg.at.is_some()
            && (self.rows - seg.start).is_multiple_of(ANCHOR_EVERY)
        {
            let start = start().and_then(|s| u32::try_from(s).ok());
            self.anchors.push(start.unwrap_or(NO_ANCHOR));
        }
        let mut gap = line - self.last_line;
        if gap >= FAR {
            self.far.push((self.rows, line));
            gap = FAR;
        }
        self.last_line = line;
        let packed = key_of(print, flags) | (gap << GAP_SHIFT);
        if self.pages.last().is_none_or(|p| p.len() == PAGE) {
            self.pages.push(Vec::with_capacity(PAGE));
        }
        let bytes = packed.to_le_bytes();
        if let Some(page) = self.pages.last_mut() {
            page.push([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]);
        }
        self.rows += 1;
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    fn get(&self, i: usize) -> u64 {
        unpack(&self.pages[i / PAGE][i % PAGE])
    }
}

/// A row as stored, back to its packed 48 bits.
fn unpack(b: &[u8; 6]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], 0, 0])
}

/// Every row of every thread in file and line order, as (key, place, anchor): the key's two low
/// bits are the row's flags; an anchor row comes with where it starts in its file.
pub fn in_order(parts: &[Prints]) -> impl Iterator<Item = (u64, Place, Option<u64>)> + '_ {
    let mut segments: Vec<(usize, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(t, p)| (0..p.segments.len()).map(move |s| (t, s)))
        .collect();
    segments.sort_by_key(|&(t, s)| {
        let seg = parts[t].segments[s];
        (seg.file, seg.first_line, t, s)
    });
    segments
        .into_iter()
        .flat_map(move |(t, s)| rows_of(&parts[t], s))
}

/// The rows of segment `s` of `part`, in line order, as [`in_order`] gives them.
fn rows_of(part: &Prints, s: usize) -> impl Iterator<Item = (u64, Place, Option<u64>)> + '_ {
    let seg = part.segments[s];
    let end = part.segments.get(s + 1).map_or(part.rows, |n| n.start);
    // The first of its rows kept aside, if any.
    let mut far = part.far.partition_point(|f| f.0 < seg.start);
    let mut line = seg.first_line;
    (seg.start..end).map(move |i| {
        let packed = part.get(i);
        let gap = (packed & GAP_MASK) >> GAP_SHIFT;
        if gap == FAR {
            line = part.far.get(far).map_or(line, |f| f.1);
            far += 1;
        } else {
            line += gap;
        }
        let nth = i - seg.start;
        let anchor = seg
            .at
            .filter(|_| nth.is_multiple_of(ANCHOR_EVERY))
            .and_then(|at| {
                let start = *part.anchors.get(seg.anchors + nth / ANCHOR_EVERY)?;
                (start != NO_ANCHOR).then(|| at + u64::from(start))
            });
        (packed & !GAP_MASK, Place::new(seg.file, line), anchor)
    })
}

/// Bits of a 42-bit key (the hash's 40, then the flags) that pick its bucket in [`repeated`];
/// the 32 below are what is sorted.
const BUCKET_BITS: u32 = 10;

/// The keys two rows or more share, sorted. Every key is put once in its bucket by its top bits
/// (a counting sort, 4 bytes a row for its low 32 bits), then each bucket, small enough for the
/// first-level cache, is sorted on its own: two passes over the rows, and the buckets shared
/// among as many threads as read them.
pub fn repeated(parts: &[Prints]) -> Vec<u64> {
    const BUCKETS: usize = 1 << BUCKET_BITS;
    let rows: usize = parts.iter().map(Prints::len).sum();
    // 42 bits: the hash's 40, then the flags.
    let short = |b: &[u8; 6]| {
        let k = unpack(b);
        ((k >> 8) << 2) | (k & 3)
    };
    let entries = || parts.iter().flat_map(|p| &p.pages).flatten();
    let mut starts = vec![0usize; BUCKETS + 1];
    for b in entries() {
        starts[(short(b) >> 32) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut low = vec![0u32; rows];
    let mut next = starts.clone();
    for b in entries() {
        let k = short(b);
        let bucket = (k >> 32) as usize;
        low[next[bucket]] = k as u32;
        next[bucket] += 1;
    }
    drop(next);
    // Contiguous runs of buckets of about equal rows, one per thread (the cuts never go down:
    // `starts` does not).
    let threads = parts.len().clamp(1, 16);
    let mut cuts = vec![0usize];
    for t in 1..threads {
        cuts.push(
            starts
                .partition_point(|&s| s < rows * t / threads)
                .min(BUCKETS),
        );
    }
    cuts.push(BUCKETS);
    let mut pieces = Vec::new();
    let mut rest: &mut [u32] = &mut low;
    for w in cuts.windows(2) {
        let (here, after) = std::mem::take(&mut rest).split_at_mut(starts[w[1]] - starts[w[0]]);
        pieces.push((w[0]..w[1], here));
        rest = after;
    }
    // A thread the system will not start is done without (`on_threads`).
    let found = on_threads(pieces, |(buckets, piece)| {
        repeats_in(piece, &starts[buckets.start..=buckets.end], buckets.start)
    });
    found.into_iter().flatten().collect()
}

/// The keys that repeat among the low bits in `piece`, whose buckets start at `first`:
/// `starts` holds where each of its buckets starts in the whole, then where the last ends.
fn repeats_in(piece: &mut [u32], starts: &[usize], first: usize) -> Vec<u64> {
    let base = starts.first().copied().unwrap_or(0);
    let mut out = Vec::new();
    for (i, w) in starts.windows(2).enumerate() {
        let span = &mut piece[w[0] - base..w[1] - base];
        span.sort_unstable();
        for run in span.chunk_by(|a, b| a == b) {
            if run.len() > 1 {
                let k = (((first + i) as u64) << 32) | u64::from(run[0]);
                out.push(((k >> 2) << 8) | (k & 3));
            }
        }
    }
    out
}

/// A quick test of whether a key is among `repeated` (sorted): a bit per value of the key's top
/// 20 bits (128 KiB) rules out nearly every row without a search, even with tens of thousands
/// of keys repeated.
pub struct Repeated {
    keys: Vec<u64>,
    bits: Vec<u64>,
}

/// How many of a key's top bits [`Repeated`] has a bit for (of its 48).
const FILTER_BITS: u32 = 20;

fn top_bits(key: u64) -> usize {
    (key >> (48 - FILTER_BITS)) as usize & ((1 << FILTER_BITS) - 1)
}

impl Repeated {
    pub fn new(keys: Vec<u64>) -> Repeated {
        let mut bits = vec![0u64; (1 << FILTER_BITS) / 64];
        for &k in &keys {
            let top = top_bits(k);
            bits[top / 64] |= 1 << (top % 64);
        }
        Repeated { keys, bits }
    }

    pub fn contains(&self, key: u64) -> bool {
        let top = top_bits(key);
        self.bits[top / 64] & (1 << (top % 64)) != 0 && self.keys.binary_search(&key).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    /// Rows of three files cut into chunks, the chunks shared among three threads in any order,
    /// with gaps short and long: walked back in file and line order, with their keys.
    #[test]
    fn rows_come_back_in_place_order_with_their_keys() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut chunks: Vec<Vec<(u64, u64, Place)>> = Vec::new();
        for file in 0..3usize {
            let mut line = 2u64;
            for _ in 0..40 {
                let mut chunk = Vec::new();
                for _ in 0..(xorshift(&mut x) % 50) {
                    line += match xorshift(&mut x) % 10 {
                        0 => 63 + xorshift(&mut x) % 1000,
                        1 => 62,
                        _ => 1,
                    };
                    let print = xorshift(&mut x);
                    chunk.push((print, print % 4, Place::new(file, line)));
                }
                chunks.push(chunk);
                // Chunks do not overlap: the next starts two lines on at least.
                line += 2;
            }
        }
        let mut expected: Vec<(u64, Place)> = chunks
            .iter()
            .flatten()
            .map(|&(p, f, place)| (key_of(p, f), place))
            .collect();
        expected.sort_by_key(|e| e.1);
        let mut parts: Vec<Prints> = (0..3).map(|_| Prints::default()).collect();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            let t = (xorshift(&mut x) % 3) as usize;
            // One chunk in four is not announced (an observer driven by hand): its rows make a
            // segment of their own, being of another file or before the rows pushed last.
            if i % 4 == 3 {
                for &(p, f, place) in chunk {
                    parts[t].push(p, f, place);
                }
                continue;
            }
            if let Some(&(_, _, first)) = chunk.first() {
                parts[t].chunk(
                    first.file_index(),
                    first.line() - xorshift(&mut x) % 2,
                    None,
                );
            }
            for &(p, f, place) in chunk {
                parts[t].push(p, f, place);
            }
        }
        let walked: Vec<(u64, Place)> = in_order(&parts).map(|(k, p, _)| (k, p)).collect();
        assert_eq!(walked, expected);
    }

    /// Rows pushed with no chunk announced (an observer driven by hand) make segments of their
    /// own, on their first row, on a change of file (whatever the line) and on a line before the
    /// last: walked back in place order.
    #[test]
    fn rows_pushed_unannounced_come_back_in_place_order() {
        let rows = [(0, 5), (0, 9), (1, 12), (1, 3), (0, 2)];
        let mut part = Prints::default();
        for (i, &(file, line)) in rows.iter().enumerate() {
            part.push((i as u64 + 1) << 40, 0, Place::new(file, line));
        }
        let walked: Vec<Place> = in_order(&[part]).map(|(_, place, _)| place).collect();
        let mut want: Vec<Place> = rows.iter().map(|&(f, l)| Place::new(f, l)).collect();
        want.sort();
        assert_eq!(walked, want);
    }

    /// The keys found repeated are those a plain count finds, whatever the number of rows, of
    /// threads and of flags, and however the rows were shared among the threads.
    #[test]
    fn repeated_keys_are_those_seen_twice() {
        for (rows, threads) in [(1_000u64, 1usize), (1_000, 3), (1_200_000, 2), (300_000, 5)] {
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            let mut parts = vec![Prints::default(); threads];
            let mut all = Vec::new();
            for i in 0..rows {
                let (print, flags) = if i % 1000 == 7 {
                    // Some rows again.
                    all[(xorshift(&mut x) % i) as usize]
                } else if i % 1000 == 8 {
                    // A print again with other flags: not the same key.
                    let (p, f) = all[(xorshift(&mut x) % i) as usize];
                    (p, (f + 1) & 3)
                } else {
                    // Some prints share the top bits that pick a bucket, or are all zero.
                    let p = xorshift(&mut x);
                    match i % 5 {
                        0 => (p & ((1 << 44) - 1), i & 3),
                        1 if i % 100 == 1 => (0, 0),
                        _ => (p, i & 3),
                    }
                };
                all.push((print, flags));
                parts[(i as usize / 17) % threads].push(print, flags, Place::new(0, i + 2));
            }
            let mut model: Vec<u64> = all.iter().map(|&(p, f)| key_of(p, f)).collect();
            model.sort_unstable();
            let want: Vec<u64> = model
                .chunk_by(|a, b| a == b)
                .filter(|r| r.len() > 1)
                .map(|r| r[0])
                .collect();
            assert!(want.len() > (rows / 1000) as usize);
            let got = repeated(&parts);
            assert_eq!(got, want, "{rows} rows, {threads} threads");
            let set = Repeated::new(got);
            assert!(want.iter().all(|k| set.contains(*k)));
            let once = model.chunk_by(|a, b| a == b).find(|r| r.len() == 1);
            assert!(once.is_some_and(|r| !set.contains(r[0])));
        }
    }
}

//! Every row's fingerprint in 6 bytes, for finding rows written twice and runs of rows with no
//! unit or area, at 5,000,000 rows in 30 MB instead of the 80 MB a (hash, place) pair per row
//! took. A row's place is not stored: each thread keeps its rows chunk by chunk in line order,
//! and each row holds only how many lines it is after the row before it (6 bits; the rare
//! longer gap is kept aside). Sorting the chunks by their first line puts every row back in file
//! and line order, however the threads shared the chunks.
//!
//! After reading, each thread puts its keys in buckets by their top bits ([`Prints::seal`]); the
//! keys seen twice are found bucket by bucket through a small table ([`repeated`]), and every
//! row is then walked once ([`walk`]) for those rows, the anchors and the runs of empty cells:
//! every step on as many threads as read, each thread taking the next few buckets or chunks
//! when done with its own, none a sort of every row.
//!
//! The 40 bits of hash kept only find candidates: rows whose fingerprints repeat are read again
//! ([`crate::engine::reread`]) and compared field by field, so a collision never names a row
//! that is not a duplicate.

use super::EmptyRun;
use super::runs::{self, Stretch};
use crate::domain::order::{claimed, freed_aside, on_threads};
use crate::engine::Place;
use std::ops::Range;

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
/// row's place follows from its index), for [`walk`] to give those around the rows to read
/// again: such a row is read from the anchor before it to the anchor after it, about a
/// kilobyte, not from the start of the file. 2.5 MB at 5,000,000 rows. At one per 32 rows,
/// copying windows of 3.8 KB was most of the time rows took to be read again.
const ANCHOR_EVERY: usize = 8;
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
    /// Its keys in their buckets, once reading ends ([`Prints::seal`]), until [`repeated`] is
    /// done.
    bucketed: Option<Bucketed>,
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
    #[inline(always)]
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

    /// The rows of segment `s`, by index.
    fn segment_rows(&self, s: usize) -> Range<usize> {
        let start = self.segments.get(s).map_or(self.rows, |seg| seg.start);
        start..self.segments.get(s + 1).map_or(self.rows, |n| n.start)
    }

    #[cfg(test)]
    fn get(&self, i: usize) -> u64 {
        unpack(&self.pages[i / PAGE][i % PAGE])
    }

    /// Rows `from..to` as stored, a page's share at a time: a loop over each share, where one
    /// iterator over the rows of every page asked at each row which page it was on.
    fn slices(&self, from: usize, to: usize) -> impl Iterator<Item = &[[u8; 6]]> + '_ {
        let pages = self
            .pages
            .get(from / PAGE..to.div_ceil(PAGE))
            .unwrap_or_default();
        pages.iter().enumerate().map(move |(j, page)| {
            let base = (from / PAGE + j) * PAGE;
            let lo = from.saturating_sub(base);
            let hi = (to - base).min(page.len());
            page.get(lo..hi).unwrap_or_default()
        })
    }
}

/// A row as stored, back to its packed 48 bits.
fn unpack(b: &[u8; 6]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], 0, 0])
}

#[cfg(test)]
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

#[cfg(test)]
/// The rows of segment `s` of `part`, in line order, as [`in_order`] gives them.
fn rows_of(part: &Prints, s: usize) -> impl Iterator<Item = (u64, Place, Option<u64>)> + '_ {
    let seg = part.segments[s];
    // The first of its rows kept aside, if any.
    let mut far = part.far.partition_point(|f| f.0 < seg.start);
    let mut line = seg.first_line;
    part.segment_rows(s).map(move |i| {
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
/// the 32 below are what a bucket keeps.
const BUCKET_BITS: u32 = 10;
const BUCKETS: usize = 1 << BUCKET_BITS;
// A bucket keeps a key's bits below its own as a `u32`, and `repeated` puts keys back
// together from the two: another width needs another layout (with 8 or 9 bits and this one,
// `check` found 4 candidate rows on the benchmark ledger where there are 8,738).
const _: () = assert!(BUCKET_BITS + u32::BITS == HASH_BITS + 2);

/// One thread's keys, 42 bits each (the hash's 40, then the flags), put in their buckets by
/// their top bits: 4 bytes a row for the low 32 bits.
#[derive(Debug, Clone, Default)]
struct Bucketed {
    /// Where each bucket starts in `low`, then where the last ends.
    starts: Vec<usize>,
    low: Vec<u32>,
}

impl Bucketed {
    fn bucket(&self, b: usize) -> &[u32] {
        &self.low[self.starts[b]..self.starts[b + 1]]
    }
}

/// A stored row's 42-bit key: the hash's 40 bits, then the flags.
fn short(b: &[u8; 6]) -> u64 {
    let k = unpack(b);
    ((k >> 8) << 2) | (k & 3)
}

/// The bucket of a packed row (48 bits): its key's top [`BUCKET_BITS`].
fn bucket_of(packed: u64) -> usize {
    (packed >> (48 - BUCKET_BITS)) as usize & (BUCKETS - 1)
}

impl Prints {
    /// Puts this thread's keys in their buckets (a counting sort on their top bits), for
    /// [`repeated`]. Done by each reading thread as its reading ends.
    pub fn seal(&mut self) {
        if self.bucketed.is_some() {
            return;
        }
        // Counted here, in a pass over the rows of 1 ns a row: counted as the rows came, the
        // 4 KiB of counts were one more table each row reached into at random, beside the
        // reading's own, and `check` took 3% longer (15 runs in turns, twice).
        let mut in_bucket = vec![0u32; BUCKETS];
        for b in self.pages.iter().flatten() {
            in_bucket[bucket_of(unpack(b))] += 1;
        }
        let mut starts = vec![0usize; BUCKETS + 1];
        for (b, &n) in in_bucket.iter().enumerate() {
            starts[b + 1] = starts[b] + n as usize;
        }
        let mut low = vec![0u32; self.rows];
        let mut next = starts.clone();
        for b in self.pages.iter().flatten() {
            // The bucket it was counted in, by one definition.
            let bucket = bucket_of(unpack(b));
            low[next[bucket]] = short(b) as u32;
            next[bucket] += 1;
        }
        self.bucketed = Some(Bucketed { starts, low });
    }
}

/// The keys two rows or more share, sorted, from every thread's buckets ([`Prints::seal`],
/// done here for a part not sealed yet): the buckets go a few at a time to as many threads as
/// read them, and each bucket's keys, from every thread, go through a table small enough for a
/// core's own cache (128 KiB at 5,000,000 rows). The buckets are freed after, on a thread of
/// their own.
pub fn repeated(parts: &mut [Prints]) -> Vec<u64> {
    let unsealed: Vec<&mut Prints> = parts.iter_mut().filter(|p| p.bucketed.is_none()).collect();
    on_threads(unsealed, Prints::seal);
    let bucketed: Vec<&Bucketed> = parts.iter().filter_map(|p| p.bucketed.as_ref()).collect();
    // Buckets a few at a time, to whichever thread is free: their sizes are about equal, the
    // threads' speeds not always.
    let threads = parts.len().clamp(1, 16);
    let found = claimed(BUCKETS, 16, threads, |buckets, found: &mut Repeats| {
        repeats_in(&bucketed, buckets, found);
    });
    drop(bucketed);
    let buckets: Vec<Bucketed> = parts.iter_mut().filter_map(|p| p.bucketed.take()).collect();
    freed_aside(buckets);
    let mut keys: Vec<u64> = found.into_iter().flat_map(|f| f.keys).collect();
    // Back from 42 bits to a key's 48: the hash's 40, a byte, the flags.
    for k in &mut keys {
        *k = ((*k >> 2) << 8) | (*k & 3);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What one thread of [`repeated`] finds, and its table, kept from one bucket to the next.
#[derive(Default)]
struct Repeats {
    /// Keys of 42 bits (the bucket, then the 32 bits a bucket keeps).
    keys: Vec<u64>,
    table: Vec<u32>,
}

/// A slot of [`repeats_in`]'s table that holds no key.
const FREE: u32 = u32::MAX;

/// The keys that repeat in `buckets`, from every thread's keys in each, once or more each, into
/// `found`.
fn repeats_in(bucketed: &[&Bucketed], buckets: Range<usize>, found: &mut Repeats) {
    let Repeats { keys: out, table } = found;
    // Open addressing, at most a quarter full: a key's bits above its flags are a hash's, so
    // they are its slot. A key is then nearly always where it first looks: at half full the
    // buckets took 30% longer, and twice as long at two thirds, in the first-level cache.
    for b in buckets {
        let size: usize = bucketed.iter().map(|s| s.bucket(b).len()).sum();
        let slots = (4 * size).next_power_of_two().max(64);
        table.clear();
        table.resize(slots, FREE);
        let mask = slots - 1;
        // `FREE` is also a key: counted apart.
        let mut free_seen = 0;
        let mut repeat = |low: u32| out.push(((b as u64) << 32) | u64::from(low));
        for &low in bucketed.iter().flat_map(|s| s.bucket(b)) {
            if low == FREE {
                free_seen += 1;
                if free_seen == 2 {
                    repeat(low);
                }
                continue;
            }
            let mut i = (low >> 2) as usize & mask;
            loop {
                match table[i] {
                    FREE => {
                        table[i] = low;
                        break;
                    }
                    k if k == low => {
                        repeat(low);
                        break;
                    }
                    _ => i = (i + 1) & mask,
                }
            }
        }
    }
}

/// What the walk over every row finds ([`walk`]), each in place order.
#[derive(Debug, Default)]
pub struct Walked {
    /// Rows whose key is among the repeated, with their keys.
    pub candidates: Vec<(u64, Place)>,
    /// The anchors a candidate is read again between: for each, the last at or before it in
    /// its chunk and the first after it; and each chunk's first, which ends the window of a
    /// candidate at the end of the chunk before. Not the others (a list of every anchor was
    /// 10 MB at 5,000,000 rows).
    pub anchors: Vec<Anchor>,
    pub runs: Vec<EmptyRun>,
}

/// What one thread's rows hold, chunk by chunk: (file, first line, thread, chunk) to order it
/// by, its runs, its anchors.
type Piece = ((usize, u64, usize, usize), Stretch, Vec<Anchor>);

/// One walk over every row: the rows whose key is in `repeated` (found by [`repeated`]), the
/// anchors around them, the runs of rows with no unit or area. The chunks of every thread go a
/// few at a time to as many threads as read, are walked, then put in file and line order.
pub fn walk(parts: &[Prints], repeated: &Repeated) -> Walked {
    let chunks: Vec<(usize, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(t, p)| (0..p.segments.len()).map(move |s| (t, s)))
        .collect();
    let threads = parts.len().max(1);
    // Chunks a few at a time, to whichever thread is free.
    let walked = claimed(chunks.len(), 8, threads, |some, walked: &mut Walking| {
        walk_chunks(parts, &chunks[some], repeated, walked);
    });
    let mut out = Walked::default();
    let mut pieces: Vec<Piece> = Vec::new();
    for walked in walked {
        out.candidates.extend(walked.candidates);
        pieces.extend(walked.pieces);
    }
    out.candidates.sort_unstable_by_key(|c| c.1);
    pieces.sort_unstable_by_key(|p| p.0);
    let mut stretches = Vec::with_capacity(pieces.len());
    for (_, stretch, anchors) in pieces {
        out.anchors.extend(anchors);
        stretches.push(stretch);
    }
    out.runs = runs::join(stretches);
    out
}

/// What one thread of [`walk`] finds.
#[derive(Default)]
struct Walking {
    candidates: Vec<(u64, Place)>,
    pieces: Vec<Piece>,
}

/// [`walk`] over the chunks `share` (thread, segment) of `parts`, adding to `walked`.
fn walk_chunks(
    parts: &[Prints],
    share: &[(usize, usize)],
    repeated: &Repeated,
    walked: &mut Walking,
) {
    let Walking { candidates, pieces } = walked;
    let filter = repeated.filter();
    for &(t, s) in share {
        let part = &parts[t];
        // Copied out: what the loop reads of the chunk stays in registers, where a store to a
        // list found made the compiler load it again at every row.
        let seg = part.segments[s];
        let rows = part.segment_rows(s);
        // The rows after a long gap, from this chunk's first.
        let first_far = part.far.partition_point(|f| f.0 < rows.start);
        let mut far = part.far[first_far..].iter().peekable();
        // Its anchors' starts, when its text is the file's own (else none are given).
        let starts = match seg.at {
            Some(_) => part.anchors.get(seg.anchors..).unwrap_or_default(),
            None => &[],
        };
        let at = seg.at.unwrap_or_default();
        let mut stretch = Stretch::new(seg.file);
        let mut anchors = Vec::new();
        // The chunk's last anchor seen and not given yet; whether the next is wanted.
        let mut held: Option<Anchor> = None;
        let mut want_next = false;
        let mut line = seg.first_line;
        let mut nth = 0;
        for page in part.slices(rows.start, rows.end) {
            for b in page {
                let packed = unpack(b);
                let gap = (packed & GAP_MASK) >> GAP_SHIFT;
                if gap == FAR {
                    // Every row so far has had its own: the next is this row's.
                    let i = seg.start + nth;
                    line = far.next_if(|f| f.0 == i).map_or(line, |f| f.1);
                } else {
                    line += gap;
                }
                let key = packed & !GAP_MASK;
                stretch.row(key, line);
                if nth % ANCHOR_EVERY == 0
                    && let Some(&start) = starts.get(nth / ANCHOR_EVERY)
                    && start != NO_ANCHOR
                {
                    let anchor = (Place::new(seg.file, line), at + u64::from(start));
                    if anchors.is_empty() || want_next {
                        anchors.push(anchor);
                        (held, want_next) = (None, false);
                    } else {
                        held = Some(anchor);
                    }
                }
                if repeated.holds(filter, key) {
                    candidates.push((key, Place::new(seg.file, line)));
                    anchors.extend(held.take());
                    want_next = true;
                }
                nth += 1;
            }
        }
        pieces.push(((seg.file, seg.first_line, t, s), stretch, anchors));
    }
}

/// A quick test of whether a key is among `repeated` (sorted): a blocked Bloom filter, three
/// bits of one word per key, at 8 to 16 bits a key, rules out all but one to three rows in a
/// hundred without a search. At the few thousand keys a ledger's duplicates give it is a few KiB and
/// stays in the first-level cache; a bit per value of the keys' top 20 bits (128 KiB) did not,
/// and its miss on every row was 42% of the walk's time.
pub struct Repeated {
    keys: Vec<u64>,
    words: Vec<u64>,
    /// The hash's bits below a key's word.
    shift: u32,
}

/// The filter's size: at most this many words (8 MiB, a million keys past which a key takes
/// fewer than 8 bits), at least 64.
const MAX_WORDS: usize = 1 << 20;

/// A key's word (its hash's top bits, above `shift`) and its three bits there (three more of
/// its bits, six each, at the bottom: apart from the top while the filter is at most 2^22
/// words).
fn probe(key: u64, shift: u32) -> (usize, u64) {
    let hash = key >> 8;
    let bits = 1 << (hash & 63) | 1 << ((hash >> 6) & 63) | 1 << ((hash >> 12) & 63);
    ((hash >> shift) as usize, bits)
}

/// [`Repeated`]'s filter: false for a key not among its keys but one to three in a hundred.
#[derive(Clone, Copy)]
struct Filter<'a> {
    words: &'a [u64],
    shift: u32,
}

impl Filter<'_> {
    fn may_hold(self, key: u64) -> bool {
        let (word, bits) = probe(key, self.shift);
        self.words.get(word).is_some_and(|w| w & bits == bits)
    }
}

impl Repeated {
    pub fn new(keys: Vec<u64>) -> Repeated {
        let n = (keys.len() / 8).next_power_of_two().clamp(64, MAX_WORDS);
        let shift = HASH_BITS - n.trailing_zeros();
        let mut set = Repeated {
            keys,
            words: vec![0; n],
            shift,
        };
        for &key in &set.keys {
            let (word, bits) = probe(key, shift);
            set.words[word] |= bits;
        }
        set
    }

    /// Whether `key` is among the keys: the filter, then a search.
    #[cfg(test)]
    pub fn contains(&self, key: u64) -> bool {
        self.holds(self.filter(), key)
    }

    /// [`Repeated::contains`], with the filter held by the caller ([`Repeated::filter`]).
    fn holds(&self, filter: Filter<'_>, key: u64) -> bool {
        filter.may_hold(key) && self.keys.binary_search(&key).is_ok()
    }

    /// The filter alone, to be held in registers through a loop.
    fn filter(&self) -> Filter<'_> {
        Filter {
            words: &self.words,
            shift: self.shift,
        }
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
            // Half the chunks are the file's own bytes: their rows' starts are kept as
            // anchors, but where one could not be told.
            let at = (i % 2 == 0).then_some(1_000_000 * i as u64);
            if let Some(&(_, _, first)) = chunk.first() {
                parts[t].chunk(first.file_index(), first.line() - xorshift(&mut x) % 2, at);
            }
            for (n, &(p, f, place)) in chunk.iter().enumerate() {
                parts[t].push_at(p, f, place, || (n % 5 != 4).then_some(n * 10));
            }
        }
        let walked: Vec<(u64, Place)> = in_order(&parts).map(|(k, p, _)| (k, p)).collect();
        assert_eq!(walked, expected);

        // The walk on threads finds what the walk in order does: the rows whose keys are
        // among those asked for, the anchors, the runs of rows with no unit or area.
        let asked: Vec<u64> = expected.iter().step_by(29).map(|e| e.0).collect();
        let mut sorted = asked.clone();
        sorted.sort_unstable();
        let found = walk(&parts, &Repeated::new(sorted));
        let in_place: Vec<(u64, Place, Option<u64>)> = in_order(&parts).collect();
        let candidates: Vec<(u64, Place)> = in_place
            .iter()
            .filter(|r| asked.contains(&r.0))
            .map(|r| (r.0, r.1))
            .collect();
        let anchors: Vec<Anchor> = in_place.iter().filter_map(|r| Some((r.1, r.2?))).collect();
        let rows: Vec<(usize, u64, u64)> = in_place
            .iter()
            .map(|r| (r.1.file_index(), r.1.line(), r.0 & 3))
            .collect();
        assert!(!candidates.is_empty() && !anchors.is_empty());
        assert_eq!(found.candidates, candidates);
        // The anchors given are some of the anchors, in order: for each candidate, the one
        // after it, and the one before it when that is in the candidate's chunk.
        let mut rest = anchors.iter();
        assert!(found.anchors.iter().all(|a| rest.any(|b| b == a)));
        let chunk_of: std::collections::BTreeMap<Place, usize> = chunks
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.iter().map(move |r| (r.2, i)))
            .collect();
        for &(_, c) in &candidates {
            let after = |list: &[Anchor]| list.iter().find(|a| a.0 > c).copied();
            assert_eq!(after(&found.anchors), after(&anchors), "after {c:?}");
            let before = |list: &[Anchor]| list.iter().rev().find(|a| a.0 <= c).copied();
            if let Some(b) = before(&anchors).filter(|b| chunk_of[&b.0] == chunk_of[&c]) {
                assert_eq!(before(&found.anchors), Some(b), "before {c:?}");
            }
        }
        assert!(found.anchors.len() < anchors.len());
        let runs = runs::walked(&rows);
        assert!(!runs.is_empty());
        assert_eq!(found.runs, runs);
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

    /// The filter in front of the search never turns a repeated key away, and a key it lets
    /// through is still searched: the set holds exactly its keys, from a handful (the smallest
    /// filter) to a hundred thousand, with hashes spread or all alike in their top bits (every
    /// key in one word).
    #[test]
    fn a_key_is_repeated_exactly_when_it_is_among_the_keys() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for (n, top_alike) in [(5, false), (4_000, false), (100_000, false), (4_000, true)] {
            let keys: Vec<u64> = (0..2 * n)
                .map(|i| {
                    let print = xorshift(&mut x);
                    let print = if top_alike { print >> 20 } else { print };
                    key_of(print, i & 3)
                })
                .collect();
            let (held, other) = keys.split_at(n as usize);
            let mut sorted = held.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            let set = Repeated::new(sorted.clone());
            assert!(held.iter().all(|k| set.contains(*k)), "{n} keys");
            let wrongly = other
                .iter()
                .filter(|k| set.contains(**k) != sorted.binary_search(k).is_ok())
                .count();
            assert_eq!(wrongly, 0, "{n} keys");
        }
    }

    /// The keys found repeated are those a plain count finds, whatever the number of rows, of
    /// threads and of flags, and however the rows were shared among the threads.
    #[test]
    fn repeated_keys_are_those_seen_twice() {
        let cases = [
            (1_000u64, 1usize),
            (1_000, 3),
            (1_200_000, 2),
            (300_000, 5),
            // One thread's rows over 17 pages of 65,536.
            (1_100_000, 1),
        ];
        for (rows, threads) in cases {
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
                } else if i % 250 == 9 {
                    // Keys whose bits kept in a bucket are all ones, as a free slot of the
                    // table is: one of them again and again, the others once each.
                    let p = if i % 500 == 9 {
                        1 << 63
                    } else {
                        xorshift(&mut x)
                    };
                    (p | (((1 << 30) - 1) << 24), 3)
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
            let all_ones = key_of(1 << 63 | ((1 << 30) - 1) << 24, 3);
            assert!(want.contains(&all_ones));
            let got = repeated(&mut parts);
            assert_eq!(got, want, "{rows} rows, {threads} threads");
            let set = Repeated::new(got);
            assert!(want.iter().all(|k| set.contains(*k)));
            let once = model.chunk_by(|a, b| a == b).find(|r| r.len() == 1);
            assert!(once.is_some_and(|r| !set.contains(r[0])));
        }
    }
}

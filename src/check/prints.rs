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
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    file: usize,
    first_line: u64,
    /// Index of its first row.
    start: usize,
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
    /// The rows that follow are from a chunk of file `file` starting at `first_line`.
    pub fn chunk(&mut self, file: usize, first_line: u64) {
        self.segments.push(Segment {
            file,
            first_line,
            start: self.rows,
        });
        self.last_file = file;
        self.last_line = first_line;
    }

    /// A row: its fingerprint, its two flags (no unit, no area) and its place.
    pub fn push(&mut self, print: u64, flags: u64, place: Place) {
        let (file, line) = (place.file_index(), place.line());
        if self.segments.is_empty() || file != self.last_file || line < self.last_line {
            // Rows not announced by a chunk (an observer driven by hand): their own segment.
            self.chunk(file, line);
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
        let b = self.pages[i / PAGE][i % PAGE];
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], 0, 0])
    }

    fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.pages
            .iter()
            .flatten()
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], 0, 0]) & !GAP_MASK)
    }
}

/// Every row of every thread in file and line order, as (key, place): the key's two low bits are
/// the row's flags.
pub fn in_order(parts: &[Prints]) -> impl Iterator<Item = (u64, Place)> + '_ {
    let mut segments: Vec<(usize, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(t, p)| (0..p.segments.len()).map(move |s| (t, s)))
        .collect();
    segments.sort_by_key(|&(t, s)| {
        let seg = parts[t].segments[s];
        (seg.file, seg.first_line, t, s)
    });
    segments.into_iter().flat_map(move |(t, s)| {
        let part = &parts[t];
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
            (packed & !GAP_MASK, Place::new(seg.file, line))
        })
    })
}

/// The keys two rows or more share, sorted. The keys are sorted a slice of the key space at a
/// time, so the copy sorted stays small (about 4 MB) however many rows there are.
pub fn repeated(parts: &[Prints]) -> Vec<u64> {
    let rows: usize = parts.iter().map(Prints::len).sum();
    // Keys use 48 bits; slices by their top bits.
    let slices = rows.div_ceil(1 << 19).next_power_of_two().clamp(1, 256);
    let shift = 48 - slices.trailing_zeros();
    let mut out = Vec::new();
    let (mut keys, mut scratch): (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
    for slice in 0..slices as u64 {
        keys.clear();
        for part in parts {
            let mine = part.keys().filter(|k| slices == 1 || k >> shift == slice);
            // 42 bits: the hash's 40, then the flags.
            keys.extend(mine.map(|k| ((k >> 8) << 2) | (k & 3)));
        }
        radix_sort(&mut keys, &mut scratch);
        for run in keys.chunk_by(|a, b| a == b) {
            if run.len() > 1 {
                out.push(((run[0] >> 2) << 8) | (run[0] & 3));
            }
        }
    }
    out
}

/// Sorts keys of at most 42 bits: three passes of 14 bits, least significant first, through
/// `scratch` (a quarter of the instructions `sort_unstable` takes on millions of keys).
fn radix_sort(keys: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    const BITS: u32 = 14;
    const BUCKETS: usize = 1 << BITS;
    if keys.len() < 1 << 12 {
        keys.sort_unstable();
        return;
    }
    scratch.clear();
    scratch.resize(keys.len(), 0);
    let mut next = vec![0usize; BUCKETS];
    for pass in 0..3 {
        let digit = |k: u64| ((k >> (pass * BITS)) as usize) & (BUCKETS - 1);
        next.fill(0);
        for &k in keys.iter() {
            next[digit(k)] += 1;
        }
        let mut sum = 0;
        for n in next.iter_mut() {
            (*n, sum) = (sum, sum + *n);
        }
        for &k in keys.iter() {
            let d = digit(k);
            scratch[next[d]] = k;
            next[d] += 1;
        }
        std::mem::swap(keys, scratch);
    }
}

/// A quick test of whether a key is among `repeated` (sorted): a bit per value of the key's top
/// 16 bits rules out nearly every row without a search.
pub struct Repeated {
    keys: Vec<u64>,
    bits: Vec<u64>,
}

impl Repeated {
    pub fn new(keys: Vec<u64>) -> Repeated {
        let mut bits = vec![0u64; (1 << 16) / 64];
        for k in &keys {
            let top = (k >> 32) as usize & 0xffff;
            bits[top / 64] |= 1 << (top % 64);
        }
        Repeated { keys, bits }
    }

    pub fn contains(&self, key: u64) -> bool {
        let top = (key >> 32) as usize & 0xffff;
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
        for chunk in chunks.iter().rev() {
            let t = (xorshift(&mut x) % 3) as usize;
            if let Some(&(_, _, first)) = chunk.first() {
                parts[t].chunk(first.file_index(), first.line() - xorshift(&mut x) % 2);
            }
            for &(p, f, place) in chunk {
                parts[t].push(p, f, place);
            }
        }
        let walked: Vec<(u64, Place)> = in_order(&parts).collect();
        assert_eq!(walked, expected);
    }

    #[test]
    fn radix_sort_sorts_42_bit_keys() {
        let mut x = 0x1234_5678_9abc_def1u64;
        for n in [0usize, 5, 5000, 100_000] {
            let mut keys: Vec<u64> = (0..n)
                .map(|i| {
                    let k = xorshift(&mut x) & ((1 << 42) - 1);
                    if i % 3 == 0 { k & 0xfff } else { k }
                })
                .collect();
            let mut want = keys.clone();
            want.sort_unstable();
            radix_sort(&mut keys, &mut Vec::new());
            assert_eq!(keys, want, "{n}");
        }
    }

    /// The keys found repeated are those a plain count finds, in many slices or one.
    #[test]
    fn repeated_keys_are_those_seen_twice() {
        for rows in [1_000u64, 1_200_000] {
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            let mut part = Prints::default();
            let mut all = Vec::new();
            for i in 0..rows {
                let print = if i % 1000 == 7 {
                    // Some rows again.
                    all[(xorshift(&mut x) % i) as usize]
                } else {
                    xorshift(&mut x)
                };
                all.push(print);
                part.push(print, 0, Place::new(0, i + 2));
            }
            let mut model: Vec<u64> = all.iter().map(|&p| key_of(p, 0)).collect();
            model.sort_unstable();
            let want: Vec<u64> = model
                .chunk_by(|a, b| a == b)
                .filter(|r| r.len() > 1)
                .map(|r| r[0])
                .collect();
            assert!(!want.is_empty());
            let got = repeated(&[part]);
            assert_eq!(got, want, "{rows} rows");
            let set = Repeated::new(got);
            assert!(want.iter().all(|k| set.contains(*k)));
            assert!(!set.contains(key_of(all[0], 1)));
        }
    }
}

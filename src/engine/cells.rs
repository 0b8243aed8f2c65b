//! What one column's cells as written mean: each cell a proven row held, with the symbol the
//! slow path gave it. The fast lane remembers `check`'s field and source here, one table per
//! column, instead of in the key of every combination of names ([`super::fast_lane`]): two
//! dozen spellings of each do not multiply the combinations the lane must hold (55,000 rows
//! and 74 MiB on a Vietnamese-style ledger), and a lookup is two loads of the cell, a multiply
//! and a compare of words: the two columns' cost 193 instructions a row, where a key built from
//! the pair, hashed, searched and compared with `memcmp` cost 320.
//!
//! Each cell also counts the rows the lane added with it, for the observer, which has them back
//! when the table is emptied or the reading ends: it counts every name of every row, and this
//! costs a row one increment on a line the lookup brought into cache.
//!
//! Open addressing over a power of two of slots, at most half full. A slot holds the cell's
//! length and file lane, its first and last eight bytes (fewer when shorter, [`Ends`]), where
//! its bytes are, its symbol and its rows. A cell of at most 16 bytes is all in its ends, so
//! it is compared as two words; a longer one has its middle compared too. Equal hashes are
//! only where to look: a cell is never given another's name.

use super::fingerprint::{self, folded_multiply};
use crate::ledger::intern::Sym;

/// Cells a table holds at most; past this many (or [`MAX_BYTES`] of them) it starts again,
/// and rows with the cells forgotten go the slow way once more.
pub const MAX_CELLS: usize = 1 << 12;
const MAX_BYTES: usize = 1 << 20;
/// A longer cell is not remembered (its length shares 32 bits with the lane and the mark of a
/// slot in use).
const MAX_CELL: usize = (1 << 23) - 1;
const FIRST_SLOTS: usize = 64;
/// A cell this long or shorter is all in its [`Ends`].
const IN_ENDS: usize = 16;

/// A cell's length and its file's lane, above a bit that marks a slot in use ([`ends`]), then
/// its first and last bytes as two words:
/// the first and last eight bytes of a cell of eight or more, the first and last four of one of
/// four to seven, the first, middle and last byte of a shorter one. Two cells of at most
/// [`IN_ENDS`] bytes are equal when their ends are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ends {
    len_lane: u32,
    first: u64,
    last: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// A `len_lane` of 0: a free slot.
    ends: Ends,
    /// Where its bytes start in [`Cells::bytes`].
    at: u32,
    sym: Sym,
    /// Rows counted with it ([`Cells::count`]).
    rows: u64,
    /// Its hash in a row's fingerprint ([`crate::engine::fingerprint`]).
    print: u64,
}

/// One column's cells as written, by file lane, with their symbols.
#[derive(Debug, Clone)]
pub struct Cells {
    slots: Vec<Slot>,
    bytes: Vec<u8>,
    len: usize,
    /// How many cells it holds at most.
    max: usize,
}

impl Cells {
    /// A table of at most `max` cells (and never more than [`MAX_CELLS`]).
    pub fn new(max: usize) -> Cells {
        Cells {
            slots: vec![Slot::default(); FIRST_SLOTS],
            bytes: Vec::new(),
            len: 0,
            max: max.clamp(1, MAX_CELLS),
        }
    }

    /// Where `cell`, in a file of lane `lane`, is (for [`Cells::count`]) and its symbol, if a
    /// proven row held it.
    #[inline(always)]
    pub fn find(&self, lane: u8, cell: &[u8]) -> Option<(usize, Sym)> {
        let ends = ends(lane, cell)?;
        let mask = self.slots.len() - 1;
        let mut i = hash(ends) as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.ends.len_lane == 0 {
                return None;
            }
            if slot.ends == ends && (cell.len() <= IN_ENDS || self.middle_is(slot, cell)) {
                return Some((i, slot.sym));
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether the bytes between the ends of a cell longer than [`IN_ENDS`] are `cell`'s.
    #[inline(never)]
    fn middle_is(&self, slot: &Slot, cell: &[u8]) -> bool {
        let at = slot.at as usize;
        self.bytes.get(at..at + cell.len()) == Some(cell)
    }

    /// One more row holds the cell found at `at` ([`Cells::find`]).
    #[inline(always)]
    pub fn count(&mut self, at: usize) {
        if let Some(slot) = self.slots.get_mut(at) {
            slot.rows += 1;
        }
    }

    /// Each cell's symbol with the rows counted with it, when there were some.
    pub fn counted(&self) -> impl Iterator<Item = (Sym, u64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.rows > 0)
            .map(|s| (s.sym, s.rows))
    }

    /// The hash in a row's fingerprint of the cell found at `at` ([`Cells::find`]).
    #[inline(always)]
    pub fn print(&self, at: usize) -> u64 {
        self.slots.get(at).map_or(0, |slot| slot.print)
    }

    /// Remembers that `cell`, in a file of lane `lane`, is `sym`, and is `print` in a row's
    /// fingerprint. Gives back the table as it was when it was full and starts again, for its
    /// counts.
    pub fn learn(&mut self, lane: u8, cell: &[u8], sym: Sym, print: u64) -> Option<Cells> {
        let ends = ends(lane, cell)?;
        if self.find(lane, cell).is_some() {
            return None;
        }
        let full = (self.len >= self.max || self.bytes.len() + cell.len() > MAX_BYTES)
            .then(|| self.take());
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let slot = Slot {
            ends,
            at: self.bytes.len() as u32,
            sym,
            rows: 0,
            print,
        };
        self.bytes.extend_from_slice(cell);
        place(&mut self.slots, slot);
        self.len += 1;
        full
    }

    /// The table as it is, leaving an empty one of the same size in its place.
    pub fn take(&mut self) -> Cells {
        std::mem::replace(self, Cells::new(self.max))
    }

    /// How many cells it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    fn grow(&mut self) {
        let slots = vec![Slot::default(); 2 * self.slots.len()];
        let old = std::mem::replace(&mut self.slots, slots);
        for slot in old.into_iter().filter(|s| s.ends.len_lane != 0) {
            place(&mut self.slots, slot);
        }
    }
}

/// Puts `slot` in the first free slot from its hash's.
fn place(slots: &mut [Slot], slot: Slot) {
    let mask = slots.len() - 1;
    let mut i = hash(slot.ends) as usize & mask;
    while slots[i].ends.len_lane != 0 {
        i = (i + 1) & mask;
    }
    slots[i] = slot;
}

/// The [`Ends`] of `cell` in a file of lane `lane`; `None` past [`MAX_CELL`] bytes.
#[inline(always)]
fn ends(lane: u8, cell: &[u8]) -> Option<Ends> {
    let n = cell.len();
    if n > MAX_CELL {
        return None;
    }
    let (first, last) = fingerprint::ends(cell);
    Some(Ends {
        len_lane: 1 << 31 | (n as u32) << 8 | u32::from(lane),
        first,
        last,
    })
}

/// A hash of a cell's ends: the cells of a name column differ there.
#[inline(always)]
fn hash(ends: Ends) -> u64 {
    folded_multiply(
        ends.first ^ 0x243f_6a88_85a3_08d3 ^ u64::from(ends.len_lane) << 32,
        ends.last ^ 0x1319_8a2e_0370_7344,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    proptest::proptest! {
        /// Whatever cells are learned, in whatever lanes, each is found with the first symbol
        /// and print it was given while the table holds it, and a cell never learned is never
        /// found: checked against a map, over lengths either side of 4 and 8 and cells alike
        /// but for one byte.
        #[test]
        fn cells_are_found_with_their_own_symbol(
            cells in proptest::collection::vec(
                (0u8..3, proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', 0xc3, 0xa1]), 0..40)),
                1..300,
            ),
        ) {
            let mut table = Cells::new(MAX_CELLS);
            let mut oracle: HashMap<(u8, Vec<u8>), Sym> = HashMap::new();
            // A print of its own for each symbol.
            let print = |sym: Sym| u64::from(sym).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for (i, (lane, cell)) in cells.iter().enumerate() {
                let sym = i as Sym + 1;
                let before = table.len;
                proptest::prop_assert!(table.learn(*lane, cell, sym, print(sym)).is_none());
                if table.len <= before {
                    // Known already: it keeps its first symbol, as the slow path gives a cell
                    // one name.
                    proptest::prop_assert!(oracle.contains_key(&(*lane, cell.clone())));
                } else {
                    oracle.insert((*lane, cell.clone()), sym);
                }
            }
            for ((lane, cell), sym) in &oracle {
                let found = table.find(*lane, cell);
                proptest::prop_assert_eq!(found.map(|f| f.1), Some(*sym));
                proptest::prop_assert_eq!(found.map(|f| table.print(f.0)), Some(print(*sym)));
            }
            for lane in 0u8..4 {
                for (_, cell) in &cells {
                    let mut other = cell.clone();
                    other.push(b'z');
                    proptest::prop_assert_eq!(table.find(lane, &other), None);
                    proptest::prop_assert_eq!(
                        table.find(lane, cell).map(|f| f.1),
                        oracle.get(&(lane, cell.clone())).copied()
                    );
                }
            }
        }
    }

    /// Cells of every length to 40 that differ in one byte only, wherever it is (in the ends,
    /// between them, or where the ends of a short cell overlap), each keep their own symbol.
    #[test]
    fn cells_one_byte_apart_are_told_apart() {
        let mut table = Cells::new(MAX_CELLS);
        let mut learned = Vec::new();
        for len in 0..=40usize {
            let base = vec![b'x'; len];
            for at in 0..len {
                for (sym, cell) in [
                    (0, base.clone()),
                    (1, {
                        let mut c = base.clone();
                        c[at] = b'y';
                        c
                    }),
                ] {
                    let sym = (learned.len() * 2 + sym) as Sym + 1;
                    if table.find(0, &cell).is_none() {
                        table.learn(0, &cell, sym, 0);
                        learned.push((cell, sym));
                    }
                }
            }
        }
        for (cell, sym) in &learned {
            assert_eq!(table.find(0, cell).map(|f| f.1), Some(*sym), "{cell:?}");
        }
        // The base cells of each length and one cell per place of the other byte.
        assert_eq!(learned.len(), 40 + (0..=40).sum::<usize>());
    }

    #[test]
    fn rows_are_counted_by_cell_and_a_full_table_starts_again_with_its_counts_given_back() {
        let mut table = Cells::new(MAX_CELLS);
        let name = |i: u32| format!("nguồn {i}").into_bytes();
        for i in 0..MAX_CELLS as u32 {
            assert!(table.learn(0, &name(i), i + 1, 0).is_none());
        }
        assert_eq!(table.len(), MAX_CELLS);
        assert_eq!(table.find(0, b"nguon 7"), None);
        assert_eq!(table.find(1, &name(7)), None);
        let (at, sym) = table.find(0, &name(7)).unwrap();
        assert_eq!(sym, 8);
        for _ in 0..3 {
            table.count(at);
        }
        let (at, _) = table.find(0, &name(4000)).unwrap();
        table.count(at);
        let mut counted: Vec<_> = table.counted().collect();
        counted.sort();
        assert_eq!(counted, [(8, 3), (4001, 1)]);

        let full = table.learn(0, b"one more", 1, 0).unwrap();
        assert_eq!(full.len(), MAX_CELLS);
        assert_eq!(full.counted().count(), 2);
        assert_eq!(table.len(), 1);
        assert_eq!(table.find(0, &name(7)), None);
        assert_eq!(table.find(0, b"one more").map(|f| f.1), Some(1));
        assert_eq!(table.counted().count(), 0);
    }
}

//! Interned text: each distinct normalized value gets a small number (`Sym`).
//!
//! A year's ledger repeats a few hundred names millions of times. Normalizing (NFC, spaces) and
//! hashing a `String` per row per column would dominate the run, so each column keeps a cache from
//! the raw bytes as written to the symbol of their normalized form: a repeated value costs one
//! hash lookup and no allocation. Symbols are local to one interner (one worker thread); they are
//! turned back into text before results from different workers meet.

use super::pacing::{Pacing, Verdict};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

pub type Sym = u32;

/// The symbol of the empty string, present in every interner.
pub const EMPTY: Sym = 0;

/// Each text is stored once, end to end in `text`; the table holds only a symbol and 32 bits of
/// its text's hash. A ledger of millions of distinct names then costs no allocation per name
/// (a `Box<str>` each cost a `malloc`, a `free` and twice its length), and growing the table
/// rehashes from the stored bits instead of reading every text again (measured: rehashing was
/// half of interning two million distinct units).
///
/// The table is open addressing with linear probing, at most half full, each slot the hash
/// bits and the symbol side by side: a new text costs the one cache line of its slot. A general
/// hash table (hashbrown's) keeps a control byte per slot apart from the slot, two lines far
/// apart in a table of a million names, and with every row a new name those two misses were
/// most of the reading.
#[derive(Debug)]
pub struct Interner {
    /// `(hash bits, symbol)`, [`FREE`] as the symbol of a slot not taken; a power of two long,
    /// or empty (never made, or sealed).
    slots: Vec<(u32, Sym)>,
    text: String,
    /// Symbol `s` is `text[ends[s]..ends[s + 1]]`; `ends[0]` is 0.
    ends: Vec<usize>,
}

/// The symbol of a slot not taken: no text is ever given it (a symbol is an index into `ends`).
const FREE: Sym = Sym::MAX;

/// The table's first size.
const FIRST_SLOTS: usize = 64;

/// 32 bits of a text's hash, both halves folded in: what the table stores.
fn hash_str(s: &str) -> u32 {
    hash_bytes(s.as_bytes())
}

/// [`hash_str`] of the text whose UTF-8 bytes are `bytes`.
fn hash_bytes(bytes: &[u8]) -> u32 {
    let mut h = FxHasher::default();
    h.write(bytes);
    fold(h.finish())
}

/// A 64-bit hash in the 32 bits a table stores beside each entry, both halves folded in.
#[inline(always)]
pub(crate) fn fold(h: u64) -> u32 {
    (h as u32) ^ ((h >> 32) as u32)
}

/// The table's hash from the stored 32 bits: they give both the bucket (low bits) and the tag
/// hashbrown keeps per entry (top bits), and a rehash needs nothing else. The groups table
/// (`aggregate`) stores its keys' hashes this way.
#[inline(always)]
pub(crate) fn widen(h: u32) -> u64 {
    (u64::from(h) << 32) | u64::from(h)
}

/// Where in a table of `mask + 1` slots the probe for hash bits `h` starts: the top bits of a
/// multiplication, which every bit of `h` reaches.
#[inline(always)]
fn home(h: u32, mask: usize) -> usize {
    ((u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize) & mask
}

impl Default for Interner {
    fn default() -> Self {
        let mut i = Interner {
            slots: Vec::new(),
            text: String::new(),
            ends: vec![0],
        };
        i.intern("");
        i
    }
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = hash_str(s);
        // At most half full once this text is in: a probe then ends within a slot or two.
        if (self.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = home(h, mask);
        loop {
            let (hh, id) = self.slots[at];
            if id == FREE {
                break;
            }
            if hh == h && self.get(id) == s {
                return id;
            }
            at = (at + 1) & mask;
        }
        let id = self.len() as Sym;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.slots[at] = (h, id);
        id
    }

    /// Starts loading the slot where the text of UTF-8 bytes `text` would be looked for, so that
    /// interning it a row later waits on no memory: a column whose values never repeat costs a
    /// cache miss a row, in a table of millions of names. Changes nothing else (bytes that are
    /// no text only fetch for nothing).
    #[inline]
    pub fn fetch_ahead(&self, text: &[u8]) {
        if !self.slots.is_empty() {
            let at = home(hash_bytes(text), self.slots.len() - 1);
            if let Some(slot) = self.slots.get(at) {
                crate::prefetch::read(slot);
            }
        }
    }

    /// Frees the lookup table: symbols interned so far keep their texts, and a text interned
    /// later finds the table made again. Millions of texts read to the end and then only
    /// looked up by symbol need not keep it.
    pub fn seal(&mut self) {
        self.slots = Vec::new();
    }

    /// A table twice as big (or the first, or the one a seal freed), every symbol placed in
    /// it again from the hash bits it holds (a sealed table's from the texts).
    #[cold]
    fn grow(&mut self) {
        let size = (2 * self.slots.len())
            .max(FIRST_SLOTS)
            .max((2 * (self.len() + 1)).next_power_of_two());
        let mut slots = vec![(0, FREE); size];
        let mask = size - 1;
        let mut place = |h: u32, id: Sym| {
            let mut at = home(h, mask);
            while slots[at].1 != FREE {
                at = (at + 1) & mask;
            }
            slots[at] = (h, id);
        };
        if self.slots.is_empty() {
            for id in 0..self.len() as Sym {
                place(hash_str(self.get(id)), id);
            }
        } else {
            for &(h, id) in self.slots.iter().filter(|&&(_, id)| id != FREE) {
                place(h, id);
            }
        }
        self.slots = slots;
    }

    /// How many values are interned (symbols are `0..len`; the empty string is always one).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.ends.len() - 1
    }

    pub fn get(&self, sym: Sym) -> &str {
        text_of(&self.text, &self.ends, sym)
    }
}

/// The text of `sym`; empty for a symbol this interner never gave.
#[inline]
fn text_of<'a>(text: &'a str, ends: &[usize], sym: Sym) -> &'a str {
    let i = sym as usize;
    match (ends.get(i), ends.get(i + 1)) {
        (Some(&start), Some(&end)) => text.get(start..end).unwrap_or(""),
        _ => "",
    }
}

/// Raw cell bytes → symbol of the normalized value, for one column.
#[derive(Debug, Default)]
pub struct RawCache {
    map: FxHashMap<Box<[u8]>, Sym>,
    /// A column of values that never repeat (a ledger of distinct units) is looked up less and
    /// less: the miss would only be followed by the interner's own lookup.
    pacing: Pacing,
}

/// A file with millions of distinct values (notes, hostile input) must not grow the cache
/// without bound: past this size values are normalized each time, or, when the cache stops
/// paying, it is emptied for values that may repeat later.
const MAX_CACHED: usize = 1 << 16;

impl RawCache {
    /// Whether this column's values repeat, so that its cache is looked in every time: while
    /// they do not, each new value goes to the interner.
    pub fn repeats(&self) -> bool {
        self.pacing.pays()
    }

    /// The symbol for `raw` (UTF-8 bytes), normalizing with `normalize` only the first time it
    /// is seen (while the cache pays; each time otherwise, which gives the same symbol).
    pub fn sym<F>(&mut self, raw: &[u8], interner: &mut Interner, normalize: F) -> Sym
    where
        F: FnOnce(&str) -> std::borrow::Cow<'_, str>,
    {
        if raw.is_empty() {
            return EMPTY;
        }
        let looked = self.pacing.try_this();
        if looked {
            let found = self.map.get(raw).copied();
            if self.pacing.looked(found.is_some()) == Verdict::NotPaying
                && self.map.len() >= MAX_CACHED
            {
                self.map.clear();
            }
            if let Some(s) = found {
                return s;
            }
        }
        // Cells come from chunks checked as UTF-8 already: the plain check, much quicker than
        // the lossy one's walk, nearly always holds.
        let text = match std::str::from_utf8(raw) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(raw),
        };
        let sym = interner.intern(&normalize(&text));
        if looked && self.map.len() < MAX_CACHED {
            self.map.insert(raw.into(), sym);
        }
        sym
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A sealed interner gives a text it holds its own symbol again, and a new text a new one.
    #[test]
    fn a_sealed_interner_still_knows_its_texts() {
        let mut i = Interner::default();
        let syms: Vec<Sym> = (0..100).map(|n| i.intern(&format!("t{n}"))).collect();
        i.seal();
        assert_eq!(i.intern("t42"), syms[42]);
        i.seal();
        let new = i.intern("new");
        assert_eq!(new as usize, i.len() - 1);
        assert_eq!((i.intern("t7"), i.intern("")), (syms[7], 0));
        assert_eq!(i.get(new), "new");
    }

    /// Many texts (the table grows and rehashes from its stored bits many times) each keep
    /// their symbol; a symbol never given reads as empty.
    #[test]
    fn symbols_survive_growth() {
        let mut interner = Interner::default();
        let texts: Vec<String> = (0..100_000).map(|i| format!("Chi hội số {i}")).collect();
        let syms: Vec<Sym> = texts.iter().map(|t| interner.intern(t)).collect();
        for (t, &s) in texts.iter().zip(&syms) {
            assert_eq!(interner.get(s), t);
            assert_eq!(interner.intern(t), s);
        }
        assert_eq!(interner.len(), 100_001);
        assert_eq!(interner.get(EMPTY), "");
        assert_eq!(interner.get(Sym::MAX), "");
    }

    /// Whether the cache is looked in or not (values all new, then repeating, then new again,
    /// past its size), each raw text gets the symbol of its normalized form.
    #[test]
    fn the_raw_cache_gives_what_normalizing_gives() {
        let mut interner = Interner::default();
        let mut cache = RawCache::default();
        fn norm(s: &str) -> std::borrow::Cow<'_, str> {
            std::borrow::Cow::Borrowed(s.trim())
        }
        let raws = (0..150_000u32)
            .map(|i| format!(" u{i} "))
            .chain((0..150_000u32).map(|i| format!("r{} ", i % 300)))
            .chain((0..100_000u32).map(|i| format!("v{i}")));
        for raw in raws {
            let sym = cache.sym(raw.as_bytes(), &mut interner, norm);
            assert_eq!(interner.get(sym), raw.trim(), "{raw:?}");
        }
        // Repeating values are looked up in the cache again.
        assert!(cache.map.len() > 300);
        assert_eq!(cache.sym(b"", &mut interner, norm), EMPTY);
    }

    proptest! {
        /// Equal texts get one symbol, different texts different ones, and each symbol gives
        /// back its text, as a plain map from text to symbol would.
        #[test]
        fn symbols_are_a_plain_maps(texts in proptest::collection::vec("[a-cđ ]{0,3}", 0..200)) {
            let mut interner = Interner::default();
            let mut plain: std::collections::HashMap<String, Sym> = [(String::new(), EMPTY)].into();
            for t in &texts {
                let sym = interner.intern(t);
                let next = plain.len() as Sym;
                prop_assert_eq!(sym, *plain.entry(t.clone()).or_insert(next));
                prop_assert_eq!(interner.get(sym), t.as_str());
            }
            prop_assert_eq!(interner.len(), plain.len());
        }
    }
}

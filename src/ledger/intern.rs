//! Interned text: each distinct normalized value gets a small number (`Sym`).
//!
//! A year's ledger repeats a few hundred names millions of times. Normalizing (NFC, spaces) and
//! hashing a `String` per row per column would dominate the run, so each column keeps a cache from
//! the raw bytes as written to the symbol of their normalized form: a repeated value costs one
//! hash lookup and no allocation. Symbols are local to one interner (one worker thread); they are
//! turned back into text before results from different workers meet.

use super::pacing::{Pacing, Verdict};
use hashbrown::HashTable;
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
#[derive(Debug)]
pub struct Interner {
    ids: HashTable<(u32, Sym)>,
    text: String,
    /// Symbol `s` is `text[ends[s]..ends[s + 1]]`; `ends[0]` is 0.
    ends: Vec<usize>,
}

/// 32 bits of a text's hash, both halves folded in: what the table stores.
fn hash_str(s: &str) -> u32 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    fold(h.finish())
}

/// A 64-bit hash in the 32 bits a table stores beside each entry, both halves folded in.
#[inline(always)]
pub(crate) fn fold(h: u64) -> u32 {
    (h as u32) ^ ((h >> 32) as u32)
}

/// The table's hash from the stored 32 bits: they give both the bucket (low bits) and the tag
/// hashbrown keeps per entry (top bits), and a rehash needs nothing else. Shared with the
/// groups table (`aggregate`), which stores its keys' hashes the same way.
#[inline(always)]
pub(crate) fn widen(h: u32) -> u64 {
    (u64::from(h) << 32) | u64::from(h)
}

impl Default for Interner {
    fn default() -> Self {
        let mut i = Interner {
            ids: HashTable::new(),
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
        if let Some(id) = self.find_hashed(s, h) {
            return id;
        }
        if self.ids.is_empty() && self.len() > 0 {
            self.reindex();
            return self.intern(s);
        }
        let id = self.len() as Sym;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.ids
            .insert_unique(widen(h), (h, id), |&(hh, _)| widen(hh));
        id
    }

    /// Frees the lookup table: symbols interned so far keep their texts, and a text interned
    /// later finds the table made again. Millions of texts read to the end and then only
    /// looked up by symbol need not keep it.
    pub fn seal(&mut self) {
        self.ids = HashTable::new();
    }

    /// The lookup table of every symbol, made again after [`Interner::seal`].
    #[cold]
    fn reindex(&mut self) {
        let mut ids = HashTable::with_capacity(self.len());
        for id in 0..self.len() as Sym {
            let h = hash_str(self.get(id));
            ids.insert_unique(widen(h), (h, id), |&(hh, _)| widen(hh));
        }
        self.ids = ids;
    }

    fn find_hashed(&self, s: &str, h: u32) -> Option<Sym> {
        let (text, ends) = (&self.text, &self.ends);
        let found = self.ids.find(widen(h), |&(hh, id)| {
            hh == h && text_of(text, ends, id) == s
        });
        found.map(|&(_, id)| id)
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
        let text = String::from_utf8_lossy(raw);
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

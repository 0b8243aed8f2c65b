//! Interned text: each distinct normalized value gets a small number (`Sym`).
//!
//! A year's ledger repeats a few hundred names millions of times. Normalizing (NFC, spaces) and
//! hashing a `String` per row per column would dominate the run, so each column keeps a cache from
//! the raw bytes as written to the symbol of their normalized form: a repeated value costs one
//! hash lookup and no allocation. Symbols are local to one interner (one worker thread); they are
//! turned back into text before results from different workers meet.

use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

pub type Sym = u32;

/// The symbol of the empty string, present in every interner.
pub const EMPTY: Sym = 0;

/// Each text is stored once, in `strings`; the table holds only symbols and finds a text's
/// symbol by comparing with the stored text. A ledger of millions of distinct names then costs
/// one allocation per name, not two.
#[derive(Debug)]
pub struct Interner {
    ids: HashTable<Sym>,
    strings: Vec<Box<str>>,
}

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

impl Default for Interner {
    fn default() -> Self {
        let mut i = Interner {
            ids: HashTable::new(),
            strings: Vec::new(),
        };
        i.intern("");
        i
    }
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        let hash = hash_str(s);
        let strings = &self.strings;
        if let Some(&id) = self.ids.find(hash, |&id| &*strings[id as usize] == s) {
            return id;
        }
        let id = self.strings.len() as Sym;
        self.strings.push(s.into());
        let strings = &self.strings;
        self.ids
            .insert_unique(hash, id, |&id| hash_str(&strings[id as usize]));
        id
    }

    /// How many values are interned (symbols are `0..len`; the empty string is always one).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }
}

/// Raw cell bytes → symbol of the normalized value, for one column.
#[derive(Debug, Default)]
pub struct RawCache {
    map: FxHashMap<Box<[u8]>, Sym>,
}

impl RawCache {
    /// The symbol for `raw` (UTF-8 bytes), normalizing with `normalize` only the first time it
    /// is seen.
    pub fn sym<F>(&mut self, raw: &[u8], interner: &mut Interner, normalize: F) -> Sym
    where
        F: FnOnce(&str) -> std::borrow::Cow<'_, str>,
    {
        if raw.is_empty() {
            return EMPTY;
        }
        if let Some(&s) = self.map.get(raw) {
            return s;
        }
        let text = String::from_utf8_lossy(raw);
        let sym = interner.intern(&normalize(&text));
        // A file with millions of distinct values (notes, hostile input) must not grow the cache
        // without bound; past this size values are normalized each time instead.
        if self.map.len() < 1 << 16 {
            self.map.insert(raw.into(), sym);
        }
        sym
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

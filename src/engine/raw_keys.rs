//! The fast lane's memory of rows as written: each remembered row's cells end to end (its key),
//! and what the row proved, found by the hash of the key.
//!
//! Laid out so that both reads a row makes can be started early: the entries are one array
//! (open addressing), so the entry of a hash is known from the hash alone and can be fetched
//! while the row before is worked on ([`RawKeys::prefetch_entry`]); the entry says where the
//! key's bytes lie, so they can be fetched while the row's date and amount are read
//! ([`RawKeys::prefetch_key`]). A report remembers tens of thousands of rows of five names
//! (7 MB of keys), and a general hash table read its control bytes, its entry and then the key,
//! each waiting on memory, on every row.

use rustc_hash::FxHasher;
use std::hash::Hasher;

/// The hash of a row's key. Always inlined: it is on every row of the fast lane.
#[inline(always)]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// A remembered key: its hash, where its bytes are in the arena, and its value. 32 bytes, two
/// to a cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Entry {
    hash: u64,
    at: u32,
    /// The key's length; [`FREE`] for a free entry.
    len: u32,
    value: u64,
}

const FREE: u32 = u32::MAX;

const FREE_ENTRY: Entry = Entry {
    hash: 0,
    at: 0,
    len: FREE,
    value: 0,
};

/// Keys (byte strings shorter than 4 GiB) and their values.
pub struct RawKeys {
    /// A power of two of them, at most half full.
    entries: Vec<Entry>,
    arena: Vec<u8>,
    len: usize,
}

impl Default for RawKeys {
    fn default() -> Self {
        RawKeys {
            entries: vec![FREE_ENTRY; 16],
            arena: Vec::new(),
            len: 0,
        }
    }
}

impl RawKeys {
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes of all the keys kept.
    pub fn bytes_len(&self) -> usize {
        self.arena.len()
    }

    pub fn clear(&mut self) {
        *self = RawKeys::default();
    }

    /// The entry where `hash`'s search starts: the high bits, the best mixed.
    #[inline(always)]
    fn start(&self, hash: u64) -> usize {
        let bits = self.entries.len().trailing_zeros();
        (hash >> (64 - bits)) as usize
    }

    /// Starts fetching the entry where a lookup of `hash` begins.
    #[inline(always)]
    pub fn prefetch_entry(&self, hash: u64) {
        crate::prefetch::read(&self.entries[self.start(hash)]);
    }

    /// Starts fetching the bytes of the first key of hash `hash`, if there is one: the key a
    /// lookup of `hash` will most likely compare with.
    #[inline(always)]
    pub fn prefetch_key(&self, hash: u64) {
        let mask = self.entries.len() - 1;
        let mut i = self.start(hash);
        loop {
            let e = &self.entries[i];
            if e.len == FREE {
                return;
            }
            if e.hash == hash {
                // Its first line, the next and its last: a key of five names spans two or three.
                let (start, end) = (e.at as usize, (e.at + e.len) as usize);
                for at in [start, (start + 64).min(end), end] {
                    if let Some(byte) = self.arena.get(at.saturating_sub(usize::from(at == end))) {
                        crate::prefetch::read(byte);
                    }
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`, whose hash is `hash`.
    #[inline(always)]
    pub fn get(&self, hash: u64, key: &[u8]) -> Option<u64> {
        let mask = self.entries.len() - 1;
        let mut i = self.start(hash);
        loop {
            let e = &self.entries[i];
            if e.len == FREE {
                return None;
            }
            if e.hash == hash
                && e.len as usize == key.len()
                && self.arena[e.at as usize..(e.at + e.len) as usize] == *key
            {
                return Some(e.value);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `key` of hash `hash`, which is not in the table (a lookup just missed it), with
    /// `value`. Were it there, the first value would be the one found.
    pub fn insert(&mut self, hash: u64, key: &[u8], value: u64) {
        if (self.len + 1) * 2 > self.entries.len() {
            let grown = vec![FREE_ENTRY; self.entries.len() * 2];
            let old = std::mem::replace(&mut self.entries, grown);
            for e in old.into_iter().filter(|e| e.len != FREE) {
                self.place(e);
            }
        }
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(key);
        self.place(Entry {
            hash,
            at,
            len: key.len() as u32,
            value,
        });
        self.len += 1;
    }

    fn place(&mut self, e: Entry) {
        let mask = self.entries.len() - 1;
        let mut i = self.start(e.hash);
        while self.entries[i].len != FREE {
            i = (i + 1) & mask;
        }
        self.entries[i] = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    proptest::proptest! {
        /// Keys are found by hash and bytes, across growth, whatever their hash: keys sharing a
        /// hash, keys alike but for a byte or their length, and the empty key are told apart.
        #[test]
        fn keys_are_found_by_their_bytes(
            keys in proptest::collection::vec(
                (proptest::collection::vec(0u8..3, 0..12), 0u64..u64::MAX),
                0..400,
            ),
            poor in proptest::bool::ANY,
        ) {
            // A poor hash, of few values, makes every lookup compare bytes.
            let hash = |k: &[u8]| if poor { (k.len() as u64 % 4) << 62 } else { hash_bytes(k) };
            let mut table = RawKeys::default();
            let mut plain: HashMap<Vec<u8>, u64> = HashMap::new();
            for (key, value) in &keys {
                let found = table.get(hash(key), key);
                proptest::prop_assert_eq!(found, plain.get(key).copied());
                if found.is_none() {
                    table.insert(hash(key), key, *value);
                    plain.insert(key.clone(), *value);
                }
                table.prefetch_entry(hash(key));
                table.prefetch_key(hash(key));
            }
            proptest::prop_assert_eq!(table.len(), plain.len());
            proptest::prop_assert_eq!(table.bytes_len(), plain.keys().map(Vec::len).sum::<usize>());
            for (key, &value) in &plain {
                proptest::prop_assert_eq!(table.get(hash(key), key), Some(value));
                let mut other = key.clone();
                other.push(9);
                proptest::prop_assert_eq!(table.get(hash(&other), &other), None);
            }
        }
    }
}

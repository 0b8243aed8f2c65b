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

/// A remembered key: 32 bits of its hash, where it is in the arena (its length, four bytes,
/// then its bytes), and its value. 16 bytes, four to a cache line: a report's table of 55,000
/// keys takes 2 MiB per thread.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(16))]
struct Entry {
    tag: u32,
    /// [`FREE`] for a free entry.
    at: u32,
    value: u64,
}

const FREE: u32 = u32::MAX;

const FREE_ENTRY: Entry = Entry {
    tag: 0,
    at: FREE,
    value: 0,
};

/// The 32 bits of a hash an entry keeps: the low ones (the high ones pick the entry).
#[inline(always)]
fn tag(hash: u64) -> u32 {
    hash as u32
}

/// Keys (byte strings shorter than 4 GiB, all of them together too) and their values.
pub struct RawKeys {
    /// A power of two of them, at most half full.
    entries: Vec<Entry>,
    arena: Vec<u8>,
    len: usize,
    /// The hash every key is given ([`hash_bytes`]; tests give a poorer one).
    hasher: fn(&[u8]) -> u64,
    /// Bytes kept right after each key (with an observer, the fast lane keeps there the
    /// symbols its row was given): fetched with the key's last line, where an array beside
    /// the table cost a cache miss on most rows.
    extra: usize,
}

impl Default for RawKeys {
    fn default() -> Self {
        RawKeys {
            entries: vec![FREE_ENTRY; 16],
            arena: Vec::new(),
            len: 0,
            hasher: hash_bytes,
            extra: 0,
        }
    }
}

impl RawKeys {
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes of all the keys kept, with their lengths.
    pub fn bytes_len(&self) -> usize {
        self.arena.len()
    }

    /// A table keeping `extra` bytes after each key ([`RawKeys::insert_with`], read back by [`RawKeys::get`]).
    pub fn with_extra(extra: usize) -> RawKeys {
        RawKeys {
            extra,
            ..RawKeys::default()
        }
    }

    pub fn clear(&mut self) {
        *self = RawKeys {
            hasher: self.hasher,
            extra: self.extra,
            ..RawKeys::default()
        };
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

    /// Starts fetching the first key of hash `hash`, if there is one, as if `len` bytes long:
    /// the key a lookup of `hash` will most likely compare with (its length is in the arena,
    /// which is what is being fetched; the key sought is mostly of the same length). Returns
    /// that key's value: most likely the lookup's, for a caller that has more to fetch.
    #[inline(always)]
    pub fn prefetch_key(&self, hash: u64, len: usize) -> Option<u64> {
        let mask = self.entries.len() - 1;
        let mut i = self.start(hash);
        loop {
            let e = &self.entries[i];
            if e.at == FREE {
                return None;
            }
            if e.tag == tag(hash) {
                // Its first line, the next and its last: a key of five names spans two or three.
                let end = e.at as usize + 4 + len + self.extra;
                let (start, last) = (e.at as usize, end.saturating_sub(1));
                for at in [start, (start + 64).min(last), last] {
                    if let Some(byte) = self.arena.get(at) {
                        crate::prefetch::read(byte);
                    }
                }
                return Some(e.value);
            }
            i = (i + 1) & mask;
        }
    }

    /// The key at `at` in the arena.
    #[inline(always)]
    fn key_at(&self, at: u32) -> &[u8] {
        let at = at as usize;
        let Some(len) = self.arena.get(at..at + 4) else {
            return b"";
        };
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        self.arena.get(at + 4..at + 4 + len).unwrap_or_default()
    }

    /// The value of `key`, whose hash is `hash` (the table's hash of it: [`hash_bytes`]), and
    /// the bytes kept after it (`extra` of them).
    #[cfg(test)]
    pub fn get(&self, hash: u64, key: &[u8]) -> Option<(u64, &[u8])> {
        self.find(hash, key)
            .map(|(value, after)| (value, self.extra_at(after)))
    }

    /// The value of `key`, whose hash is `hash`, and where the bytes kept after it are: for
    /// [`RawKeys::extra_at`] and [`RawKeys::extra_at_mut`], until the table is cleared.
    #[inline(always)]
    pub fn find(&self, hash: u64, key: &[u8]) -> Option<(u64, usize)> {
        let mask = self.entries.len() - 1;
        let mut i = self.start(hash);
        loop {
            let e = &self.entries[i];
            if e.at == FREE {
                return None;
            }
            if e.tag == tag(hash) && self.key_at(e.at) == key {
                return Some((e.value, e.at as usize + 4 + key.len()));
            }
            i = (i + 1) & mask;
        }
    }

    /// The bytes kept after a key, where [`RawKeys::find`] said they are.
    #[inline(always)]
    pub fn extra_at(&self, after: usize) -> &[u8] {
        self.arena
            .get(after..after + self.extra)
            .unwrap_or_default()
    }

    /// The same, to change.
    #[inline(always)]
    pub fn extra_at_mut(&mut self, after: usize) -> &mut [u8] {
        self.arena
            .get_mut(after..after + self.extra)
            .unwrap_or_default()
    }

    /// The bytes kept after each key, in the order the keys were added.
    pub fn extras(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.arena.len() {
                return None;
            }
            let after = at + 4 + self.key_at(at as u32).len();
            at = after + self.extra;
            Some(self.extra_at(after))
        })
    }

    /// Adds `key` of hash `hash` (the table's hash of it), which is not in the table (a lookup
    /// just missed it), with `value`, and `extra` after it (cut or padded with zeros to the
    /// table's `extra` bytes). Were it there, the first value would be the one found.
    pub fn insert_with(&mut self, hash: u64, key: &[u8], value: u64, extra: &[u8]) {
        if (self.len + 1) * 2 > self.entries.len() {
            let grown = vec![FREE_ENTRY; self.entries.len() * 2];
            let old = std::mem::replace(&mut self.entries, grown);
            for e in old.into_iter().filter(|e| e.at != FREE) {
                // Only 32 bits of the hash are kept: the rest is the key's own again.
                let hash = (self.hasher)(self.key_at(e.at));
                self.place(hash, e);
            }
        }
        let at = self.arena.len() as u32;
        self.arena
            .extend_from_slice(&(key.len() as u32).to_le_bytes());
        self.arena.extend_from_slice(key);
        let end = self.arena.len() + self.extra;
        self.arena
            .extend_from_slice(&extra[..extra.len().min(self.extra)]);
        self.arena.resize(end, 0);
        let e = Entry {
            tag: tag(hash),
            at,
            value,
        };
        self.place(hash, e);
        self.len += 1;
    }

    fn place(&mut self, hash: u64, e: Entry) {
        let mask = self.entries.len() - 1;
        let mut i = self.start(hash);
        while self.entries[i].at != FREE {
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
        /// Keys are found by their bytes, across growth, whatever their hash: keys of one hash,
        /// keys alike but for a byte or their length, and the empty key, are told apart.
        #[test]
        fn keys_are_found_by_their_bytes(
            keys in proptest::collection::vec(
                (proptest::collection::vec(0u8..3, 0..12), 0u64..u64::MAX),
                0..400,
            ),
            poor in proptest::bool::ANY,
            extra in 0usize..10,
        ) {
            // The table's hash, or one of four values: then every lookup starts at the same
            // entry and compares keys of the same tag.
            fn few(k: &[u8]) -> u64 {
                k.len() as u64 % 4
            }
            let hash: fn(&[u8]) -> u64 = if poor { few } else { hash_bytes };
            let mut table = RawKeys { hasher: hash, ..RawKeys::with_extra(extra) };
            // What is kept after a key: its value's bytes, cut or padded to `extra`.
            let after = |value: u64| {
                let mut bytes = value.to_le_bytes().to_vec();
                bytes.resize(extra, 0);
                bytes
            };
            let mut plain: HashMap<Vec<u8>, u64> = HashMap::new();
            for (key, value) in &keys {
                let found = table.get(hash(key), key).map(|(v, _)| v);
                proptest::prop_assert_eq!(found, plain.get(key).copied());
                if found.is_none() {
                    table.insert_with(hash(key), key, *value, &value.to_le_bytes());
                    plain.insert(key.clone(), *value);
                }
                table.prefetch_entry(hash(key));
                table.prefetch_key(hash(key), key.len());
            }
            proptest::prop_assert_eq!(table.len(), plain.len());
            // Bytes after each key, in the order added; changed in place, they stay changed.
            let mut order: Vec<&Vec<u8>> = Vec::new();
            for (key, _) in &keys {
                if !order.contains(&key) {
                    order.push(key);
                }
            }
            let extras: Vec<Vec<u8>> = table.extras().map(<[u8]>::to_vec).collect();
            let want: Vec<Vec<u8>> = order.iter().map(|k| after(plain[*k])).collect();
            proptest::prop_assert_eq!(extras, want);
            if let Some(first) = order.first() {
                let (_, at) = table.find(hash(first), first).unwrap();
                table.extra_at_mut(at).iter_mut().for_each(|b| *b = b.wrapping_add(1));
                let changed: Vec<u8> = after(plain[*first]).iter().map(|b| b.wrapping_add(1)).collect();
                proptest::prop_assert_eq!(table.get(hash(first), first).map(|(_, b)| b.to_vec()), Some(changed.clone()));
                table.extra_at_mut(at).copy_from_slice(&after(plain[*first]));
            }
            let bytes: usize = plain.keys().map(|k| 4 + k.len() + extra).sum();
            proptest::prop_assert_eq!(table.bytes_len(), bytes);
            for (key, &value) in &plain {
                let kept = table.get(hash(key), key).map(|(v, b)| (v, b.to_vec()));
                proptest::prop_assert_eq!(kept, Some((value, after(value))));
                let mut other = key.clone();
                other.push(9);
                proptest::prop_assert!(table.get(hash(&other), &other).is_none());
            }
        }
    }
}

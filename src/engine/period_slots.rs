//! The fast lane's table from (texts, period) to group slot: open addressing in one array, so
//! a lookup reads one cache line that can be fetched ahead ([`PeriodSlots::prefetch`]) while
//! other rows of a batch are looked up.

/// A free entry's key: no slot reaches `u32::MAX`, so no real key does.
const FREE: u64 = u64::MAX;

pub struct PeriodSlots {
    /// (key, slot), a power of two of them, at most three quarters full.
    entries: Vec<(u64, u32)>,
    len: usize,
}

/// The hash of a key (a slot in the high half, a period code in the low). A multiply alone
/// would leave the low bits, which pick the entry, to the period code; the fold brings the slot
/// into them.
#[inline(always)]
fn hash(key: u64) -> usize {
    let x = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x ^ (x >> 32)) as usize
}

impl PeriodSlots {
    pub fn new() -> Self {
        PeriodSlots {
            entries: vec![(FREE, 0); 16],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn clear(&mut self) {
        *self = PeriodSlots::new();
    }

    fn mask(&self) -> usize {
        self.entries.len() - 1
    }

    /// Starts fetching the line where `key`'s lookup begins.
    #[inline(always)]
    pub fn prefetch(&self, key: u64) {
        crate::prefetch::read(&self.entries[hash(key) & self.mask()]);
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<u32> {
        let mask = self.mask();
        let mut at = hash(key) & mask;
        loop {
            match self.entries[at] {
                (k, slot) if k == key => return Some(slot),
                (FREE, _) => return None,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds `key`, which is not in the table.
    pub fn insert(&mut self, key: u64, slot: u32) {
        if (self.len + 1) * 4 > self.entries.len() * 3 {
            let grown = vec![(FREE, 0); self.entries.len() * 2];
            let old = std::mem::replace(&mut self.entries, grown);
            for (k, s) in old.into_iter().filter(|&(k, _)| k != FREE) {
                self.place(k, s);
            }
        }
        self.place(key, slot);
        self.len += 1;
    }

    fn place(&mut self, key: u64, slot: u32) {
        let mask = self.mask();
        let mut at = hash(key) & mask;
        while self.entries[at].0 != FREE {
            at = (at + 1) & mask;
        }
        self.entries[at] = (key, slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    proptest::proptest! {
        /// The table finds what was put in it and nothing else, across growth.
        #[test]
        fn finds_what_was_inserted(keys in proptest::collection::hash_set(0u64..u64::MAX, 0..400)) {
            let mut table = PeriodSlots::new();
            let mut plain = HashMap::new();
            for (i, &k) in keys.iter().enumerate() {
                proptest::prop_assert_eq!(table.get(k), None);
                table.insert(k, i as u32);
                plain.insert(k, i as u32);
            }
            proptest::prop_assert_eq!(table.len(), plain.len());
            for (&k, &slot) in &plain {
                proptest::prop_assert_eq!(table.get(k), Some(slot));
                proptest::prop_assert_eq!(table.get(k ^ 1).is_some(), plain.contains_key(&(k ^ 1)));
            }
        }
    }
}

//! Grouping and exact sums: pure functions over rows, no I/O.
//!
//! Each reading thread adds its rows into [`LocalGroups`], keyed by small integers (interned text
//! and period codes) so the per-row work is one hash lookup and one exact addition. At the end
//! the keys are turned into text and the threads' [`Groups`] are merged. Sums are
//! [`Exact`](crate::domain::amount::Exact): integers that never round, so the order in which
//! chunks, threads or files were added never changes a total.

use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};

use crate::domain::amount::Exact;
use crate::domain::text::cut_area;
use crate::domain::{Dim, Key, Period, Value};
use anyhow::{Result, anyhow};
use hashbrown::HashTable;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHasher};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// How rows are grouped: the key dimensions (measure is always added) and the area depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    pub dims: Vec<Dim>,
    pub depth: Option<usize>,
}

/// A running total, exact, and how many contribution rows went into it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Acc {
    pub total: Exact,
    pub count: u64,
}

impl Acc {
    /// Adds `count` rows that come to `total`.
    #[inline]
    pub fn add(&mut self, total: Decimal, count: u64) -> Result<()> {
        self.total.add(total)?;
        self.count += count;
        Ok(())
    }

    /// Adds another running total.
    pub fn absorb(&mut self, other: &Acc) -> Result<()> {
        self.total.add_exact(&other.total)?;
        self.count += other.count;
        Ok(())
    }
}

/// Totals per group, with text keys, ready for reports and for merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    /// The grouping dimensions: every key has one value for each, in this order.
    pub dims: Vec<Dim>,
    pub map: BTreeMap<Key, Acc>,
}

impl Groups {
    pub fn new(dims: Vec<Dim>) -> Self {
        Groups {
            dims,
            map: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, key: Key, amount: Decimal, count: u64) -> Result<()> {
        self.map.entry(key).or_default().add(amount, count)
    }

    /// Adds `count` rows whose exact sum is `total`.
    pub fn add_exact(&mut self, key: Key, total: &Exact, count: u64) -> Result<()> {
        self.map.entry(key).or_default().absorb(&Acc {
            total: *total,
            count,
        })
    }

    pub fn merge(&mut self, other: Groups) -> Result<()> {
        for (key, acc) in other.map {
            self.map.entry(key).or_default().absorb(&acc)?;
        }
        Ok(())
    }
}

/// One thread's groups, keyed by symbols of that thread's interner. Each group has a slot (an
/// index into `accs`) so a caller that has seen a key before can add to it without a lookup.
/// Keys all have the same length, so they live end to end in one vector and the table holds
/// only slot numbers: a few dozen bytes per group, which keeps memory flat as groups grow.
pub struct LocalGroups {
    grouping: Grouping,
    width: usize,
    table: HashTable<u32>,
    keys: Vec<u32>,
    accs: Vec<Acc>,
    cut: FxHashMap<Sym, Sym>,
}

/// Most keys fit in this many slots without a heap allocation.
const MAX_KEY: usize = 10;

/// The key of group `slot` among keys of `width` stored end to end. Every reader of a stored
/// key goes through here, so the table's lookups and its rehashing agree with the report.
fn key_at(keys: &[u32], width: usize, slot: u32) -> &[u32] {
    let at = slot as usize * width;
    &keys[at..at + width]
}

fn hash_key(key: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

impl LocalGroups {
    pub fn new(grouping: Grouping) -> Self {
        LocalGroups {
            width: grouping.dims.len() + 1,
            grouping,
            table: HashTable::new(),
            keys: Vec::new(),
            accs: Vec::new(),
            cut: FxHashMap::default(),
        }
    }

    fn stored(&self, slot: u32) -> &[u32] {
        key_at(&self.keys, self.width, slot)
    }

    /// The key of `row` under `grouping`, as symbols (area cut to depth) and period codes.
    pub fn key(&mut self, row: &Contribution, interner: &mut Interner) -> ([u32; MAX_KEY], usize) {
        let mut key = [0u32; MAX_KEY];
        let n = self.grouping.dims.len();
        for (slot, &dim) in key.iter_mut().zip(&self.grouping.dims) {
            *slot = match dim {
                Dim::Year | Dim::Quarter | Dim::Month => dim.period_code(row.date),
                Dim::Area => match self.grouping.depth {
                    None => row.area,
                    Some(depth) => *self.cut.entry(row.area).or_insert_with(|| {
                        let cut = cut_area(interner.get(row.area), depth).to_string();
                        interner.intern(&cut)
                    }),
                },
                other => row.text_sym(other),
            };
        }
        key[n] = row.measure;
        (key, n + 1)
    }

    /// Adds `row` to its group and returns the group's slot.
    pub fn add(&mut self, row: &Contribution, interner: &mut Interner) -> Result<u32> {
        let (key, n) = self.key(row, interner);
        let slot = self.slot_of(&key[..n]);
        self.add_to(slot, row.amount)?;
        Ok(slot)
    }

    /// The slot of the group with `key` (symbols and period codes, then the measure), made empty
    /// if there is none yet.
    #[inline]
    pub fn slot_of(&mut self, key: &[u32]) -> u32 {
        let hash = hash_key(key);
        let found = self
            .table
            .find(hash, |&slot| key_at(&self.keys, self.width, slot) == key);
        match found {
            Some(&slot) => slot,
            None => {
                let slot = self.accs.len() as u32;
                self.keys.extend_from_slice(key);
                self.accs.push(Acc::default());
                let (keys, width) = (&self.keys, self.width);
                self.table
                    .insert_unique(hash, slot, |&s| hash_key(key_at(keys, width, s)));
                slot
            }
        }
    }

    /// The key of the group in `slot`, as [`LocalGroups::key`] makes it.
    pub fn key_of(&self, slot: u32) -> &[u32] {
        self.stored(slot)
    }

    /// Adds one row's amount to the group in `slot`.
    pub fn add_to(&mut self, slot: u32, amount: Decimal) -> Result<()> {
        match self.accs.get_mut(slot as usize) {
            Some(acc) => acc.add(amount, 1),
            None => Err(anyhow!("internal error: no group in slot {slot}")),
        }
    }

    /// Adds a running total of many rows to the group in `slot`.
    pub fn add_acc(&mut self, slot: u32, other: &Acc) -> Result<()> {
        match self.accs.get_mut(slot as usize) {
            Some(acc) => acc.absorb(other),
            None => Err(anyhow!("internal error: no group in slot {slot}")),
        }
    }

    /// A key from [`LocalGroups::key`] as typed values.
    pub fn key_value(&self, key: &[u32], interner: &Interner) -> Key {
        let dims = &self.grouping.dims;
        let (values, measure) = key.split_at(dims.len());
        let values = dims
            .iter()
            .zip(values)
            .map(|(&d, &v)| match d {
                Dim::Area => Value::Area(interner.get(v).to_string()),
                d if d.is_period() => Value::Period(Period::from_code(d, v)),
                _ => Value::Text(interner.get(v).to_string()),
            })
            .collect();
        let measure = measure.first().map_or("", |&m| interner.get(m));
        Key {
            values,
            measure: measure.to_string(),
        }
    }

    pub fn into_groups(self, interner: &Interner) -> Result<Groups> {
        let mut groups = Groups::new(self.grouping.dims.clone());
        for (slot, acc) in self.accs.iter().enumerate() {
            groups
                .map
                .entry(self.key_value(self.stored(slot as u32), interner))
                .or_default()
                .absorb(acc)?;
        }
        Ok(groups)
    }
}

//! Grouping and exact sums: pure functions over rows, no I/O.
//!
//! Each reading thread adds its rows into [`LocalGroups`], keyed by small integers (interned text
//! and period codes) so the per-row work is one hash lookup and one exact addition. At the end
//! the keys are turned into text and the threads' [`Groups`] are merged. Sums are
//! [`Exact`](crate::domain::amount::Exact): integers that never round, so the order in which
//! chunks, threads or files were added never changes a total.

use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym, fold, widen};

use crate::domain::amount::Exact;
use crate::domain::text::cut_area;
use crate::domain::{Dim, Key, Period, Value};
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use hashbrown::HashTable;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHasher};
use std::cmp::Ordering;
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

    /// Adds `other`'s groups. Two big tables (one per thread, a million groups each) are
    /// merged in one ordered pass and the result built in bulk, rather than with a tree lookup
    /// and string comparisons per group; a small one is added group by group.
    pub fn merge(&mut self, other: Groups) -> Result<()> {
        if self.map.is_empty() {
            self.map = other.map;
            return Ok(());
        }
        if other.map.len() < self.map.len() / 8 {
            for (key, acc) in other.map {
                self.map.entry(key).or_default().absorb(&acc)?;
            }
            return Ok(());
        }
        let mine = std::mem::take(&mut self.map);
        let mut merged = Vec::with_capacity(mine.len().max(other.map.len()));
        let mut a = mine.into_iter().peekable();
        let mut b = other.map.into_iter().peekable();
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some((ka, _)), Some((kb, _))) => match ka.cmp(kb) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal => {
                        if let (Some((key, mut acc)), Some((_, other))) = (a.next(), b.next()) {
                            acc.absorb(&other)?;
                            merged.push((key, acc));
                        }
                        continue;
                    }
                },
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            merged.extend(if take_a { a.next() } else { b.next() });
        }
        // In key order already: the tree is built in one pass.
        self.map = merged.into_iter().collect();
        Ok(())
    }

    /// Groups from `(key, total)` pairs in any order, totals of one key added up. Sorted first
    /// and built in bulk: far cheaper than a tree insert per group when groups run to millions.
    pub fn from_unsorted(dims: Vec<Dim>, mut pairs: Vec<(Key, Acc)>) -> Result<Groups> {
        pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Equal keys are added up in place: a second vector of pairs would cost as much again
        // at the run's peak of memory.
        let mut failed = Ok(());
        pairs.dedup_by(|later, kept| {
            if later.0 != kept.0 {
                return false;
            }
            if let Err(e) = kept.1.absorb(&later.1) {
                failed = Err(e);
            }
            true
        });
        failed?;
        Ok(Groups {
            dims,
            map: pairs.into_iter().collect(),
        })
    }
}

/// One thread's groups, keyed by symbols of that thread's interner. Each group has a slot (an
/// index into `accs`) so a caller that has seen a key before can add to it without a lookup.
/// Keys all have the same length, so they live end to end in one vector and the table holds
/// only slot numbers and 32 bits of each key's hash: a few dozen bytes per group, which keeps
/// memory flat as groups grow. With the hash bits at hand, a lookup reads a stored key only when
/// they match, and growing the table never reads the keys (millions of new groups made both
/// cost a cache miss per group).
pub struct LocalGroups {
    grouping: Grouping,
    width: usize,
    /// The groups not in `first`, by hash.
    table: HashTable<(u32, u32)>,
    /// Per symbol, the slot of a group whose key begins with it (`NO_SLOT` for none), when keys
    /// begin with a symbol (the first dimension is not a period). The first group of each name
    /// is found by one read here, in the order the names were met, with no hash: when every
    /// row brings a new name (a province's units), a probe of the table was a cache miss per
    /// row. Later groups of the same name (other measures, months) go in `table`.
    first: Vec<u32>,
    /// The lookup tables were freed ([`LocalGroups::seal`]): a key not found makes them again.
    sealed: bool,
    keys: Vec<u32>,
    accs: Vec<Acc>,
    cut: FxHashMap<Sym, Sym>,
}

/// Most keys fit in this many slots without a heap allocation.
const MAX_KEY: usize = 10;

/// No group in [`LocalGroups::first`] for this symbol.
const NO_SLOT: u32 = u32::MAX;

/// The key of group `slot` among keys of `width` stored end to end. Every reader of a stored
/// key goes through here, so the table's lookups agree with the report.
fn key_at(keys: &[u32], width: usize, slot: u32) -> &[u32] {
    let at = slot as usize * width;
    &keys[at..at + width]
}

/// How many bytes `a` and `b` begin with alike.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The eight bytes of `text` from `at`, big-endian, zeros past its end: two texts alike before
/// `at` whose eight bytes differ are in the order of those (a text that ends first is the
/// smaller either way); alike eight bytes say nothing.
fn eight_bytes(text: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    let tail = text.get(at..).unwrap_or_default();
    let n = tail.len().min(8);
    bytes[..n].copy_from_slice(&tail[..n]);
    u64::from_be_bytes(bytes)
}

/// Puts `texts` (symbols beside room for a sort key) in the order of their texts, all of which
/// begin with the same `at` bytes. They are first put in the order of eight bytes taken after
/// the prefix they all share (`Chi hội khu dân cư số ` before two million numbers): sorting
/// numbers in place of texts read far apart in memory. Texts whose eight bytes are alike are
/// sorted the same way from there on, or compared in full when few, or when one of them ends
/// within those bytes (its tail of zeros could tie with a text of NUL bytes).
fn sort_texts<'a>(texts: &mut [(u64, Sym)], text: &impl Fn(Sym) -> &'a [u8], at: usize) {
    if texts.len() < 16 {
        texts.sort_unstable_by(|a, b| text(a.1).cmp(text(b.1)));
        return;
    }
    let shared = (texts.iter())
        .map(|&(_, x)| text(x).get(at..).unwrap_or_default())
        .reduce(|a, b| &a[..common_prefix(a, b)])
        .map_or(0, <[u8]>::len)
        + at;
    for (bytes, x) in texts.iter_mut() {
        *bytes = eight_bytes(text(*x), shared);
    }
    texts.sort_unstable_by_key(|&(bytes, _)| bytes);
    for run in texts.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        if run.iter().any(|&(_, x)| text(x).len() <= shared + 8) {
            run.sort_unstable_by(|a, b| text(a.1).cmp(text(b.1)));
        } else {
            sort_texts(run, text, shared + 8);
        }
    }
}

/// The numbers `0..n` (slots) in the order of their `parts` numbers, `part(slot, p)`, compared
/// in turn; slots alike in every part keep their order. Each slot's parts are packed side by
/// side into one number, each in as many bits as its range needs, and slots sort as numbers; parts
/// too wide together for `most` bits (at most 64) sort as lists. With the order, per place in
/// it, whether the slot there is alike in every part to the one before it.
pub fn order_by_parts(
    n: usize,
    parts: usize,
    part: impl Fn(usize, usize) -> u32 + Sync,
    most: u32,
) -> (Vec<u32>, Vec<bool>) {
    let mut ranges = vec![(u32::MAX, 0u32); parts];
    for slot in 0..n {
        for (p, (low, high)) in ranges.iter_mut().enumerate() {
            let v = part(slot, p);
            *low = (*low).min(v);
            *high = (*high).max(v);
        }
    }
    if let Ok(sorted) = order_within(n, &ranges, &part, most) {
        return (sorted.order, sorted.same);
    }
    let listed: Vec<u32> = (0..n)
        .flat_map(|slot| (0..parts).map(move |p| (slot, p)))
        .map(|(slot, p)| part(slot, p))
        .collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&slot| key_at(&listed, parts, slot));
    let same = (0..order.len())
        .map(|k| k > 0 && key_at(&listed, parts, order[k - 1]) == key_at(&listed, parts, order[k]))
        .collect();
    (order, same)
}

/// Slots in the order [`order_within`] gives.
pub struct PartOrder {
    /// The slots, in order.
    pub order: Vec<u32>,
    /// Per place, whether its slot is alike in every part to the one before it.
    pub same: Vec<bool>,
    /// Per place, whether its slot is alike in every part but the last to the one before it.
    pub same_but_last: Vec<bool>,
}

/// Why [`order_within`] did not pack the parts: the caller then sorts them another way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpacked {
    /// The ranges need more than the bits allowed.
    TooWide,
    /// A part falls outside the range it was given: a wrong range never makes a wrong order.
    OutOfRange,
}

/// Fewer slots than this are packed on one core: a thread costs more than it saves.
const PACK_ON_CORES_FROM: usize = 1 << 16;

/// [`order_by_parts`] when each part's range `(low, high)` is known beforehand: each slot's
/// parts are read once, packed into one number.
pub fn order_within(
    n: usize,
    ranges: &[(u32, u32)],
    part: impl Fn(usize, usize) -> u32 + Sync,
    most: u32,
) -> Result<PartOrder, Unpacked> {
    let bits: Vec<u32> = ranges
        .iter()
        .map(|&(lo, hi)| u32::BITS - hi.saturating_sub(lo).leading_zeros())
        .collect();
    if bits.iter().sum::<u32>() > most.min(u64::BITS) {
        return Err(Unpacked::TooWide);
    }
    // Packed on every core, a run of slots each, in place: reading the parts is a random read
    // or two per slot (a text's rank), millions of them in a report of many groups.
    let mut keyed: Vec<(u64, u32)> = vec![(0, 0); n];
    let pieces = match n < PACK_ON_CORES_FROM {
        true => 1,
        false => crate::domain::order::cores(),
    };
    let size = n.div_ceil(pieces).max(1);
    let runs: Vec<(usize, &mut [(u64, u32)])> =
        (0..).step_by(size).zip(keyed.chunks_mut(size)).collect();
    let packed = crate::domain::order::on_threads(runs, |(from, run)| -> Result<(), Unpacked> {
        for (slot, entry) in (from..).zip(run.iter_mut()) {
            let mut packed = 0u64;
            for (p, (&(low, high), &b)) in ranges.iter().zip(&bits).enumerate() {
                let v = part(slot, p);
                if v < low || v > high {
                    return Err(Unpacked::OutOfRange);
                }
                packed = packed << b | u64::from(v - low);
            }
            *entry = (packed, slot as u32);
        }
        Ok(())
    });
    packed.into_iter().collect::<Result<(), Unpacked>>()?;
    // Every slot is in one pair: no two pairs are equal, so the order is the one order.
    crate::domain::order::sort_on_cores(&mut keyed);
    let last = bits.last().copied().unwrap_or(0);
    let alike = |k: usize, shift: u32| {
        k > 0
            && keyed[k - 1].0.checked_shr(shift).unwrap_or(0)
                == keyed[k].0.checked_shr(shift).unwrap_or(0)
    };
    Ok(PartOrder {
        same: (0..n).map(|k| alike(k, 0)).collect(),
        same_but_last: (0..n).map(|k| alike(k, last)).collect(),
        order: keyed.into_iter().map(|(_, slot)| slot).collect(),
    })
}

/// 32 bits of a key's hash, both halves folded in: what the table stores.
fn hash_key(key: &[u32]) -> u32 {
    let mut h = FxHasher::default();
    key.hash(&mut h);
    fold(h.finish())
}

impl LocalGroups {
    pub fn new(grouping: Grouping) -> Self {
        LocalGroups {
            width: grouping.dims.len() + 1,
            grouping,
            table: HashTable::new(),
            first: Vec::new(),
            sealed: false,
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
        let slot = self.slot(row, interner);
        self.add_to(slot, row.amount)?;
        Ok(slot)
    }

    /// The slot of `row`'s group (made empty if there is none yet), adding nothing to it.
    pub fn slot(&mut self, row: &Contribution, interner: &mut Interner) -> u32 {
        let (key, n) = self.key(row, interner);
        self.slot_of(&key[..n])
    }

    /// The slot of the group with `key` (symbols and period codes, then the measure), made empty
    /// if there is none yet.
    #[inline]
    pub fn slot_of(&mut self, key: &[u32]) -> u32 {
        let by_first = self.first_is_symbol();
        if by_first
            && let Some(&slot) = self.first.get(key[0] as usize)
            && slot != NO_SLOT
            && self.stored(slot) == key
        {
            return slot;
        }
        let h = hash_key(key);
        let found = self.table.find(widen(h), |&(hh, slot)| {
            hh == h && key_at(&self.keys, self.width, slot) == key
        });
        match found {
            Some(&(_, slot)) => slot,
            None if self.sealed => {
                self.reindex();
                self.slot_of(key)
            }
            None => {
                let slot = self.accs.len() as u32;
                self.keys.extend_from_slice(key);
                self.accs.push(Acc::default());
                if by_first {
                    let s = key[0] as usize;
                    if s >= self.first.len() {
                        self.first.resize(s + 1, NO_SLOT);
                    }
                    if self.first[s] == NO_SLOT {
                        self.first[s] = slot;
                        return slot;
                    }
                }
                self.table
                    .insert_unique(widen(h), (h, slot), |&(hh, _)| widen(hh));
                slot
            }
        }
    }

    /// Whether a key's first part is a symbol (a name, or the measure when there are no
    /// dimensions) rather than a period's code: then [`LocalGroups::first`] indexes it.
    fn first_is_symbol(&self) -> bool {
        self.grouping.dims.first().is_none_or(|d| !d.is_period())
    }

    /// Frees the lookup tables: groups read to the end are only read in order from here on, and
    /// the tables are a tenth of their memory. A group added later finds them made again.
    pub fn seal(&mut self) {
        self.table = HashTable::new();
        self.first = Vec::new();
        self.sealed = true;
    }

    /// The lookup table of every group, made again after [`LocalGroups::seal`] (all of them by
    /// hash: `first` fills again with groups added after).
    #[cold]
    fn reindex(&mut self) {
        let mut table = HashTable::with_capacity(self.accs.len());
        for slot in 0..self.accs.len() as u32 {
            let h = hash_key(self.stored(slot));
            table.insert_unique(widen(h), (h, slot), |&(hh, _)| widen(hh));
        }
        self.table = table;
        self.sealed = false;
    }

    /// The slot of the group whose key is that of the group in `like` with the periods of `date`
    /// (made empty if there is none yet): the group of a row whose texts are those of `like`'s.
    pub fn slot_like(&mut self, like: u32, date: NaiveDate) -> u32 {
        let mut key = [0u32; MAX_KEY];
        let n = self.width;
        key[..n].copy_from_slice(self.stored(like));
        for (code, &dim) in key.iter_mut().zip(&self.grouping.dims) {
            if dim.is_period() {
                *code = dim.period_code(date);
            }
        }
        self.slot_of(&key[..n])
    }

    /// The key of the group in `slot`, as [`LocalGroups::key`] makes it.
    pub fn key_of(&self, slot: u32) -> &[u32] {
        self.stored(slot)
    }

    /// Starts loading the running total of `slot`, to be added to soon.
    #[inline(always)]
    pub fn prefetch(&self, slot: u32) {
        if let Some(acc) = self.accs.get(slot as usize) {
            // A total (48 bytes) often lies on two cache lines: both are fetched.
            crate::prefetch::read(acc);
            crate::prefetch::read(&acc.count);
        }
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

    /// The grouping dimensions: a key holds one part for each, then the measure.
    pub fn dims(&self) -> &[Dim] {
        &self.grouping.dims
    }

    /// How many groups there are; their slots are `0..len`.
    pub fn len(&self) -> usize {
        self.accs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accs.is_empty()
    }

    /// The running total of the group in `slot`.
    pub fn acc(&self, slot: u32) -> Option<&Acc> {
        self.accs.get(slot as usize)
    }

    /// Adds `count` rows that come to `total` to the group whose key is `key` in text, its
    /// texts interned into `interner`: rows that were kept aside until their file's number
    /// convention was settled join the groups read as symbols.
    pub fn add_key(
        &mut self,
        key: &Key,
        total: &Exact,
        count: u64,
        interner: &mut Interner,
    ) -> Result<()> {
        let mut parts = [0u32; MAX_KEY];
        if key.values.len() + 1 != self.width {
            return Err(anyhow!("internal error: a key of another grouping"));
        }
        for (part, value) in parts.iter_mut().zip(&key.values) {
            *part = match value {
                Value::Text(t) | Value::Area(t) => interner.intern(t),
                Value::Period(p) => p.code(),
            };
        }
        parts[self.width - 1] = interner.intern(&key.measure);
        let slot = self.slot_of(&parts[..self.width]);
        self.add_acc(
            slot,
            &Acc {
                total: *total,
                count,
            },
        )
    }

    /// Adds `other`'s groups, whose keys are symbols of `theirs`, to these, whose keys are
    /// symbols of `mine`. Threads' groups meet here as symbols: each distinct text of `other`
    /// is looked up in `mine` once, and each group costs one lookup and one addition, where
    /// turning both into text keys and merging those would cost allocations and string
    /// comparisons for every group.
    pub fn absorb(
        &mut self,
        other: LocalGroups,
        theirs: &Interner,
        mine: &mut Interner,
    ) -> Result<()> {
        if self.grouping != other.grouping {
            return Err(anyhow!("internal error: groups of two groupings merged"));
        }
        let is_symbol = self.symbol_parts();
        let mut remap = vec![Sym::MAX; theirs.len()];
        let mut key = [0u32; MAX_KEY];
        for (slot, acc) in other.accs.iter().enumerate() {
            let theirs_key = other.stored(slot as u32);
            for ((part, &value), &symbol) in key.iter_mut().zip(theirs_key).zip(&is_symbol) {
                *part = if !symbol {
                    value
                } else {
                    match remap.get(value as usize) {
                        Some(&s) if s != Sym::MAX => s,
                        _ => {
                            let s = mine.intern(theirs.get(value));
                            if let Some(r) = remap.get_mut(value as usize) {
                                *r = s;
                            }
                            s
                        }
                    }
                };
            }
            let mine_slot = self.slot_of(&key[..self.width]);
            self.add_acc(mine_slot, acc)?;
        }
        Ok(())
    }

    /// Per part of a key, whether it is a symbol: periods are codes, every other part (the
    /// measure last) a symbol.
    fn symbol_parts(&self) -> Vec<bool> {
        (self.grouping.dims.iter().map(|d| !d.is_period()))
            .chain([true])
            .collect()
    }

    pub fn into_groups(mut self, interner: &Interner) -> Result<Groups> {
        // The lookup tables are not needed any more: freed before the text keys are made.
        self.seal();
        // Slots are put in key order while keys are still symbols (moving four-byte slots,
        // comparing texts in place), so the text keys are made in order and built into the
        // tree in one pass.
        let order = self.slots_in_key_order(interner);
        let pairs = (order.into_iter())
            .map(|slot| {
                (
                    self.key_value(self.stored(slot), interner),
                    self.accs[slot as usize],
                )
            })
            .collect();
        let dims = self.grouping.dims.clone();
        drop(self);
        Groups::from_unsorted(dims, pairs)
    }

    /// Every slot, in the order of the text keys [`LocalGroups::key_value`] makes (values in
    /// order, then the measure): texts compare as strings, periods as codes (a period's code
    /// grows with time, as [`Period`] orders), an area as the text of its path.
    ///
    /// Each text met in a key is given its rank among all of them (the texts sorted once, so a
    /// model met in seventy months is compared as text once, not in every pair of its groups),
    /// and each slot's key is then one number: ranks and period codes side by side, each in as
    /// many bits as its part needs. Slots sort as numbers; a key too wide for 64 bits sorts as
    /// its list of ranks and codes.
    fn slots_in_key_order(&self, interner: &Interner) -> Vec<u32> {
        self.slots_in_key_order_packed_within(interner, u64::BITS)
    }

    /// [`LocalGroups::slots_in_key_order`], packing keys into numbers of at most `bits` bits
    /// (tests give 0 to sort every key as a list).
    fn slots_in_key_order_packed_within(&self, interner: &Interner, most: u32) -> Vec<u32> {
        let is_symbol = self.symbol_parts();
        let rank = self.byte_ranks(interner);
        let (order, _) = order_by_parts(
            self.accs.len(),
            self.width,
            |slot, part| {
                let x = self.stored(slot as u32)[part];
                match is_symbol[part] {
                    true => rank.get(x as usize).copied().unwrap_or(0),
                    false => x,
                }
            },
            most,
        );
        order
    }

    /// The rank of each text that is part of a key, among them all, in string order, by symbol
    /// (other symbols are left at 0). The texts are sorted by [`sort_texts`].
    pub fn byte_ranks(&self, interner: &Interner) -> Vec<u32> {
        let is_symbol = self.symbol_parts();
        let mut used = vec![false; interner.len()];
        for key in self.keys.chunks_exact(self.width) {
            for (&x, _) in key.iter().zip(&is_symbol).filter(|(_, symbol)| **symbol) {
                if let Some(u) = used.get_mut(x as usize) {
                    *u = true;
                }
            }
        }
        let mut keyed: Vec<(u64, Sym)> = (0..used.len() as Sym)
            .filter(|&x| used[x as usize])
            .map(|x| (0, x))
            .collect();
        sort_texts(&mut keyed, &|x| interner.get(x).as_bytes(), 0);
        let mut rank = vec![0u32; used.len()];
        for (i, &(_, x)) in keyed.iter().enumerate() {
            rank[x as usize] = i as u32;
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(unit: u8, measure: u8) -> Key {
        Key {
            values: vec![Value::Text(format!("u{unit}"))],
            measure: ["VND", "workday", "m2"][measure as usize % 3].into(),
        }
    }

    /// The plain way to merge: one tree insert per group.
    fn merged_one_by_one(a: &Groups, b: &Groups) -> Groups {
        let mut out = a.clone();
        for (key, acc) in &b.map {
            out.map.entry(key.clone()).or_default().absorb(acc).unwrap();
        }
        out
    }

    fn groups_of(rows: &[(u8, u8, i64)]) -> Groups {
        let pairs = rows
            .iter()
            .map(|&(u, m, v)| {
                let mut acc = Acc::default();
                acc.add(Decimal::from(v), 1).unwrap();
                (key(u, m), acc)
            })
            .collect();
        Groups::from_unsorted(vec![Dim::Unit], pairs).unwrap()
    }

    /// One thread's groups of `rows` (unit, month, measure, amount) under unit and month, its
    /// interner filled with `first` before any row, so that two threads give the same texts
    /// different symbols.
    fn local_groups(rows: &[(u8, u8, u8, i64)], first: &[u8]) -> (LocalGroups, Interner) {
        let grouping = Grouping {
            dims: vec![Dim::Unit, Dim::Month],
            depth: None,
        };
        let mut interner = Interner::default();
        for u in first {
            interner.intern(&format!("u{u}"));
        }
        let mut groups = LocalGroups::new(grouping);
        for &(u, month, m, v) in rows {
            let unit = interner.intern(&format!("u{u}"));
            let measure = interner.intern(["VND", "workday", "m2"][m as usize % 3]);
            let slot = groups.slot_of(&[unit, 202400 + u32::from(month % 12) + 1, measure]);
            groups.add_to(slot, Decimal::from(v)).unwrap();
        }
        (groups, interner)
    }

    /// The same rows as text groups, one by one.
    fn plain_groups(rows: &[(u8, u8, u8, i64)]) -> Groups {
        let mut plain = Groups::new(vec![Dim::Unit, Dim::Month]);
        for &(u, month, m, v) in rows {
            let key = Key {
                values: vec![
                    Value::Text(format!("u{u}")),
                    Value::Period(Period::Month(2024, month % 12 + 1)),
                ],
                measure: ["VND", "workday", "m2"][m as usize % 3].into(),
            };
            plain.add(key, Decimal::from(v), 1).unwrap();
        }
        plain
    }

    /// Rows kept aside until their file's convention is settled join the groups by their text
    /// key: into the group of the same texts, interned as the rows read were, or a new one; a
    /// key of another grouping is refused.
    #[test]
    fn text_keys_join_the_groups_read_as_symbols() {
        let (mut groups, mut interner) = local_groups(&[(1, 0, 0, 5), (2, 3, 1, 7)], &[]);
        let key = |unit: &str, month: u8, measure: &str| Key {
            values: vec![
                Value::Text(unit.into()),
                Value::Period(Period::Month(2024, month)),
            ],
            measure: measure.into(),
        };
        let total = |n: i64| Exact::from(Decimal::from(n));
        groups
            .add_key(&key("u2", 4, "workday"), &total(10), 3, &mut interner)
            .unwrap();
        groups
            .add_key(&key("u9", 1, "VND"), &total(4), 2, &mut interner)
            .unwrap();
        let got = groups.into_groups(&interner).unwrap();
        let mut want = plain_groups(&[(1, 0, 0, 5), (2, 3, 1, 7)]);
        want.add_exact(key("u2", 4, "workday"), &total(10), 3)
            .unwrap();
        want.add_exact(key("u9", 1, "VND"), &total(4), 2).unwrap();
        assert_eq!(got, want);
        let (mut groups, mut interner) = local_groups(&[(1, 0, 0, 5)], &[]);
        let short = Key {
            values: vec![Value::Text("u1".into())],
            measure: "VND".into(),
        };
        assert!(groups.add_key(&short, &total(1), 1, &mut interner).is_err());
        assert_eq!(groups.len(), 1);
    }

    /// A sealed table of groups finds a group it holds in its own slot again (adding to it, not
    /// beside it), and makes a new one for a new key.
    #[test]
    fn sealed_groups_add_to_the_group_they_hold() {
        let (mut groups, _) = local_groups(&[(1, 0, 0, 5), (2, 0, 0, 7), (1, 1, 1, 3)], &[]);
        let keys: Vec<Vec<u32>> = (0..groups.len() as u32)
            .map(|slot| groups.key_of(slot).to_vec())
            .collect();
        groups.seal();
        assert_eq!(groups.slot_of(&keys[1]), 1);
        groups.seal();
        let new = groups.slot_of(&[keys[0][0], 202_412, keys[0][2]]);
        assert_eq!((new, groups.len()), (3, 4));
        assert_eq!(groups.slot_of(&keys[2]), 2);
    }

    /// Every group is found again in its own slot, whether it is the first of its name (looked
    /// up by symbol) or a later one (by hash), before and after the tables are freed and made
    /// again, and under a grouping whose keys begin with a period, which never uses the first.
    #[test]
    fn every_group_is_found_where_it_was_made() {
        for dims in [vec![Dim::Unit, Dim::Month], vec![Dim::Month, Dim::Unit]] {
            let grouping = Grouping { dims, depth: None };
            let by_period = grouping.dims[0].is_period();
            let mut groups = LocalGroups::new(grouping);
            // Symbols past the end of the first table, symbols met again, gaps between them.
            let key = |name: u32, month: u32, measure: u32| match by_period {
                true => vec![202_401 + month, name, measure],
                false => vec![name, 202_401 + month, measure],
            };
            let mut made: Vec<Vec<u32>> = Vec::new();
            for round in 0..3 {
                for name in [7u32, 0, 3, 7, 40, 3, 0] {
                    for (month, measure) in [(0, 1), (1, 1), (0, 2)] {
                        let k = key(name + round * 100, month, measure);
                        let slot = groups.slot_of(&k) as usize;
                        match made.iter().position(|m| *m == k) {
                            Some(at) => assert_eq!(slot, at, "{k:?}"),
                            None => {
                                assert_eq!(slot, made.len(), "{k:?} is new");
                                made.push(k);
                            }
                        }
                    }
                }
                for (at, k) in made.iter().enumerate() {
                    assert_eq!(groups.slot_of(k) as usize, at, "{k:?}");
                }
                assert_eq!(groups.len(), made.len());
                groups.seal();
            }
            assert_eq!(made.len(), 3 * 4 * 3);
        }
    }

    /// Texts that share no first byte are put in order by their first eight bytes, and only
    /// those: counting a shared prefix where there is none would order them by later bytes.
    #[test]
    fn texts_without_a_common_prefix_are_ordered_from_their_first_byte() {
        let grouping = Grouping {
            dims: vec![Dim::Unit],
            depth: None,
        };
        let mut interner = Interner::default();
        let mut groups = LocalGroups::new(grouping);
        let measure = interner.intern("VND");
        for unit in ["ab", "ba", "bb"] {
            let unit = interner.intern(unit);
            groups.slot_of(&[unit, measure]);
        }
        let units: Vec<&str> = (groups.slots_in_key_order(&interner).into_iter())
            .map(|slot| interner.get(groups.stored(slot)[0]))
            .collect();
        assert_eq!(units, ["ab", "ba", "bb"]);
    }

    /// Many texts alike but for a tail of NUL bytes tie in the eight bytes after their shared
    /// prefix: they are compared in full, shortest first.
    #[test]
    fn texts_alike_but_for_trailing_nul_bytes_are_shortest_first() {
        let texts: Vec<String> = (0..24)
            .rev()
            .map(|n| format!("x{}", "\0".repeat(n)))
            .collect();
        let mut keyed: Vec<(u64, Sym)> = (0..texts.len() as Sym).map(|x| (0, x)).collect();
        sort_texts(&mut keyed, &|x| texts[x as usize].as_bytes(), 0);
        let lengths: Vec<usize> = keyed
            .iter()
            .map(|&(_, x)| texts[x as usize].len())
            .collect();
        assert_eq!(lengths, (1..=24).collect::<Vec<_>>());
    }

    /// Texts sharing a prefix, then eight more bytes, then differing: the sort goes on from the
    /// very byte after those eight (texts ordered the other way further on must not lead).
    #[test]
    fn texts_past_a_shared_stretch_are_ordered_by_the_next_byte() {
        // "abz" keeps the prefix all share to "ab"; the others tie on "cccccccc" after it.
        let texts: Vec<String> = (0..20)
            .rev()
            .map(|i| format!("ab{}{i:06}{:08}", "c".repeat(8), 99 - i))
            .chain(["abz".to_string()])
            .collect();
        let mut keyed: Vec<(u64, Sym)> = (0..texts.len() as Sym).map(|x| (0, x)).collect();
        sort_texts(&mut keyed, &|x| texts[x as usize].as_bytes(), 0);
        let got: Vec<&String> = keyed.iter().map(|&(_, x)| &texts[x as usize]).collect();
        let mut want: Vec<&String> = texts.iter().collect();
        want.sort();
        assert_eq!(got, want);
    }

    proptest! {
        /// Texts come in byte order however long the stretches they share (the sort goes on
        /// eight bytes at a time past each) and wherever they end (a text that ends within the
        /// eight bytes, a tail of NUL bytes).
        #[test]
        fn texts_are_sorted_as_bytes(
            texts in proptest::collection::btree_set(
                "(số |)(Chi hội khu dân cư |)(aaaaaaaaa|a|)[ab\\x00]{0,12}",
                0..300,
            ),
        ) {
            let texts: Vec<String> = texts.into_iter().collect();
            let mut keyed: Vec<(u64, Sym)> = (0..texts.len() as Sym).rev().map(|x| (0, x)).collect();
            sort_texts(&mut keyed, &|x| texts[x as usize].as_bytes(), 0);
            let got: Vec<&String> = keyed.iter().map(|&(_, x)| &texts[x as usize]).collect();
            let want: Vec<&String> = texts.iter().collect();
            prop_assert_eq!(got, want);
        }

        /// Slots come in the order of their text keys, whatever the first texts share (a long
        /// common prefix, texts that end inside the eight bytes after it, NUL bytes): the order
        /// the bulk build of the tree relies on to be fast.
        #[test]
        fn slots_come_in_the_order_of_their_text_keys(
            prefix in "(số |)",
            rows in proptest::collection::vec(("[ab\\x00]{0,10}", 0u8..3, 0u8..3), 1..120),
        ) {
            let grouping = Grouping { dims: vec![Dim::Unit, Dim::Month], depth: None };
            let mut interner = Interner::default();
            let mut groups = LocalGroups::new(grouping);
            for (unit, month, m) in &rows {
                let unit = interner.intern(&format!("{prefix}{unit}"));
                let measure = interner.intern(["VND", "workday", "m2"][*m as usize % 3]);
                groups.slot_of(&[unit, 202_401 + u32::from(*month), measure]);
            }
            // Keys packed into numbers, and keys too wide for that, sorted as lists.
            for most in [u64::BITS, 0] {
                let order = groups.slots_in_key_order_packed_within(&interner, most);
                let keys: Vec<Key> = (order.into_iter())
                    .map(|slot| groups.key_value(groups.stored(slot), &interner))
                    .collect();
                prop_assert_eq!(keys.len(), groups.accs.len());
                prop_assert!(keys.is_sorted(), "{:?}", keys);
            }
        }

        /// Numbers packed into one and numbers sorted as lists give the same order, slots alike
        /// in every part in their first order, and say the same of which are alike.
        #[test]
        fn parts_sort_alike_packed_or_listed(
            keys in proptest::collection::vec(proptest::collection::vec(0u32..4, 3), 0..60),
            wide in any::<bool>(),
        ) {
            // Wide parts need 32 bits each: 96 bits together, too many to pack into one number.
            let scale = if wide { 0x4000_0000 } else { 1000 };
            let part = |slot: usize, p: usize| keys[slot][p] * scale + 7;
            let packed = order_by_parts(keys.len(), 3, part, u64::BITS);
            let listed = order_by_parts(keys.len(), 3, part, 0);
            prop_assert_eq!(&packed, &listed);
            let mut want: Vec<u32> = (0..keys.len() as u32).collect();
            want.sort_by_key(|&slot| keys[slot as usize].clone());
            prop_assert_eq!(&packed.0, &want);
            let alike: Vec<bool> = (0..want.len())
                .map(|k| k > 0 && keys[want[k - 1] as usize] == keys[want[k] as usize])
                .collect();
            prop_assert_eq!(packed.1, alike);
            // With the ranges known: the same order, and which places begin a new key when
            // the last part is left out; a range that leaves a part out refuses to pack.
            let ranges = vec![(7, 3 * scale + 7); 3];
            if let Ok(within) = order_within(keys.len(), &ranges, part, u64::BITS) {
                prop_assert!(!wide);
                prop_assert_eq!(&within.order, &want);
                let alike_but_last: Vec<bool> = (0..want.len())
                    .map(|k| k > 0 && keys[want[k - 1] as usize][..2] == keys[want[k] as usize][..2])
                    .collect();
                prop_assert_eq!(within.same_but_last, alike_but_last);
            } else {
                prop_assert!(wide);
            }
            let short = vec![(7, 2 * scale + 7); 3];
            let refused = order_within(keys.len(), &short, part, u64::BITS).err();
            let want = match (wide, keys.iter().flatten().any(|&k| k == 3)) {
                (true, _) => Some(Unpacked::TooWide),
                (false, true) => Some(Unpacked::OutOfRange),
                (false, false) => None,
            };
            prop_assert_eq!(refused, want);
        }

        /// Two threads' groups merged as symbols (each thread's own interner, texts met in
        /// another order) and then made text give what adding every row as text gives.
        #[test]
        fn groups_merged_as_symbols_are_the_plain_groups(
            a in proptest::collection::vec((0u8..40, 0u8..3, 0u8..3, -1000i64..1000), 0..150),
            b in proptest::collection::vec((0u8..40, 0u8..3, 0u8..3, -1000i64..1000), 0..150),
            first in proptest::collection::vec(0u8..40, 0..20),
        ) {
            let (mut mine, mut interner) = local_groups(&a, &[]);
            let (theirs, their_interner) = local_groups(&b, &first);
            mine.absorb(theirs, &their_interner, &mut interner).unwrap();
            let got = mine.into_groups(&interner).unwrap();
            let all: Vec<_> = a.iter().chain(&b).copied().collect();
            prop_assert_eq!(got, plain_groups(&all));
        }

        /// The ordered merge of two tables, and the bulk build from unsorted pairs, give what a
        /// group-by-group sum gives, whatever the sizes and overlaps.
        #[test]
        fn ordered_merge_is_the_plain_merge(
            a in proptest::collection::vec((0u8..60, 0u8..3, -1000i64..1000), 0..200),
            b in proptest::collection::vec((0u8..60, 0u8..3, -1000i64..1000), 0..200),
        ) {
            let (ga, gb) = (groups_of(&a), groups_of(&b));
            let want = merged_one_by_one(&ga, &gb);
            let mut got = ga.clone();
            got.merge(gb.clone()).unwrap();
            prop_assert_eq!(&got, &want);
            let mut plain = Groups::new(vec![Dim::Unit]);
            for &(u, m, v) in a.iter().chain(&b) {
                plain.add(key(u, m), Decimal::from(v), 1).unwrap();
            }
            prop_assert_eq!(&got, &plain);
        }
    }
}

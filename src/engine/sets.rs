//! Grouping sets: several groupings of the same rows, added up in the one pass over the ledgers
//! (what SQL calls `GROUPING SETS`). A report with many sections (by unit, by area, by month…)
//! reads its ledgers once and gets every section's totals.
//!
//! Each worker adds every row into the plan's own grouping (the "fine" one: the fast lane
//! remembers its slots), which holds every text dimension the sets use but no period, so it and
//! the fast lane's memo hold only the distinct combinations of names. Beside it, each row is
//! added once more, into a compact table keyed by its fine slot and the code of the finest period
//! any set takes from the date (its month, say): two integers and one sum, whatever the sets.
//! Only at the end is that table projected onto each set (a month gives its year, a fine key
//! gives its unit) and turned into text, so a row costs one lookup and one addition however many
//! sets there are, and the cross product of every dimension is never built as text.

use crate::aggregate::{Acc, Grouping, Groups, LocalGroups};
use crate::domain::{Dim, Key};
use crate::ledger::intern::Interner;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Where one value of a set's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The value at this index of the fine key.
    Fine(usize),
    /// The row's period in this dimension.
    Date(Dim),
}

/// Set keys are short: a few dimensions and the measure.
const MAX_KEY: usize = 12;

struct Table {
    parts: Vec<Part>,
    groups: LocalGroups,
}

/// One worker's grouping sets.
pub struct Sets {
    /// The index of the measure in a fine key (the number of fine dimensions).
    measure_at: usize,
    tables: Vec<Table>,
    /// The finest period the sets take from the date; every other one is made from it.
    finest: Option<Dim>,
    /// (fine slot, period code of `finest`) → the rows' sum.
    cells: FxHashMap<u64, Acc>,
}

/// How fine a period is: a month gives its quarter and year, a quarter its year.
fn fineness(d: Dim) -> u8 {
    match d {
        Dim::Month => 3,
        Dim::Quarter => 2,
        _ => 1,
    }
}

/// The code in `to` of the period whose code in `from` is `code` (`to` no finer than `from`).
fn coarsen(from: Dim, code: u32, to: Dim) -> u32 {
    let (year, month) = match from {
        Dim::Month => (code / 100, code % 100),
        Dim::Quarter => (code / 10, (code % 10 - 1) * 3 + 1),
        _ => (code, 1),
    };
    NaiveDate::from_ymd_opt(year as i32, month, 1).map_or(0, |d| to.period_code(d))
}

impl Sets {
    /// Sets of `dims` over the fine grouping `fine`: each set's text dimensions must be among the
    /// fine ones; its periods are taken from the date.
    pub fn new(fine: &Grouping, sets: &[Vec<Dim>]) -> Result<Sets> {
        let mut finest: Option<Dim> = None;
        let mut tables = Vec::new();
        for dims in sets {
            if dims.len() + 1 > MAX_KEY {
                bail!("internal error: a grouping set of {} dimensions", dims.len());
            }
            let mut parts = Vec::new();
            for &d in dims {
                parts.push(match fine.dims.iter().position(|&f| f == d) {
                    Some(_) if d.is_period() => {
                        bail!("internal error: grouping sets over a grouping with a period")
                    }
                    Some(i) => Part::Fine(i),
                    None if d.is_period() => {
                        if finest.is_none_or(|f| fineness(d) > fineness(f)) {
                            finest = Some(d);
                        }
                        Part::Date(d)
                    }
                    None => bail!("internal error: grouping set by {d} over a grouping without it"),
                });
            }
            tables.push(Table {
                parts,
                groups: LocalGroups::new(Grouping {
                    dims: dims.clone(),
                    depth: None,
                }),
            });
        }
        Ok(Sets {
            measure_at: fine.dims.len(),
            tables,
            finest,
            cells: FxHashMap::default(),
        })
    }

    /// Adds one counted row, which went to fine group `slot`.
    #[inline]
    pub fn add(&mut self, slot: u32, date: NaiveDate, amount: Decimal) -> Result<()> {
        let code = self.finest.map_or(0, |d| d.period_code(date));
        self.cells
            .entry(u64::from(slot) << 32 | u64::from(code))
            .or_default()
            .add(amount, 1)
    }

    /// The period code of `date` the sets need, to keep after a fine key (rows whose amount
    /// waits for its reading).
    pub fn date_codes(&self, date: NaiveDate) -> impl Iterator<Item = u32> + '_ {
        self.finest.iter().map(move |d| d.period_code(date))
    }

    /// A table's key for a fine key and the finest period code.
    fn key(&self, t: &Table, fine: &[u32], code: u32) -> ([u32; MAX_KEY], usize) {
        let mut key = [0u32; MAX_KEY];
        for (slot, part) in key.iter_mut().zip(&t.parts) {
            *slot = match *part {
                Part::Fine(i) => fine.get(i).copied().unwrap_or(0),
                Part::Date(d) => self.finest.map_or(0, |f| coarsen(f, code, d)),
            };
        }
        let n = t.parts.len();
        key[n] = fine.get(self.measure_at).copied().unwrap_or(0);
        (key, n + 1)
    }

    /// A fine key followed by [`Sets::date_codes`] as each set's key, in text.
    pub fn keys_of(&self, key: &[u32], interner: &Interner) -> Vec<Key> {
        let (fine, codes) = key.split_at((self.measure_at + 1).min(key.len()));
        let code = codes.first().copied().unwrap_or(0);
        self.tables
            .iter()
            .map(|t| {
                let (k, n) = self.key(t, fine, code);
                t.groups.key_value(&k[..n], interner)
            })
            .collect()
    }

    /// Every set's groups, in text: the compact table projected onto each set.
    pub fn into_groups(mut self, fine: &LocalGroups, interner: &Interner) -> Result<Vec<Groups>> {
        let cells = std::mem::take(&mut self.cells);
        let mut tables = std::mem::take(&mut self.tables);
        for (at, acc) in &cells {
            let (slot, code) = ((at >> 32) as u32, *at as u32);
            let fine_key = fine.key_of(slot);
            for t in &mut tables {
                let (key, n) = self.key(t, fine_key, code);
                let s = t.groups.slot_of(&key[..n]);
                t.groups.add_acc(s, acc)?;
            }
        }
        tables
            .into_iter()
            .map(|t| t.groups.into_groups(interner))
            .collect()
    }
}

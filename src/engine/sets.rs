//! Grouping sets: several groupings of the same rows, added up in the one pass over the ledgers
//! (what SQL calls `GROUPING SETS`). A report with many sections (by unit, by area, by month…)
//! reads its ledgers once and gets every section's totals, without the cross product of all
//! their dimensions, whose groups would grow with the data (by unit × area × field × source ×
//! model × month, a 5,000,000-row ledger has hundreds of thousands).
//!
//! Each worker still adds every row into the plan's own grouping (the "fine" one: the fast lane
//! remembers its slots); a set's key is then a function of the fine group's key and, for a
//! period the fine grouping does not have (the year or month of a fine grouping with no period),
//! of the row's date. Keeping periods out of the fine grouping keeps it, and the fast lane's
//! memo, as small as the distinct text combinations. Each set remembers, per fine slot, the group
//! its last period code went to (two ways, so two consecutive years both stay remembered): a row
//! then costs one array read and one addition per set. Only the sets are turned into text at the
//! end; the fine groups, which can be many, never are.

use crate::aggregate::{Grouping, Groups, LocalGroups};
use crate::domain::{Dim, Key};
use crate::ledger::intern::Interner;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Where one value of a set's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The value at this index of the fine key.
    Fine(usize),
    /// The row's period in this dimension.
    Date(Dim),
}

/// Not yet known.
const NONE: u32 = u32::MAX;

/// Set keys are short: a few dimensions and the measure.
const MAX_KEY: usize = 12;

struct Table {
    parts: Vec<Part>,
    /// The one period this set takes from the date, if it takes one (its code picks the way).
    dated: Option<Dim>,
    /// Per fine slot and way: the period code last seen and this set's slot for it
    /// ([`NONE`] until first seen).
    direct: Vec<(u32, u32)>,
    groups: LocalGroups,
}

/// Ways per fine slot in [`Table::direct`]: consecutive years or months fall in different ways.
const WAYS: usize = 2;

/// One worker's grouping sets.
pub struct Sets {
    /// The index of the measure in a fine key (the number of fine dimensions).
    measure_at: usize,
    tables: Vec<Table>,
    /// The periods some set takes from the date, in a fixed order: a row waiting for its
    /// amount's reading (two ways) keeps their codes after its fine key.
    dated: Vec<Dim>,
}

impl Sets {
    /// Sets of `dims` over the fine grouping `fine`: each set's text dimensions must be among the
    /// fine ones (its periods may be any).
    pub fn new(fine: &Grouping, sets: &[Vec<Dim>]) -> Result<Sets> {
        let mut dated = Vec::new();
        let mut tables = Vec::new();
        for dims in sets {
            if dims.len() + 1 > MAX_KEY {
                bail!(
                    "internal error: a grouping set of {} dimensions",
                    dims.len()
                );
            }
            let mut parts = Vec::new();
            for &d in dims {
                parts.push(match fine.dims.iter().position(|&f| f == d) {
                    Some(i) => Part::Fine(i),
                    None if d.is_period() => {
                        if !dated.contains(&d) {
                            dated.push(d);
                        }
                        Part::Date(d)
                    }
                    None => bail!("internal error: grouping set by {d} over a grouping without it"),
                });
            }
            let dated_parts: Vec<Dim> = parts
                .iter()
                .filter_map(|p| match p {
                    Part::Date(d) => Some(*d),
                    Part::Fine(_) => None,
                })
                .collect();
            if dated_parts.len() > 1 {
                bail!("internal error: a grouping set with two periods from the date");
            }
            tables.push(Table {
                dated: dated_parts.first().copied(),
                parts,
                direct: Vec::new(),
                groups: LocalGroups::new(Grouping {
                    dims: dims.clone(),
                    depth: None,
                }),
            });
        }
        Ok(Sets {
            measure_at: fine.dims.len(),
            tables,
            dated,
        })
    }

    /// Adds one counted row, which went to fine group `slot`, to every set.
    #[inline]
    pub fn add(
        &mut self,
        fine: &LocalGroups,
        slot: u32,
        date: NaiveDate,
        amount: Decimal,
    ) -> Result<()> {
        let measure_at = self.measure_at;
        for t in &mut self.tables {
            let code = t.dated.map_or(0, |d| d.period_code(date));
            let at = slot as usize * WAYS + code as usize % WAYS;
            let s = match t.direct.get(at) {
                Some(&(c, s)) if c == code && s != NONE => s,
                _ => {
                    let fine_key = fine.key_of(slot);
                    let (key, n) = t.key(fine_key, measure_at, |d| d.period_code(date));
                    let s = t.groups.slot_of(&key[..n]);
                    if t.direct.len() <= at {
                        t.direct.resize((slot as usize + 1) * WAYS, (0, NONE));
                    }
                    t.direct[at] = (code, s);
                    s
                }
            };
            t.groups.add_to(s, amount)?;
        }
        Ok(())
    }

    /// The period codes of `date` that dated sets need, to keep after a fine key.
    pub fn date_codes(&self, date: NaiveDate) -> impl Iterator<Item = u32> + '_ {
        self.dated.iter().map(move |d| d.period_code(date))
    }

    /// A fine key followed by [`Sets::date_codes`] as each set's key, in text.
    pub fn keys_of(&self, key: &[u32], interner: &Interner) -> Vec<Key> {
        let (fine, codes) = key.split_at((self.measure_at + 1).min(key.len()));
        self.tables
            .iter()
            .map(|t| {
                let (k, n) = t.key(fine, self.measure_at, |d| {
                    let i = self.dated.iter().position(|&x| x == d).unwrap_or(0);
                    codes.get(i).copied().unwrap_or(0)
                });
                t.groups.key_value(&k[..n], interner)
            })
            .collect()
    }

    /// Every set's groups, in text.
    pub fn into_groups(self, interner: &Interner) -> Result<Vec<Groups>> {
        self.tables
            .into_iter()
            .map(|t| t.groups.into_groups(interner))
            .collect()
    }
}

impl Table {
    /// This set's key for a fine key, with dated parts from `code`.
    fn key(
        &self,
        fine: &[u32],
        measure_at: usize,
        code: impl Fn(Dim) -> u32,
    ) -> ([u32; MAX_KEY], usize) {
        let mut key = [0u32; MAX_KEY];
        for (slot, part) in key.iter_mut().zip(&self.parts) {
            *slot = match *part {
                Part::Fine(i) => fine.get(i).copied().unwrap_or(0),
                Part::Date(d) => code(d),
            };
        }
        let n = self.parts.len();
        key[n] = fine.get(measure_at).copied().unwrap_or(0);
        (key, n + 1)
    }
}

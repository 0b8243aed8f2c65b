//! Grouping sets: several groupings of the same rows, added up in the one pass over the ledgers
//! (what SQL calls `GROUPING SETS`). A report with many sections (by unit, by area, by month…)
//! reads its ledgers once and gets every section's totals.
//!
//! Each worker adds every row into the plan's own grouping (the "fine" one: the fast lane
//! remembers its slots), which holds every text dimension the sets use but no period, so it and
//! the fast lane's memo hold only the distinct combinations of names. Beside it, a row is added
//! into a plain array indexed by its fine slot and its year (two ways per slot, so the two years
//! a report compares never evict each other): no hashing, one addition. Sets keyed by the fine
//! key's names and the year are made from that array at the end. A set with a finer period (by
//! month) is keyed by its own few values and the measure, so its table is tiny and each row adds
//! to it through one small map of (finest period, measure) sums, shared by every such set and
//! projected onto each at the end. Only the sets are turned into text; the cross product of
//! every dimension is never built.

use crate::aggregate::{Acc, Grouping, Groups, LocalGroups};
use crate::domain::amount::{Exact, POW10_I128};
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
    /// Takes a period finer than the year from the date: added to row by row.
    per_row: bool,
    groups: LocalGroups,
}

/// A way whose fine group's measure is not looked up yet.
const NO_MEASURE: u32 = u32::MAX;

/// Ways per fine slot in the year array: two consecutive years fall in different ways.
const WAYS: usize = 2;

/// A year's code and sum in the year array; `code` 0 is a free way. The fine group's measure
/// is kept beside it, so a row never has to look its fine key up. The sum is `units ×
/// 10^-scale` in 128 bits while it fits (a ledger's sums fit many times over); a row that
/// would not fit is added to an [`Exact`] beside the array instead. 32 bytes: a fine group's
/// two years share one cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
struct YearCell {
    units: i128,
    count: u32,
    code: u32,
    measure: u32,
    scale: u8,
}

const _: () = assert!(size_of::<YearCell>() * WAYS == 64);

impl YearCell {
    /// Adds one row of `amount`; false, changing nothing, when the sum or the count would no
    /// longer fit.
    #[inline(always)]
    fn add(&mut self, amount: Decimal) -> bool {
        let (m, scale) = (amount.mantissa(), amount.scale().min(28) as u8);
        let units = self.units;
        let sum = if scale <= self.scale {
            m.checked_mul(POW10_I128[usize::from(self.scale - scale)])
                .and_then(|m| units.checked_add(m))
        } else {
            units
                .checked_mul(POW10_I128[usize::from(scale - self.scale)])
                .and_then(|u| u.checked_add(m))
        };
        match (sum, self.count.checked_add(1)) {
            (Some(sum), Some(count)) => {
                self.units = sum;
                self.scale = self.scale.max(scale);
                self.count = count;
                true
            }
            _ => false,
        }
    }

    fn acc(&self) -> Acc {
        Acc {
            total: Exact::from_units(self.units, u32::from(self.scale)),
            count: u64::from(self.count),
        }
    }
}

/// A fine group's year cells, on one cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Ways([YearCell; WAYS]);

/// One worker's grouping sets.
pub struct Sets {
    /// The index of the measure in a fine key (the number of fine dimensions).
    measure_at: usize,
    tables: Vec<Table>,
    /// The finest period the sets take from the date; every other one is made from it.
    finest: Option<Dim>,
    /// Whether a set takes the year from the date (the year array is kept).
    by_year: bool,
    /// Fine slot → the year and sum of its rows, in each way.
    years: Vec<Ways>,
    /// (fine slot, year) for a third year of one slot (a window wider than two years), and for
    /// the rows that would take a year cell's sum past 128 bits.
    more_years: FxHashMap<u64, Acc>,
    /// (code of the finest period, measure) → the sum of its rows, for the sets with a period
    /// finer than the year: a few dozen sums, so each row costs one lookup in cache rather than
    /// a key made and looked up per set.
    by_period: FxHashMap<u64, Acc>,
}

/// The way of the year `year` in a fine group's [`Ways`].
#[inline(always)]
fn way(year: u32) -> usize {
    year as usize % WAYS
}

/// The code in `to` of the period whose code in `from` is `code` (`to` no finer than `from`).
fn coarsen(from: Dim, code: u32, to: Dim) -> u32 {
    if from == to {
        // Every year cell of a report comes here once per set: no date to make.
        return code;
    }
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
                bail!(
                    "internal error: a grouping set of {} dimensions",
                    dims.len()
                );
            }
            let mut parts = Vec::new();
            for &d in dims {
                parts.push(match fine.dims.iter().position(|&f| f == d) {
                    Some(_) if d.is_period() => {
                        bail!("internal error: grouping sets over a grouping with a period")
                    }
                    Some(i) => Part::Fine(i),
                    None if d.is_period() => {
                        // `Dim` orders its periods coarse to fine: year, quarter, month.
                        if finest.is_none_or(|f| d > f) {
                            finest = Some(d);
                        }
                        Part::Date(d)
                    }
                    None => bail!("internal error: grouping set by {d} over a grouping without it"),
                });
            }
            tables.push(Table {
                per_row: parts
                    .iter()
                    .any(|p| matches!(p, Part::Date(d) if *d != Dim::Year)),
                parts,
                groups: LocalGroups::new(Grouping {
                    dims: dims.clone(),
                    depth: None,
                }),
            });
        }
        for t in &tables {
            if t.per_row && t.parts.iter().any(|p| matches!(p, Part::Fine(_))) {
                // Keyed by names and a month, such a set is a cross product of its own: fine
                // for a few dimensions, but not what the year array is for.
                bail!("internal error: a grouping set by names and a period finer than the year");
            }
        }
        Ok(Sets {
            measure_at: fine.dims.len(),
            by_year: tables.iter().any(|t| !t.per_row),
            tables,
            finest,
            years: Vec::new(),
            more_years: FxHashMap::default(),
            by_period: FxHashMap::default(),
        })
    }

    /// Starts loading the year cells of fine group `slot` (both ways: one cache line), which a
    /// row is to be added to soon ([`Sets::add`]).
    #[inline(always)]
    pub fn prefetch(&self, slot: u32) {
        if let Some(ways) = self.years.get(slot as usize) {
            crate::prefetch::read(ways);
        }
    }

    /// Adds one counted row, which went to fine group `slot`, with the fine key `fine`.
    #[inline]
    pub fn add(
        &mut self,
        slot: u32,
        fine: &LocalGroups,
        date: NaiveDate,
        amount: Decimal,
    ) -> Result<()> {
        let year = Dim::Year.period_code(date);
        if self.years.len() <= slot as usize {
            let unknown = YearCell {
                measure: NO_MEASURE,
                ..YearCell::default()
            };
            self.years.resize(slot as usize + 1, Ways([unknown; WAYS]));
        }
        let cell = &mut self.years[slot as usize].0[way(year)];
        if cell.measure == NO_MEASURE {
            cell.measure = fine.key_of(slot).get(self.measure_at).copied().unwrap_or(0);
        }
        let measure = cell.measure;
        if self.by_year {
            let mine = cell.code == year || cell.code == 0;
            if mine {
                cell.code = year;
            }
            if !(mine && cell.add(amount)) {
                // A third year, or a sum past 128 bits: an exact sum beside.
                self.more_years
                    .entry(u64::from(slot) << 32 | u64::from(year))
                    .or_default()
                    .add(amount, 1)?;
            }
        }
        if let Some(finest) = self.finest.filter(|d| *d != Dim::Year) {
            let code = finest.period_code(date);
            (self.by_period)
                .entry(u64::from(code) << 32 | u64::from(measure))
                .or_default()
                .add(amount, 1)?;
        }
        Ok(())
    }

    /// The period code of `date` the sets need, to keep after a fine key (rows whose amount
    /// waits for its reading).
    pub fn date_codes(&self, date: NaiveDate) -> impl Iterator<Item = u32> + '_ {
        self.finest.iter().map(move |d| d.period_code(date))
    }

    /// A table's key for a fine key, a period code (of `finest`, or a year) and the measure.
    fn key(&self, t: &Table, fine: &[u32], code: u32, measure: u32) -> ([u32; MAX_KEY], usize) {
        let from = if t.per_row {
            self.finest.unwrap_or(Dim::Year)
        } else {
            Dim::Year
        };
        let mut key = [0u32; MAX_KEY];
        for (slot, part) in key.iter_mut().zip(&t.parts) {
            *slot = match *part {
                Part::Fine(i) => fine.get(i).copied().unwrap_or(0),
                Part::Date(d) => coarsen(from, code, d),
            };
        }
        let n = t.parts.len();
        key[n] = measure;
        (key, n + 1)
    }

    /// A fine key followed by [`Sets::date_codes`] as each set's key, in text.
    pub fn keys_of(&self, key: &[u32], interner: &Interner) -> Vec<Key> {
        let (fine, codes) = key.split_at((self.measure_at + 1).min(key.len()));
        let code = codes.first().copied().unwrap_or(0);
        let finest = self.finest.unwrap_or(Dim::Year);
        let measure = fine.get(self.measure_at).copied().unwrap_or(0);
        self.tables
            .iter()
            .map(|t| {
                let code = if t.per_row {
                    code
                } else {
                    coarsen(finest, code, Dim::Year)
                };
                let (k, n) = self.key(t, fine, code, measure);
                t.groups.key_value(&k[..n], interner)
            })
            .collect()
    }

    /// Every set's groups, in text: the compact table projected onto each set.
    pub fn into_groups(mut self, fine: &LocalGroups, interner: &Interner) -> Result<Vec<Groups>> {
        let years = std::mem::take(&mut self.years);
        let more = std::mem::take(&mut self.more_years);
        let cells = years
            .iter()
            .enumerate()
            .flat_map(|(slot, ways)| ways.0.iter().map(move |c| (slot as u32, c)))
            .filter(|(_, c)| c.code != 0)
            .map(|(slot, c)| (slot, c.code, c.acc()))
            .chain(
                more.iter()
                    .map(|(at, acc)| ((at >> 32) as u32, *at as u32, *acc)),
            );
        let mut tables = std::mem::take(&mut self.tables);
        for (&at, acc) in &self.by_period {
            let (code, measure) = ((at >> 32) as u32, at as u32);
            for t in tables.iter_mut().filter(|t| t.per_row) {
                let (key, n) = self.key(t, &[], code, measure);
                let s = t.groups.slot_of(&key[..n]);
                t.groups.add_acc(s, acc)?;
            }
        }
        for (slot, year, acc) in cells {
            let fine_key = fine.key_of(slot);
            let measure = fine_key.get(self.measure_at).copied().unwrap_or(0);
            for t in tables.iter_mut().filter(|t| !t.per_row) {
                let (key, n) = self.key(t, fine_key, year, measure);
                let s = t.groups.slot_of(&key[..n]);
                t.groups.add_acc(s, &acc)?;
            }
        }
        tables
            .into_iter()
            .map(|t| t.groups.into_groups(interner))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Period, Value};
    use proptest::prelude::*;

    const MEASURES: [&str; 3] = ["VND", "workday", "m2"];

    fn day_of(day: u16) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Days::new(u64::from(day))
    }

    /// Each set's groups of `rows` (unit, day from 2023-01-01, measure, amount), added the
    /// plain way: one text key per row.
    fn plain(rows: &[(u8, u16, u8, Decimal)], sets: &[Vec<Dim>]) -> Vec<Groups> {
        sets.iter()
            .map(|dims| {
                let mut g = Groups::new(dims.clone());
                for &(u, day, m, v) in rows {
                    let date = day_of(day);
                    let values = (dims.iter())
                        .map(|&d| match d.period_of(date) {
                            Some(p) => Value::Period(p),
                            None => Value::Text(format!("u{u}")),
                        })
                        .collect();
                    let key = Key {
                        values,
                        measure: MEASURES[m as usize % 3].into(),
                    };
                    g.add(key, v, 1).unwrap();
                }
                g
            })
            .collect()
    }

    /// Mostly small amounts, some with decimals, and now and then the largest and smallest a
    /// `Decimal` holds or one of 28 decimals: with the others, they take a year cell's sum past
    /// 128 bits, and the rest of its rows go to the exact sums beside.
    fn amount() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            8 => (-1000i64..1000).prop_map(Decimal::from),
            2 => (-100_000i64..100_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => proptest::sample::select(vec![
                Decimal::MAX,
                Decimal::MIN,
                Decimal::from_i128_with_scale(1, 28),
                Decimal::from_i128_with_scale(-79_228_162_514_264_337_593_543_950_335, 28),
            ]),
        ]
    }

    proptest! {
        /// Rows added into the sets (by unit and year, by month, by quarter: the year array
        /// with its two ways and a third year beside it, and the small map of periods) give
        /// each set what adding every row as text gives, over three years.
        #[test]
        fn sets_are_the_plain_groups(
            rows in proptest::collection::vec((0u8..12, 0u16..1095, 0u8..3, amount()), 0..300),
        ) {
            let fine = Grouping { dims: vec![Dim::Unit], depth: None };
            let sets = vec![
                vec![Dim::Unit, Dim::Year],
                vec![Dim::Month],
                vec![Dim::Quarter],
            ];
            let mut s = Sets::new(&fine, &sets).unwrap();
            let mut groups = LocalGroups::new(fine.clone());
            let mut interner = Interner::default();
            for &(u, day, m, v) in &rows {
                let unit = interner.intern(&format!("u{u}"));
                let measure = interner.intern(MEASURES[m as usize % 3]);
                let slot = groups.slot_of(&[unit, measure]);
                s.add(slot, &groups, day_of(day), v).unwrap();
            }
            let got = s.into_groups(&groups, &interner).unwrap();
            prop_assert_eq!(got, plain(&rows, &sets));
        }
    }

    /// A year cell adds exactly while its sum fits 128 bits, at the finest scale it has met;
    /// a row that would take it past refuses, changing nothing.
    #[test]
    fn a_year_cell_refuses_what_would_not_fit() {
        let fitting = [
            Decimal::new(15, 1),
            Decimal::from(-3),
            Decimal::new(-25, 2),
            Decimal::from_i128_with_scale(7, 10),
        ];
        let mut cell = YearCell::default();
        let mut want = Exact::ZERO;
        for d in fitting {
            assert!(cell.add(d), "{d}");
            want.add(d).unwrap();
        }
        assert_eq!((cell.acc().total, cell.acc().count), (want, 4));
        assert_eq!(cell.scale, 10);
        // 2^96 units times 10^10 is past 2^127.
        assert!(!cell.add(Decimal::MAX));
        assert_eq!((cell.acc().total, cell.acc().count), (want, 4));
        assert!(cell.add(Decimal::ONE));
        want.add(Decimal::ONE).unwrap();
        assert_eq!((cell.acc().total, cell.acc().count), (want, 5));
        // Down to the smallest sum 128 bits hold, and not one unit further.
        let near = i128::MIN + 5;
        let mut low = YearCell {
            units: near,
            ..YearCell::default()
        };
        assert_eq!(low.units, near);
        assert!(low.add(Decimal::from(-5)));
        assert_eq!(low.units, i128::MIN);
        assert!(!low.add(Decimal::NEGATIVE_ONE));
        assert_eq!((low.units, low.count), (i128::MIN, 1));
        // And a count past 32 bits refuses too.
        let mut many = YearCell {
            count: u32::MAX,
            ..YearCell::default()
        };
        assert!(!many.add(Decimal::ONE));
        assert_eq!(many.units, 0);
    }

    /// The rows of two years of one fine group are added in its cells of the year array; only a
    /// third year, or a row that would take a cell past 128 bits, goes to the exact sums beside.
    #[test]
    fn two_years_stay_in_the_array() {
        let fine = Grouping {
            dims: vec![Dim::Unit],
            depth: None,
        };
        let mut s = Sets::new(&fine, &[vec![Dim::Unit, Dim::Year]]).unwrap();
        let mut groups = LocalGroups::new(fine.clone());
        let mut interner = Interner::default();
        let key = [interner.intern("u"), interner.intern("VND")];
        let slot = groups.slot_of(&key);
        let on = |y: i32| NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
        for (year, amount) in [(2023, 1), (2024, 2), (2023, 3), (2024, 4)] {
            s.add(slot, &groups, on(year), Decimal::from(amount))
                .unwrap();
        }
        assert!(s.more_years.is_empty());
        let ways = s.years[slot as usize].0;
        let mut years: Vec<_> = ways.iter().map(|c| (c.code, c.units, c.count)).collect();
        years.sort_unstable();
        assert_eq!(years, [(2023, 4, 2), (2024, 6, 2)]);
        s.add(slot, &groups, on(2025), Decimal::ONE).unwrap();
        assert_eq!(s.more_years.len(), 1);
        s.add(
            slot,
            &groups,
            on(2024),
            Decimal::from_i128_with_scale(1, 28),
        )
        .unwrap();
        s.add(slot, &groups, on(2024), Decimal::MAX).unwrap();
        assert_eq!(s.more_years.len(), 2);
    }

    /// A finer period's code gives the coarser period it lies in.
    #[test]
    fn a_period_is_coarsened_to_the_one_it_lies_in() {
        assert_eq!(coarsen(Dim::Month, 202_411, Dim::Quarter), 20_244);
        assert_eq!(coarsen(Dim::Month, 202_411, Dim::Year), 2024);
        assert_eq!(coarsen(Dim::Quarter, 20_243, Dim::Year), 2024);
        for (dim, code) in [
            (Dim::Year, 2024),
            (Dim::Quarter, 20_244),
            (Dim::Month, 202_412),
        ] {
            assert_eq!(coarsen(dim, code, dim), code, "{dim}");
        }
        assert_eq!(
            Period::from_code(Dim::Quarter, coarsen(Dim::Month, 202_407, Dim::Quarter)),
            Period::Quarter(2024, 3)
        );
    }
}

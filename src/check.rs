//! What `check` finds beyond invalid rows, as warnings: spellings of one name that differ only in
//! case or accents, registry models nobody contributed to, rows that appear twice (row numbers
//! and notes aside), model ids that could not be checked because no registry was given, the same
//! input read twice on purpose, rows with no unit or area amid rows that have one (cells merged
//! in Excel), dates years away from the rest of their file, and amounts over 1,000 times the
//! median of their unit and measure.
//!
//! The observer collects per reading thread what these need, in memory that grows with distinct
//! values (names, years, units, magnitudes), plus 6 bytes per row (4 more while they are bucketed,
//! see [`prints`]) and 4 per 8 rows (where a row starts in its file); gathering is the same
//! whichever thread saw which row, rows whose fingerprints repeat are read again and compared
//! ([`confirm`]), and the warnings are pure
//! functions of what was gathered.

mod prints;
mod runs;

use crate::domain::amount::POW10_U64;
use crate::domain::text::fold_accents;
use crate::domain::{Dim, YEARS};
use crate::engine::fingerprint::{self, ROLES};
use crate::engine::observe::{Known, Observe, Observer, TALLY};
use crate::engine::{MAX_LISTED, Place};
use crate::ledger::intern::{EMPTY, Interner, Sym};
use crate::ledger::number::Convention;
use crate::ledger::record::Record;
use crate::ledger::registry::Registry;
use crate::ledger::row::Layout;
use crate::ledger::source::Source;
use crate::ledger::table::ReadOptions;
use crate::ledger::{Col, Contribution};
use crate::problem::{Kind, Problem, Sameness, Spelling};
use chrono::{Datelike, NaiveDate};
use prints::{Prints, Repeated};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::any::Any;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a text value was first seen and how often, for the spelling warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub rows: u64,
    pub file_index: usize,
    pub line: u64,
}

/// What `check` looks for beyond problems, gathered from every reading thread.
#[derive(Debug, Clone, Default)]
pub struct CheckData {
    /// Every text value per dimension (after the model join), with its first place.
    pub values: BTreeMap<(Dim, String), Seen>,
    /// Each thread's row fingerprints (the fields as written, row numbers and notes aside),
    /// with whether the row has no unit ([`NO_UNIT`]) or no area ([`NO_AREA`]) after the model
    /// join: these follow from the fields, so rows written alike still have equal keys. Emptied
    /// by [`gather`].
    pub prints: Vec<Prints>,
    /// Rows whose key another row shares, in place order, with their key: duplicates, or a
    /// collision of hashes that [`confirm`] tells apart.
    pub candidates: Vec<(u64, Place)>,
    /// Where some rows start in their files ([`prints::Anchor`]), in place order: candidates
    /// are read again from the anchor before them. Taken from `prints` by [`gather`].
    pub anchors: Vec<prints::Anchor>,
    /// Rows written alike, each run in place order: found by [`confirm`].
    pub duplicates: Vec<Vec<Place>>,
    /// Per file: the fields its fingerprints are made of, to compare rows read again.
    pub kept: BTreeMap<usize, Kept>,
    /// Per file and year: how many rows, and the earliest of them.
    pub years: BTreeMap<(usize, i32), YearRows>,
    /// Per unit and measure (as text): how the amounts spread, and the largest.
    pub amounts: BTreeMap<(String, String), Spread>,
    /// The same for amounts that read two ways, per file, both ways (`[vi, en]`), until the
    /// file's convention says which.
    pub two_ways: BTreeMap<(usize, String, String), [Spread; 2]>,
    /// Per file: its columns' names as written, for messages.
    pub columns: BTreeMap<usize, FileColumns>,
    /// Runs of rows with no unit or area between rows that have one, found by [`gather`].
    pub runs: Vec<EmptyRun>,
}

/// The fields of a file's rows that make their fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// All but row numbers and notes; `None`: all.
    fields: Option<Box<[usize]>>,
    /// How many fields its rows have: a row with another count is fingerprinted whole.
    width: usize,
    /// Where each column of [`ROLES`] is, in that order (`None`: the file has none).
    roles: [Option<usize>; ROLES.len()],
    /// The kept fields that are none of [`ROLES`]: hashed by their place.
    others: Box<[usize]>,
}

/// Rows of a file with no unit (or area) between rows that have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptyRun {
    pub column: Col,
    pub file: usize,
    /// Their first and last lines, and how many.
    pub first: u64,
    pub last: u64,
    pub rows: u64,
    /// The lines of the rows around them.
    pub before: u64,
    pub after: u64,
}

/// A file's columns as its header names them (or the English name when it has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileColumns {
    pub unit: String,
    pub area: String,
    pub date: String,
    pub amount: String,
}

pub const NO_UNIT: u64 = 1;
pub const NO_AREA: u64 = 2;

/// How many rows of one far year are named; the rest are counted.
const FAR_LISTED: usize = 1_000;
/// How many of the largest amounts of one unit and measure are kept to be named.
const TOP: usize = 32;
/// Years at most this far apart belong to one stretch of a file's dates.
const YEAR_GAP: i32 = 2;
/// An amount is named when it is at least this many times its unit and measure's median…
const OUTLIER: i64 = 1_000;
/// …among at least this many non-zero amounts.
const OUTLIER_ROWS: u64 = 3;

/// The rows of one year in one file: how many, and the earliest (with their dates).
#[derive(Debug, Clone, Default)]
pub struct YearRows {
    pub rows: u64,
    first: Vec<(Place, NaiveDate)>,
    /// Once `first` is full: its latest place; later ones are not kept.
    limit: Option<Place>,
}

impl YearRows {
    fn add(&mut self, place: Place, date: NaiveDate) {
        self.rows += 1;
        if self.limit.is_some_and(|l| place > l) {
            return;
        }
        self.first.push((place, date));
        if self.first.len() >= 2 * FAR_LISTED {
            self.cut();
        }
    }

    /// Keeps the earliest [`FAR_LISTED`], whatever order they came in.
    fn cut(&mut self) {
        self.first.sort_unstable();
        self.first.truncate(FAR_LISTED);
        if self.first.len() == FAR_LISTED {
            self.limit = self.first.last().map(|f| f.0);
        }
    }

    fn merge(&mut self, other: YearRows) {
        self.rows += other.rows;
        self.first.extend(other.first);
        self.cut();
    }
}

/// How the non-zero amounts of one unit and measure spread. A unit with few amounts keeps every
/// one's magnitude (two significant digits, see [`magnitude`]); a big one, those of a fixed
/// sample of its rows (one in [`SAMPLE`], picked by the row's fingerprint, so the same rows
/// whatever the threads): enough for a median, at a cost per row of a few instructions. The
/// [`TOP`] largest amounts are kept exactly, with their places.
#[derive(Debug, Clone, Default)]
pub struct Spread {
    /// How many non-zero amounts.
    pub rows: u64,
    /// Every magnitude, while fewer than [`SMALL`] amounts were seen (all of them once gathered,
    /// when the unit has fewer than [`SMALL`] in all).
    pub all: Vec<i32>,
    /// The magnitudes of the sample, counted.
    pub sampled: BTreeMap<i32, u64>,
    /// Largest first; among equal amounts, the earliest first.
    pub top: Vec<(Decimal, Place)>,
}

/// Below this many amounts a unit's median is taken from all of them.
const SMALL: u64 = 512;
/// Above it, from one row in this many.
const SAMPLE: u64 = 16;
/// Sampled magnitudes a unit keeps uncounted ([`LocalSpread::new_samples`]).
const SAMPLED_BATCH: usize = 64;

/// The order of [`Spread::top`].
fn rank(e: &(Decimal, Place)) -> (Reverse<Decimal>, Place) {
    (Reverse(e.0), e.1)
}

/// Offers an amount to a largest-first list of at most [`TOP`].
fn offer(top: &mut Vec<(Decimal, Place)>, amount: Decimal, place: Place) {
    let entry = (amount, place);
    if top.len() == TOP && top.last().is_none_or(|last| rank(&entry) >= rank(last)) {
        return;
    }
    insert(top, entry);
}

fn insert(top: &mut Vec<(Decimal, Place)>, entry: (Decimal, Place)) {
    let at = top.partition_point(|e| rank(e) < rank(&entry));
    top.insert(at, entry);
    top.truncate(TOP);
}

/// An amount's size to two significant digits, as a number that sorts like the amounts:
/// `e * 100 + d` for an absolute value `0.d… × 10^e` (`d` its first two digits, 10–99).
/// `None` for zero.
pub fn magnitude(amount: Decimal) -> Option<i32> {
    let parts = amount.unpack();
    let (digits, lead) = if parts.hi == 0 {
        // Nearly every amount: the mantissa fits 64 bits.
        let m = (u64::from(parts.mid) << 32) | u64::from(parts.lo);
        if m == 0 {
            return None;
        }
        let digits = m.ilog10() as i32 + 1;
        let lead = if digits >= 2 {
            m / POW10_U64[(digits - 2) as usize]
        } else {
            m * 10
        };
        (digits, lead)
    } else {
        let m = amount.mantissa().unsigned_abs();
        let digits = m.ilog10() as i32 + 1;
        (digits, (m / 10u128.pow((digits - 2) as u32)) as u64)
    };
    Some((digits - parts.scale as i32) * 100 + lead as i32)
}

/// The least amount of magnitude `key` (`upper`: the least of the next one up).
fn magnitude_bound(key: i32, upper: bool) -> Option<Decimal> {
    let (e, lead) = (key.div_euclid(100), key.rem_euclid(100) + i32::from(upper));
    let shift = e - 2;
    if shift >= 0 {
        let n = i128::from(lead).checked_mul(10i128.checked_pow(shift as u32)?)?;
        Decimal::try_from_i128_with_scale(n, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(i128::from(lead), (-shift) as u32).ok()
    }
}

/// The dimensions whose values are compared for spellings.
const CHECKED_DIMS: [Dim; 6] = [
    Dim::Unit,
    Dim::Area,
    Dim::Field,
    Dim::Source,
    Dim::Model,
    Dim::Measure,
];

/// One thread's spread of amounts for one unit and measure.
#[derive(Default)]
struct LocalSpread {
    rows: u64,
    all: Vec<i32>,
    /// The sample's magnitudes as they come, counted into `sampled` once [`SAMPLED_BATCH`]
    /// wait: a unit's counts are seldom in cache when its next sampled row comes, and an
    /// append does not wait on memory as a lookup does.
    new_samples: Vec<i32>,
    sampled: FxHashMap<i32, u64>,
    top: Vec<(Decimal, Place)>,
    /// Once `top` is full: its least amount; most rows are not above it. With its scale and
    /// 64-bit mantissa when it has one, for a comparison without rescaling.
    floor: Option<(Decimal, Option<(u32, u64)>)>,
}

/// An amount's scale and mantissa, when the mantissa fits 64 bits.
fn small(a: Decimal) -> Option<(u32, u64)> {
    let p = a.unpack();
    (p.hi == 0).then(|| (p.scale, (u64::from(p.mid) << 32) | u64::from(p.lo)))
}

/// `a <= b` for amounts not negative (`fast`: `small(b)`), without rescaling when they share a
/// scale, as the amounts of one file nearly always do.
fn at_most(a: Decimal, b: Decimal, fast: Option<(u32, u64)>) -> bool {
    match (small(a), fast) {
        (Some((sa, ma)), Some((sb, mb))) if sa == sb => ma <= mb,
        _ => a <= b,
    }
}

impl LocalSpread {
    /// A non-zero amount (made positive), at `place`; `sampled` when its row is in the sample.
    #[inline(always)]
    fn add(&mut self, amount: Decimal, place: Place, sampled: bool) {
        self.rows += 1;
        if self.rows < SMALL {
            self.all.extend(magnitude(amount));
        } else if self.rows == SMALL {
            self.all = Vec::new();
        }
        if sampled && let Some(key) = magnitude(amount) {
            self.new_samples.push(key);
            if self.new_samples.len() >= SAMPLED_BATCH {
                self.count_samples();
            }
        }
        if let Some((floor, fast)) = self.floor
            && at_most(amount, floor, fast)
        {
            return;
        }
        offer(&mut self.top, amount, place);
        if self.top.len() == TOP {
            self.floor = self.top.last().map(|(a, _)| (*a, small(*a)));
        }
    }

    /// Counts the magnitudes waiting in `new_samples`.
    fn count_samples(&mut self) {
        for &key in &self.new_samples {
            *self.sampled.entry(key).or_default() += 1;
        }
        self.new_samples.clear();
    }

    fn into_spread(mut self) -> Spread {
        self.count_samples();
        Spread {
            rows: self.rows,
            all: self.all,
            sampled: self.sampled.into_iter().collect(),
            top: self.top,
        }
    }
}

/// One reading thread's observer.
#[derive(Default)]
struct Looker {
    /// Per checked dimension, by symbol: how many rows hold it. Rows the fast lane knows are
    /// counted per combination of names, in its tally, and added here when it comes back.
    counts: [Vec<u64>; CHECKED_DIMS.len()],
    /// The same: the first row that held it (the earliest of those counted).
    firsts: [Vec<Place>; CHECKED_DIMS.len()],
    prints: Prints,
    /// The last row's fingerprint, for its amounts read two ways.
    last_print: u64,
    /// Per file index, once one of its rows is seen.
    files: Vec<Option<FileState>>,
    columns: BTreeMap<usize, FileColumns>,
    spreads: Vec<LocalSpread>,
    /// By unit symbol: (measure symbol, index in `spreads`); symbols are small and dense, and a
    /// unit has a measure or two.
    spread_of: Vec<Vec<(Sym, usize)>>,
    /// The last (unit, measure) looked up, and its index.
    last_spread: Option<((Sym, Sym), usize)>,
    /// Amounts that read two ways, per (file, unit, measure), read both ways.
    two_ways: FxHashMap<(usize, Sym, Sym), [LocalSpread; 2]>,
    /// Rows whose year and amount are yet to be counted ([`Looker::settle`]).
    pending: Vec<Pending>,
}

/// What [`Looker::settle`] counts of a row.
#[derive(Clone, Copy)]
struct Pending {
    place: Place,
    amount: Decimal,
    date: NaiveDate,
    sampled: bool,
    /// Its unit and measure's spread: where in [`Looker::spreads`].
    spread: u32,
}

/// Rows counted together. Each row's counts go to small tables (per year, per unit), which
/// the reading of the row in between pushes out of the first-level cache; a row at a time,
/// nearly every count waited on memory. Counted a batch at a time, table by table, each table
/// is fetched once per batch.
const PENDING: usize = 128;

/// What a combination of names the fast lane knows keeps in its tally ([`Observer::known`]):
/// how many of its rows were seen, and where its spread is, plus one (0: not looked up yet).
/// The names are counted from it when the tally comes back, not row by row. Not its first row:
/// the lane knows a combination only from a row of this thread that went the slow way, counted
/// then by [`Observer::row`], and a thread reads its chunks in file order, so that row came
/// first.
struct Tally {
    rows: u64,
    spread: u32,
}

impl Tally {
    fn read(bytes: &[u8; TALLY]) -> Tally {
        let (rows, spread) = bytes.split_at(8);
        Tally {
            rows: u64::from_le_bytes(rows.try_into().unwrap_or_default()),
            spread: u32::from_le_bytes(spread.try_into().unwrap_or_default()),
        }
    }

    fn write(&self, bytes: &mut [u8; TALLY]) {
        bytes[..8].copy_from_slice(&self.rows.to_le_bytes());
        bytes[8..].copy_from_slice(&self.spread.to_le_bytes());
    }
}

/// A row's names, in the order of [`CHECKED_DIMS`].
fn names(row: &Contribution) -> [Sym; CHECKED_DIMS.len()] {
    CHECKED_DIMS.map(|dim| row.text_sym(dim))
}

/// What one thread keeps per file.
struct FileState {
    /// The fields a fingerprint is made of.
    kept: Kept,
    /// Per year from the first of [`YEARS`].
    years: Vec<YearRows>,
}

/// The observer `check` plugs into the engine.
pub fn observer() -> Observe {
    Arc::new(|| Box::new(Looker::default()) as Box<dyn Observer>)
}

/// Whether a header names a column of row numbers (`STT`, `TT`, `No.`, `#`, `Số TT`): two rows
/// that differ only in their number are still the same contribution written twice.
pub fn numbering(header: &str) -> bool {
    let folded = fold_accents(header.trim());
    matches!(
        folded.trim_end_matches('.').trim(),
        "stt" | "tt" | "no" | "#" | "so tt" | "so thu tu" | "thu tu"
    )
}

impl Looker {
    /// What is kept per file, the first time one of its rows is seen.
    fn learn_file(&mut self, fi: usize, layout: &Layout) {
        if self.files.len() <= fi {
            self.files.resize_with(fi + 1, || None);
        }
        let note = layout.index(Col::Note);
        let names = &layout.columns.names;
        let kept: Box<[usize]> = (0..names.len())
            .filter(|&i| Some(i) != note && !numbering(&names[i]))
            .collect();
        let size = (YEARS.end() - YEARS.start() + 1) as usize;
        self.files[fi] = Some(FileState {
            kept: Kept::new(kept, names.len(), ROLES.map(|col| layout.index(col))),
            years: (0..size).map(|_| YearRows::default()).collect(),
        });
        self.columns.insert(
            fi,
            FileColumns {
                unit: layout.name(Col::Unit),
                area: layout.name(Col::Area),
                date: layout.name(Col::Date),
                amount: layout.name(Col::Amount),
            },
        );
    }

    /// Where the spread of `unit` and `measure` is in `spreads`, made if need be.
    fn spread(&mut self, unit: Sym, measure: Sym) -> usize {
        if let Some((key, at)) = self.last_spread
            && key == (unit, measure)
        {
            return at;
        }
        let u = unit as usize;
        if self.spread_of.len() <= u {
            self.spread_of.resize_with(u + 1, Vec::new);
        }
        let at = match self.spread_of[u].iter().find(|(m, _)| *m == measure) {
            Some(&(_, at)) => at,
            None => {
                let at = self.spreads.len();
                self.spreads.push(LocalSpread::default());
                self.spread_of[u].push((measure, at));
                at
            }
        };
        self.last_spread = Some(((unit, measure), at));
        at
    }

    /// `rows` more rows hold the names `syms`, the first of them at `first` when told (rows of a
    /// tally are never the first: see [`Tally`]).
    fn count(&mut self, syms: [Sym; CHECKED_DIMS.len()], rows: u64, first: Option<Place>) {
        // Only a name never counted lacks a first row; a tally's names were all counted.
        let first_or_last = first.unwrap_or(Place::LAST);
        for (i, (counts, firsts)) in self.counts.iter_mut().zip(&mut self.firsts).enumerate() {
            let sym = syms[i] as usize;
            if sym == 0 {
                continue;
            }
            if counts.len() <= sym {
                counts.resize(sym + 1, 0);
                firsts.resize(sym + 1, first_or_last);
            }
            if let Some(first) = first
                && (counts[sym] == 0 || first < firsts[sym])
            {
                firsts[sym] = first;
            }
            counts[sym] += rows;
        }
    }

    /// What every valid row is looked at for but its names: its fingerprint now, its year and
    /// its amount (for the spread at `spread`) with the rows pending. `cells`: the sum of its
    /// cells of [`ROLES`] in the fingerprint, when the fast lane had it.
    #[inline(always)]
    fn look(
        &mut self,
        row: &Contribution,
        place: Place,
        record: &Record<'_>,
        layout: &Layout,
        (spread, cells): (usize, Option<u64>),
    ) {
        let fi = place.file_index();
        if self.files.get(fi).is_none_or(Option::is_none) {
            self.learn_file(fi, layout);
        }
        let Some(Some(file)) = self.files.get_mut(fi) else {
            return;
        };
        let empty =
            (u64::from(row.unit == EMPTY) * NO_UNIT) | (u64::from(row.area == EMPTY) * NO_AREA);
        let print = match cells {
            Some(cells) => file.kept.with_others(cells, record),
            None => file.kept.fingerprint(record),
        };
        self.prints.push_at(print, empty, place, || record.start());
        self.last_print = print;
        self.pending.push(Pending {
            place,
            amount: row.amount,
            date: row.date,
            sampled: in_sample(print),
            spread: spread as u32,
        });
        if self.pending.len() >= PENDING {
            self.settle();
        }
    }

    /// Counts the pending rows: their years, then their amounts.
    fn settle(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for p in &pending {
            let year = (p.date.year() - YEARS.start()) as usize;
            let file = self.files.get_mut(p.place.file_index());
            if let Some(y) = file.and_then(|f| f.as_mut()?.years.get_mut(year)) {
                y.add(p.place, p.date);
            }
        }
        for p in &pending {
            if !p.amount.is_zero()
                && let Some(spread) = self.spreads.get_mut(p.spread as usize)
            {
                spread.add(p.amount.abs(), p.place, p.sampled);
            }
        }
        self.pending = pending;
        self.pending.clear();
    }
}

impl Observer for Looker {
    fn chunk(&mut self, file_index: usize, first_line: u64, at: Option<u64>) {
        self.prints.chunk(file_index, first_line, at);
    }

    fn row(&mut self, row: &Contribution, place: Place, record: &Record<'_>, layout: &Layout) {
        self.count(names(row), 1, Some(place));
        let spread = self.spread(row.unit, row.measure);
        self.look(row, place, record, layout, (spread, None));
    }

    fn known(&mut self, known: Known<'_>, place: Place, record: &Record<'_>, layout: &Layout) {
        let Known { row, tally, print } = known;
        let mut t = Tally::read(tally);
        t.rows += 1;
        let spread = match t.spread.checked_sub(1) {
            Some(at) => at as usize,
            None => {
                let at = self.spread(row.unit, row.measure);
                t.spread = at as u32 + 1;
                at
            }
        };
        t.write(tally);
        self.look(row, place, record, layout, (spread, print));
    }

    fn tallied(&mut self, row: &Contribution, tally: &[u8; TALLY]) {
        let t = Tally::read(tally);
        if t.rows > 0 {
            self.count(names(row), t.rows, None);
        }
    }

    fn counted(&mut self, row: &Contribution, rows: u64) {
        self.count(names(row), rows, None);
    }

    fn two_ways(
        &mut self,
        row: &Contribution,
        place: Place,
        record: &Record<'_>,
        layout: &Layout,
        readings: [Decimal; 2],
    ) {
        self.row(row, place, record, layout);
        let spreads = self
            .two_ways
            .entry((place.file_index(), row.unit, row.measure))
            .or_default();
        let sampled = in_sample(self.last_print);
        for (spread, amount) in spreads.iter_mut().zip(readings) {
            if !amount.is_zero() {
                spread.add(amount.abs(), place, sampled);
            }
        }
    }

    fn finish(mut self: Box<Self>, interner: &Interner) -> Box<dyn Any + Send> {
        self.settle();
        let mut prints = self.prints;
        prints.seal();
        let mut data = CheckData {
            prints: vec![prints],
            columns: self.columns,
            ..CheckData::default()
        };
        for (i, dim) in CHECKED_DIMS.iter().enumerate() {
            let seen = self.counts[i].iter().zip(&self.firsts[i]).enumerate();
            for (sym, (&rows, first)) in seen.filter(|(_, (rows, _))| **rows > 0) {
                let seen = Seen {
                    rows,
                    file_index: first.file_index(),
                    line: first.line(),
                };
                data.values
                    .insert((*dim, interner.get(sym as Sym).to_string()), seen);
            }
        }
        for (fi, file) in self.files.into_iter().enumerate() {
            let Some(file) = file else { continue };
            data.kept.insert(fi, file.kept);
            for (i, y) in file.years.into_iter().enumerate() {
                if y.rows > 0 {
                    data.years.insert((fi, YEARS.start() + i as i32), y);
                }
            }
        }
        let mut spreads: Vec<Option<LocalSpread>> = self.spreads.into_iter().map(Some).collect();
        let found = self
            .spread_of
            .into_iter()
            .enumerate()
            .flat_map(|(unit, of)| {
                of.into_iter()
                    .map(move |(measure, at)| ((unit as Sym, measure), at))
            });
        for ((unit, measure), at) in found {
            let Some(local) = spreads.get_mut(at).and_then(Option::take) else {
                continue;
            };
            let spread = data
                .amounts
                .entry((
                    interner.get(unit).to_string(),
                    interner.get(measure).to_string(),
                ))
                .or_default();
            merge_spread(spread, local.into_spread());
        }
        for ((fi, unit, measure), [vi, en]) in self.two_ways {
            let both = data
                .two_ways
                .entry((
                    fi,
                    interner.get(unit).to_string(),
                    interner.get(measure).to_string(),
                ))
                .or_default();
            for (into, local) in both.iter_mut().zip([vi, en]) {
                merge_spread(into, local.into_spread());
            }
        }
        Box::new(data)
    }
}

/// Whether a row is in the sample big units take their median from: one in [`SAMPLE`], by its
/// fingerprint's high bits.
fn in_sample(print: u64) -> bool {
    print >> 60 < 16 / SAMPLE
}

fn merge_spread(into: &mut Spread, other: Spread) {
    into.rows += other.rows;
    if into.rows < SMALL {
        into.all.extend(other.all);
    } else {
        into.all = Vec::new();
    }
    for (k, n) in other.sampled {
        *into.sampled.entry(k).or_default() += n;
    }
    into.top.extend(other.top);
    into.top.sort_unstable_by_key(rank);
    into.top.truncate(TOP);
}

/// Every thread's findings as one, the same whichever thread saw which row.
pub fn gather(observed: Vec<Box<dyn Any + Send>>) -> CheckData {
    let mut all = CheckData::default();
    let mut parts: Vec<Prints> = Vec::new();
    for found in observed {
        let Ok(found) = found.downcast::<CheckData>() else {
            continue;
        };
        let mut found = *found;
        parts.append(&mut found.prints);
        all.kept.extend(found.kept);
        for (k, seen) in found.values {
            all.values
                .entry(k)
                .and_modify(|s| {
                    s.rows += seen.rows;
                    if (seen.file_index, seen.line) < (s.file_index, s.line) {
                        (s.file_index, s.line) = (seen.file_index, seen.line);
                    }
                })
                .or_insert(seen);
        }
        for (k, y) in found.years {
            all.years.entry(k).or_default().merge(y);
        }
        for (k, s) in found.amounts {
            merge_spread(all.amounts.entry(k).or_default(), s);
        }
        for (k, both) in found.two_ways {
            let into = all.two_ways.entry(k).or_default();
            for (into, s) in into.iter_mut().zip(both) {
                merge_spread(into, s);
            }
        }
        all.columns.extend(found.columns);
    }
    // One walk over every row finds the rows whose key repeats, the anchors and the runs of
    // rows with no unit or area, in place order.
    let repeated = Repeated::new(prints::repeated(&mut parts));
    let walked = prints::walk(&parts, &repeated);
    crate::domain::order::freed_aside(parts);
    all.runs = walked.runs;
    all.candidates = walked.candidates;
    all.anchors = walked.anchors;
    all
}

/// Reads the candidate rows (see [`CheckData::candidates`]) again from `sources` and keeps, as
/// [`CheckData::duplicates`], the runs of those whose fingerprinted fields are the same byte for
/// byte: a collision of hashes never makes two different rows duplicates. Rows that could not be
/// named as duplicates even if alike (a file read twice on purpose, `same`, against its twin)
/// are not read again.
pub fn confirm(
    data: &mut CheckData,
    sources: &[Source],
    opts: &ReadOptions,
    same: &[(usize, usize, Sameness)],
) -> anyhow::Result<()> {
    let twice = twins(sources.len(), same);
    let mut by_key = std::mem::take(&mut data.candidates);
    by_key.sort_unstable();
    // The rows to read again, in place order, with their keys.
    let mut keyed: Vec<(Place, u64)> = Vec::new();
    for run in by_key.chunk_by(|a, b| a.0 == b.0) {
        let places: Vec<Place> = run.iter().map(|c| c.1).collect();
        if !duplicates_in(&places, &twice).is_empty() {
            keyed.extend(run.iter().map(|&(k, p)| (p, k)));
        }
    }
    drop(by_key);
    if keyed.is_empty() {
        return Ok(());
    }
    keyed.sort_unstable();
    let places: Vec<Place> = keyed.iter().map(|k| k.0).collect();
    let kept = &data.kept;
    let read = crate::engine::reread(sources, opts, &places, &data.anchors, |place, record| {
        let at = keyed.binary_search_by_key(&place, |k| k.0).ok()?;
        let key = keyed[at].1;
        let kept = kept.get(&place.file_index())?;
        let mut fields = Vec::new();
        // Not the row read first (a file decoded when read, or changed since): refused.
        prints::same_hash(kept.written(record, &mut fields), key).then(|| (key, fields.into()))
    })?;
    let mut alike = Alike::default();
    for (place, (key, fields)) in read {
        alike.add(key, place, fields);
    }
    data.duplicates = alike.runs();
    Ok(())
}

/// A distinct row's fingerprinted fields, and the index of its run.
type Distinct = (Box<[u8]>, usize);

/// Rows sorted into runs of rows written alike.
#[derive(Default)]
struct Alike {
    /// Per key: each distinct row seen so far with it.
    distinct: FxHashMap<u64, Vec<Distinct>>,
    runs: Vec<Vec<Place>>,
}

impl Alike {
    /// A row (in place order), its key and the bytes of its fingerprinted fields.
    fn add(&mut self, key: u64, place: Place, fields: Box<[u8]>) {
        let distinct = self.distinct.entry(key).or_default();
        match distinct.iter().find(|(f, _)| *f == fields) {
            Some(&(_, run)) => self.runs[run].push(place),
            None => {
                distinct.push((fields, self.runs.len()));
                self.runs.push(vec![place]);
            }
        }
    }

    /// The runs of two rows or more, each in place order.
    fn runs(mut self) -> Vec<Vec<Place>> {
        self.runs.retain(|r| r.len() > 1);
        self.runs
    }
}

/// Which fields of a record [`Kept`] looks at ([`Kept::of`]).
enum Fields<'k> {
    /// Every column.
    Run(std::ops::Range<usize>),
    /// The kept ones (all but a note or a row number).
    Picked(&'k [usize]),
}

impl Kept {
    /// The fields `kept` of rows `width` fields wide, where the columns of [`ROLES`] are at
    /// `roles`.
    fn new(kept: Box<[usize]>, width: usize, roles: [Option<usize>; ROLES.len()]) -> Kept {
        let others = (kept.iter().copied())
            .filter(|&i| !roles.contains(&Some(i)))
            .collect();
        Kept {
            fields: (kept.len() < width).then_some(kept),
            width,
            roles,
            others,
        }
    }

    /// A 64-bit fingerprint of a record as written, for finding rows that appear twice
    /// ([`fingerprint`]): of its cells of [`ROLES`] (an empty one for a column the file lacks,
    /// as the fast lane reads it) and its other kept fields when the record has the file's
    /// width, else of all its fields by their places. Only candidates: rows alike here are told
    /// apart field by field when read again ([`confirm`]).
    fn fingerprint(&self, record: &Record<'_>) -> u64 {
        if record.len() != self.width {
            let sum = (0..record.len())
                .map(|i| fingerprint::other(i, record.bytes(i)))
                .fold(0, u64::wrapping_add);
            return fingerprint::finish(sum);
        }
        let cells = (ROLES.iter().zip(&self.roles))
            .map(|(&col, at)| fingerprint::role(col, at.map_or(&b""[..], |i| record.bytes(i))))
            .fold(0, u64::wrapping_add);
        self.with_others(cells, record)
    }

    /// [`Kept::fingerprint`] of a record whose cells of [`ROLES`] add up to `cells` (the fast
    /// lane's sum).
    #[inline(always)]
    fn with_others(&self, cells: u64, record: &Record<'_>) -> u64 {
        if record.len() != self.width {
            return self.fingerprint(record);
        }
        let mut sum = cells;
        for &i in &self.others {
            sum = sum.wrapping_add(fingerprint::other(i, record.bytes(i)));
        }
        fingerprint::finish(sum)
    }

    /// The same fingerprint, and into `out` the bytes that tell rows apart (each field's length
    /// and bytes): two records are written alike when these are equal.
    fn written(&self, record: &Record<'_>, out: &mut Vec<u8>) -> u64 {
        out.clear();
        // Room for it all at once: rows read again on several threads at a time, each growing
        // its `Vec` field by field, waited on the allocator's lock (three quarters of `check`'s
        // waits on a ledger with thousands of duplicates).
        let mut size = 0;
        self.each(record, |f| size += 8 + f.len());
        out.reserve_exact(size);
        self.each(record, |f| {
            out.extend_from_slice(&(f.len() as u64).to_le_bytes());
            out.extend_from_slice(f);
        });
        self.fingerprint(record)
    }

    fn each<'a>(&self, record: &Record<'a>, mut f: impl FnMut(&'a [u8])) {
        match self.of(record) {
            Fields::Run(run) => run.for_each(|i| f(record.bytes(i))),
            Fields::Picked(kept) => kept.iter().for_each(|&i| f(record.bytes(i))),
        }
    }

    /// The fields of `record` that [`Kept::written`] compares: the kept ones when it has the
    /// file's width, else all, as [`Kept::fingerprint`] hashes them.
    fn of(&self, record: &Record<'_>) -> Fields<'_> {
        match &self.fields {
            Some(kept) if record.len() == self.width => Fields::Picked(kept),
            _ => Fields::Run(0..record.len()),
        }
    }
}

/// All of `check`'s warnings, given the files' names by index and the inputs read twice on
/// purpose (`--allow-duplicates`: the later file, the earlier, how they are one); and how many
/// were found past what is listed (counted, not listed).
pub fn warnings(
    mut data: CheckData,
    registry: Option<&Registry>,
    files: &[Arc<str>],
    same: &[(usize, usize, Sameness)],
    conventions: &BTreeMap<usize, Option<Convention>>,
) -> (Vec<Problem>, u64) {
    // Amounts that read two ways count the way their file reads them (not at all when nothing
    // settled it: those rows are invalid).
    for ((fi, unit, measure), [vi, en]) in std::mem::take(&mut data.two_ways) {
        let settled = match conventions.get(&fi).copied().flatten() {
            Some(Convention::Vi) => vi,
            Some(Convention::En) => en,
            None => continue,
        };
        merge_spread(data.amounts.entry((unit, measure)).or_default(), settled);
    }
    let mut out = spelling_variants(&data, files);
    out.extend(unused_models(&data, registry));
    let (duplicates, mut unlisted) = duplicate_rows(&data, files, same);
    out.extend(duplicates);
    if registry.is_none()
        && let Some(((_, id), seen)) = data.values.iter().find(|((d, _), _)| *d == Dim::Model)
    {
        out.push(Problem::warning(
            &files[seen.file_index],
            seen.line,
            "model",
            Kind::NoRegistry { id: id.clone() },
        ));
    }
    for &(later, earlier, how) in same {
        out.push(Problem::warning(
            &files[later],
            1,
            "file",
            Kind::SameInputAllowed {
                first: files[earlier].clone(),
                same: how,
            },
        ));
    }
    out.extend(empty_amid(&data, files));
    let (far, far_unlisted) = far_dates(&data, files);
    out.extend(far);
    let (large, large_unlisted) = large_amounts(&data, files);
    out.extend(large);
    unlisted += far_unlisted + large_unlisted;
    (out, unlisted)
}

fn spelling_variants(data: &CheckData, files: &[Arc<str>]) -> Vec<Problem> {
    let mut families: BTreeMap<(Dim, String), Vec<(&String, &Seen)>> = BTreeMap::new();
    for ((dim, value), seen) in &data.values {
        if *dim == Dim::Measure && value.is_empty() {
            continue;
        }
        families
            .entry((*dim, fold_accents(value)))
            .or_default()
            .push((value, seen));
    }
    let mut out = Vec::new();
    for ((dim, _), mut spellings) in families {
        if spellings.len() < 2 {
            continue;
        }
        spellings.sort_by_key(|(_, s)| (s.file_index, s.line));
        let (_, second) = spellings[1];
        let spellings = spellings
            .into_iter()
            .map(|(v, s)| Spelling {
                text: v.clone(),
                rows: s.rows,
                file: files[s.file_index].clone(),
                line: s.line,
            })
            .collect();
        out.push(Problem::warning(
            &files[second.file_index],
            second.line,
            dim.name(),
            Kind::SpellingVariants {
                dim: dim.name(),
                spellings,
            },
        ));
    }
    out
}

fn unused_models(data: &CheckData, registry: Option<&Registry>) -> Vec<Problem> {
    let Some(reg) = registry else {
        return Vec::new();
    };
    let Some(file) = &reg.file else {
        return Vec::new();
    };
    reg.models
        .iter()
        .filter(|m| !data.values.contains_key(&(Dim::Model, m.id.clone())))
        .map(|m| Problem::warning(file, m.line, "id", Kind::UnusedModel { id: m.id.clone() }))
        .collect()
}

/// Per file index, the index of the first of the files that are one with it (read twice on
/// purpose: copies of one another, however many).
fn twins(files: usize, same: &[(usize, usize, Sameness)]) -> Vec<usize> {
    let mut first_of: Vec<usize> = (0..files).collect();
    for &(later, earlier, _) in same {
        if later < first_of.len() && earlier < first_of.len() {
            first_of[later] = first_of[earlier];
        }
    }
    first_of
}

/// The duplicates a run of rows written alike (in place order) names, as (row, original): the
/// first of the run is the original, but a row of a file read twice is compared only with rows
/// of other files than its twin (`first_of`, from [`twins`]).
fn duplicates_in(run: &[Place], first_of: &[usize]) -> Vec<(Place, Place)> {
    let twice = |a: usize, b: usize| {
        a != b
            && first_of
                .get(a)
                .is_some_and(|fa| Some(fa) == first_of.get(b))
    };
    let mut out = Vec::new();
    // The first row of the run in each file, in order.
    let mut firsts: Vec<Place> = Vec::new();
    for &at in run {
        let fi = at.file_index();
        let original = firsts
            .iter()
            .find(|p| p.file_index() == fi || !twice(p.file_index(), fi));
        if let Some(&first) = original {
            out.push((at, first));
        }
        if !firsts.iter().any(|p| p.file_index() == fi) {
            firsts.push(at);
        }
    }
    out
}

fn duplicate_rows(
    data: &CheckData,
    files: &[Arc<str>],
    same: &[(usize, usize, Sameness)],
) -> (Vec<Problem>, u64) {
    // A whole file read twice on purpose is said once, not row by row.
    let first_of = twins(files.len(), same);
    let mut pairs: Vec<(Place, Place)> = data
        .duplicates
        .iter()
        .flat_map(|run| duplicates_in(run, &first_of))
        .collect();
    pairs.sort_unstable();
    let unlisted = pairs.len().saturating_sub(MAX_LISTED) as u64;
    pairs.truncate(MAX_LISTED);
    let problems = pairs
        .into_iter()
        .map(|(at, first)| {
            let file =
                (at.file_index() != first.file_index()).then(|| files[first.file_index()].clone());
            Problem::warning(
                &files[at.file_index()],
                at.line(),
                "row",
                Kind::DuplicateRow {
                    file,
                    line: first.line(),
                },
            )
        })
        .collect();
    (problems, unlisted)
}

fn empty_amid(data: &CheckData, files: &[Arc<str>]) -> Vec<Problem> {
    data.runs
        .iter()
        .map(|r| {
            let column = data.columns.get(&r.file).map_or_else(
                || crate::ledger::column_name(r.column).to_string(),
                |c| match r.column {
                    Col::Unit => c.unit.clone(),
                    _ => c.area.clone(),
                },
            );
            Problem::warning(
                &files[r.file],
                r.first,
                column,
                Kind::EmptyAmid {
                    column: r.column,
                    rows: r.rows,
                    last: r.last,
                    before: r.before,
                    after: r.after,
                },
            )
        })
        .collect()
}

/// Dates years away from the rest of their file. A file's years are joined into stretches
/// where they are at most [`YEAR_GAP`] apart; the stretch holding the most rows is the file's
/// own range, and a date in another stretch (so more than two years from every date of the
/// range) is named. When two stretches hold as many rows, nothing is: there is no telling
/// which is the typo.
fn far_dates(data: &CheckData, files: &[Arc<str>]) -> (Vec<Problem>, u64) {
    let mut out = Vec::new();
    let mut unlisted = 0u64;
    let mut by_file: BTreeMap<usize, Vec<(i32, &YearRows)>> = BTreeMap::new();
    for ((fi, year), rows) in &data.years {
        by_file.entry(*fi).or_default().push((*year, rows));
    }
    for (fi, years) in by_file {
        let mut stretches: Vec<(i32, i32, u64, Vec<&YearRows>)> = Vec::new();
        for (year, rows) in years {
            match stretches.last_mut() {
                Some(s) if year - s.1 <= YEAR_GAP => {
                    s.1 = year;
                    s.2 += rows.rows;
                    s.3.push(rows);
                }
                _ => stretches.push((year, year, rows.rows, vec![rows])),
            }
        }
        if stretches.len() < 2 {
            continue;
        }
        let most = stretches.iter().map(|s| s.2).max().unwrap_or(0);
        let mut biggest = stretches.iter().filter(|s| s.2 == most);
        let (Some(own), None) = (biggest.next(), biggest.next()) else {
            continue;
        };
        let (from, to) = (own.0, own.1);
        let column = data
            .columns
            .get(&fi)
            .map_or_else(|| "date".to_string(), |c| c.date.clone());
        for s in &stretches {
            if s.0 == from {
                continue;
            }
            for rows in &s.3 {
                let mut first = rows.first.clone();
                first.sort_unstable();
                first.truncate(FAR_LISTED);
                unlisted += rows.rows - first.len() as u64;
                for (place, date) in first {
                    out.push(Problem::warning(
                        &files[fi],
                        place.line(),
                        column.clone(),
                        Kind::FarDate { date, from, to },
                    ));
                }
            }
        }
    }
    (out, unlisted)
}

/// Amounts [`OUTLIER`] times the median non-zero amount of their unit and measure or more,
/// among at least [`OUTLIER_ROWS`] amounts: an extra `000` typed, or a total typed as a row. The
/// median is taken to two significant digits (the least amount of its magnitude), from every
/// amount of a small unit or a fixed sample of a big one (see [`Spread`]); at most [`TOP`] per
/// unit and measure are named.
fn large_amounts(data: &CheckData, files: &[Arc<str>]) -> (Vec<Problem>, u64) {
    let mut out = Vec::new();
    let mut unlisted = 0u64;
    for ((unit, measure), spread) in &data.amounts {
        if spread.rows < OUTLIER_ROWS {
            continue;
        }
        let exact = spread.rows < SMALL;
        let counts: BTreeMap<i32, u64> = if exact {
            let mut c = BTreeMap::new();
            for &k in &spread.all {
                *c.entry(k).or_default() += 1;
            }
            c
        } else {
            spread.sampled.clone()
        };
        let n: u64 = counts.values().sum();
        // The middle amount (the upper one of two middles).
        let rank = n / 2 + 1;
        let mut seen = 0u64;
        let Some(&median) = counts.iter().find_map(|(k, c)| {
            seen += c;
            (seen >= rank).then_some(k)
        }) else {
            continue;
        };
        let Some(low) = magnitude_bound(median, false) else {
            continue;
        };
        let Some(threshold) = low.checked_mul(Decimal::from(OUTLIER)) else {
            continue;
        };
        let named: Vec<&(Decimal, Place)> =
            spread.top.iter().filter(|(a, _)| *a >= threshold).collect();
        if named.len() == TOP && exact {
            // Perhaps more than were kept: count those surely over.
            let over: u64 = counts
                .iter()
                .filter(|(k, _)| magnitude_bound(**k, false).is_some_and(|b| b >= threshold))
                .map(|(_, c)| c)
                .sum();
            unlisted += over.saturating_sub(TOP as u64);
        }
        for &(amount, place) in named {
            let fi = place.file_index();
            let column = data
                .columns
                .get(&fi)
                .map_or_else(|| "amount".to_string(), |c| c.amount.clone());
            out.push(Problem::warning(
                &files[fi],
                place.line(),
                column,
                Kind::AmountOutlier {
                    amount,
                    median: low,
                    unit: unit.clone(),
                    measure: measure.clone(),
                },
            ));
        }
    }
    (out, unlisted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn magnitudes_sort_like_amounts_and_bound_them() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let keys: Vec<i32> = ["0.0012", "0.5", "9", "10", "99.9", "100", "150000", "1e20"]
            .iter()
            .map(|s| magnitude(Decimal::from_scientific(s).unwrap_or_else(|_| d(s))).unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert_eq!(magnitude(Decimal::ZERO), None);
        assert_eq!(magnitude(d("-152300")), magnitude(d("152300")));
        let k = magnitude(d("152300")).unwrap();
        assert_eq!(magnitude_bound(k, false), Some(d("150000")));
        assert_eq!(magnitude_bound(k, true), Some(d("160000")));
        let k = magnitude(d("0.0012")).unwrap();
        assert_eq!(magnitude_bound(k, false), Some(d("0.0012")));
        assert_eq!(magnitude_bound(k, true), Some(d("0.0013")));
        let k = magnitude(d("7")).unwrap();
        assert_eq!(magnitude_bound(k, false), Some(d("7")));
        assert_eq!(magnitude_bound(k, true), Some(d("7.1")));
    }

    #[test]
    fn the_largest_are_kept_whatever_the_order() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..100u64 {
            let amount = Decimal::from(i % 37);
            let target = if i % 3 == 0 { &mut a } else { &mut b };
            offer(target, amount, Place::new(0, i));
        }
        let mut all = Vec::new();
        for i in 0..100u64 {
            offer(&mut all, Decimal::from(i % 37), Place::new(0, i));
        }
        let mut merged = Spread::default();
        merge_spread(
            &mut merged,
            Spread {
                top: a,
                ..Spread::default()
            },
        );
        merge_spread(
            &mut merged,
            Spread {
                top: b,
                ..Spread::default()
            },
        );
        assert_eq!(merged.top, all);
        assert_eq!(all[0], (Decimal::from(36), Place::new(0, 36)));
    }

    #[test]
    fn at_most_agrees_with_decimal_order() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        for (a, b) in [
            ("5", "7"),
            ("7", "5"),
            ("5", "5"),
            ("1.50", "1.5"),
            ("0.01", "100"),
            ("79228162514264337593543950335", "1"),
            ("123456789012345678901", "123456789012345678902"),
        ] {
            assert_eq!(at_most(d(a), d(b), small(d(b))), d(a) <= d(b), "{a} <= {b}");
        }
    }

    /// A row's fingerprint and written bytes, read from `line` with `delimiter`.
    fn printed(kept: &Kept, line: &str, delimiter: u8) -> (u64, Vec<u8>) {
        let mut written = Vec::new();
        let print = crate::ledger::record::record_at(line.as_bytes(), 0, delimiter, |r| {
            let print = kept.fingerprint(r);
            assert_eq!(kept.written(r, &mut written), print);
            print
        });
        (print.unwrap_or_default(), written)
    }

    /// Where [`ROLES`] are in a file whose unit, area and amount are at these columns.
    fn roles(unit: usize, area: usize, amount: usize) -> [Option<usize>; ROLES.len()] {
        ROLES.map(|col| match col {
            Col::Unit => Some(unit),
            Col::Area => Some(area),
            Col::Amount => Some(amount),
            _ => None,
        })
    }

    /// Rows with the same kept fields have one fingerprint however they are written: quoted or
    /// not, with any delimiter, wherever the file puts its columns; a note or row number
    /// aside, a row of another width whole. Rows that differ differ.
    #[test]
    fn rows_alike_have_one_fingerprint_however_written() {
        let all = Kept::new((0..3).collect(), 3, roles(0, 1, 2));
        let note_last = Kept::new((0..3).collect(), 4, roles(0, 1, 2));
        let number_first = Kept::new((1..4).collect(), 4, roles(1, 2, 3));
        let number_amid = Kept::new([0, 2, 3].into(), 4, roles(0, 2, 3));
        // The area as a column of its own, not read as the area.
        let area_other = Kept::new(
            (0..3).collect(),
            3,
            ROLES.map(|c| match c {
                Col::Unit => Some(0),
                Col::Amount => Some(2),
                _ => None,
            }),
        );
        let cases: [(&Kept, &[(&str, u8)]); 4] = [
            (
                &all,
                &[
                    ("a,b b,7", b','),
                    ("\"a\",b b,\"7\"", b','),
                    ("a;b b;7\r\n", b';'),
                ],
            ),
            (
                &note_last,
                &[
                    ("a,b b,7,note", b','),
                    ("a,\"b b\",7,", b','),
                    ("a;b b;7;x", b';'),
                ],
            ),
            (
                &number_first,
                &[
                    ("1,a,b b,7", b','),
                    ("22,a,\"b b\",7", b','),
                    ("3;a;b b;7", b';'),
                ],
            ),
            (
                &number_amid,
                &[
                    ("a,1,b b,7", b','),
                    ("a,\"2\",\"b b\",7", b','),
                    ("a;3;b b;7", b';'),
                ],
            ),
        ];
        let mut prints = Vec::new();
        for (kept, lines) in cases {
            let (first, written) = printed(kept, lines[0].0, lines[0].1);
            for &(line, delimiter) in &lines[1..] {
                assert_eq!(
                    printed(kept, line, delimiter),
                    (first, written.clone()),
                    "{line}"
                );
            }
            prints.push(first);
        }
        // The kept fields are the same in all four: so is the fingerprint.
        assert!(prints.windows(2).all(|w| w[0] == w[1]), "{prints:?}");
        // A column that is none of the roles: rows alike are alike, wherever they are written.
        assert_eq!(
            printed(&area_other, "a,b b,7", b','),
            printed(&area_other, "\"a\";\"b b\";7", b';')
        );
        let other = [
            printed(&all, "a,b b,8", b','),
            printed(&all, "b b,a,7", b','),
            printed(&all, "a,b,b,7", b','),
            printed(&all, "a,b b", b','),
            printed(&number_amid, "a,1,b b,7,extra", b','),
            printed(&note_last, "a,b b,7,note,extra", b','),
            printed(&area_other, "a,b c,7", b','),
        ];
        for (print, written) in other {
            assert_ne!(written, printed(&all, "a,b b,7", b',').1);
            assert_ne!(print, prints[0]);
        }
    }

    /// Rows sharing a key are duplicates only when their fields are the same: two rows whose
    /// hashes collide are told apart, each with its own twin.
    #[test]
    fn a_collision_of_keys_is_not_a_duplicate() {
        let p = |line: u64| Place::new(0, line);
        let mut alike = Alike::default();
        let f = |s: &str| s.as_bytes().into();
        alike.add(7, p(2), f("a,1"));
        alike.add(7, p(3), f("b,2"));
        alike.add(9, p(4), f("a,1"));
        alike.add(7, p(5), f("b,2"));
        alike.add(7, p(6), f("c,3"));
        alike.add(7, p(8), f("a,1"));
        assert_eq!(alike.runs(), vec![vec![p(2), p(8)], vec![p(3), p(5)]]);
    }

    #[test]
    fn numbering_headers() {
        for h in ["STT", "stt", " TT ", "No.", "no", "#", "Số TT", "Số thứ tự"] {
            assert!(numbering(h), "{h}");
        }
        for h in ["Ngày", "Nội dung", "Số tiền", "note", "Tổng"] {
            assert!(!numbering(h), "{h}");
        }
    }

    /// The files and the anchors a read under `check`'s observer kept for them, with chunks of
    /// `chunk` bytes on `threads` threads.
    fn anchored(
        files: &[(&str, Vec<u8>)],
        opts: &ReadOptions,
        threads: usize,
    ) -> (Vec<Vec<u8>>, CheckData) {
        let dir = tempfile::tempdir().unwrap();
        let sources: Vec<Source> = files
            .iter()
            .map(|(name, bytes)| {
                let path = dir.path().join(name);
                std::fs::write(&path, bytes).unwrap();
                Source::from_arg(path.to_str().unwrap())
            })
            .collect();
        let plan = crate::engine::Plan {
            grouping: crate::aggregate::Grouping {
                dims: Vec::new(),
                depth: None,
            },
            selection: Default::default(),
            observe: Some(observer()),
            aliases: Default::default(),
            keep_rejects: false,
            threads,
            progress: false,
            hash_files: false,
            symbols: false,
            sums: false,
        };
        let read = crate::engine::read(&sources, opts, None, plan).unwrap();
        let mut data = gather(read.observed);
        confirm(&mut data, &sources, opts, &[]).unwrap();
        (files.iter().map(|f| f.1.clone()).collect(), data)
    }

    /// What `check` counts (names with their first rows, years, amounts, rows written twice)
    /// is the same however often the fast lane forgets the rows it knows: names counted in a
    /// combination's tally come back when the lane forgets it, and at the end.
    #[test]
    fn names_are_counted_the_same_however_often_the_lane_forgets() {
        let mut text = String::from("date,unit,area,field,source,amount\n");
        // The field and the source vary within each combination of the rest: the lane
        // remembers them apart, and forgets them too.
        let known = |i: usize, year: i32| {
            let unit = ["Hội 0", "Hội 1", "hội 1", "Đoàn 2", "Đoàn 3", "Hội 4"][i % 6];
            let field = ["Xã hội", "xã hội", "Kinh tế", ""][i / 6 % 4];
            let source = ["Nhân dân", "nhân dân", "", "Doanh nghiệp"][i / 5 % 4];
            format!(
                "{year}-03-{:02},{unit},Khu {},{field},{source},{}\n",
                i % 28 + 1,
                i % 3,
                i * 7 % 1000
            )
        };
        for i in 0..3000 {
            text.push_str(&known(i, 2024));
        }
        // Every unit new: the lane stops paying, and forgets when full.
        for i in 0..3000 {
            text.push_str(&format!(
                "2024-04-01,Tổ {i},Khu 9,Kinh tế,Nhà hảo tâm {},{i}\n",
                i % 7
            ));
        }
        for i in 0..3000 {
            text.push_str(&known(i, 2019 + (i % 2) as i32));
        }
        let files = [("a.csv", text.into_bytes())];
        let counted = |memo_rows: usize| {
            let opts = ReadOptions {
                memo_rows,
                ..ReadOptions::default()
            };
            let (_, d) = anchored(&files, &opts, 1);
            format!("{:?}", (d.values, d.years, d.amounts, d.duplicates, d.runs))
        };
        let all = counted(0);
        for name in [
            "\"hội 1\"",
            "\"xã hội\"",
            "\"nhân dân\"",
            "\"Nhà hảo tâm 6\"",
        ] {
            assert!(all.contains(name), "{name} in {all}");
        }
        for memo_rows in [1, 8, 100] {
            assert_eq!(counted(memo_rows), all, "{memo_rows} rows remembered");
        }
    }

    /// Rows written alike are found whichever way each was read: by the fast lane, which adds
    /// up a row's fingerprint from the sums it keeps beside its names, or by the slow path,
    /// which hashes every cell; in a file with a row number, a column that is none of the
    /// ledger's, and cells quoted in some rows only. Rows that differ in that column alone are
    /// not alike.
    #[test]
    fn rows_alike_are_found_whichever_way_each_was_read() {
        let mut text = String::from("STT,date,unit,người nhận,area,field,source,amount,note\n");
        let mut want = vec![vec![]; 40];
        let mut line = 2;
        for i in 0..400 {
            let r = i % 40;
            let q = if i % 3 == 0 { "\"" } else { "" };
            let row = |who: &str| {
                format!(
                    "{i},2024-03-{:02},{q}Hội {}{q},{who},Khu {},Xã hội,{q}Nhân dân{q},{},ghi chú {i}\n",
                    r % 28 + 1,
                    r % 4,
                    r % 3,
                    r * 1000
                )
            };
            text.push_str(&row(&format!("Bà {r}")));
            want[r].push(Place::new(0, line));
            // The same but for the column that is none of the ledger's.
            text.push_str(&row(&format!("Ông {i}")));
            line += 2;
        }
        let files = [("a.csv", text.into_bytes())];
        for memo_rows in [0, 1, 3] {
            for threads in [1, 2] {
                let opts = ReadOptions {
                    memo_rows,
                    chunk_bytes: 2048,
                    ..ReadOptions::default()
                };
                let (_, data) = anchored(&files, &opts, threads);
                assert_eq!(
                    data.duplicates, want,
                    "{memo_rows} rows remembered, {threads} threads"
                );
            }
        }
    }

    /// Where each physical line of `bytes` starts (index 1 is line 1).
    fn line_starts(bytes: &[u8]) -> Vec<u64> {
        let mut starts = vec![0, 0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u64 + 1));
        starts
    }

    /// A file's name and bytes.
    type Named = (&'static str, Vec<u8>);

    /// A semicolon export with a BOM, CRLF, a title above the header, blank lines, quoted cells,
    /// notes over two lines and notes with doubled quotes first on the row; and a plain file.
    /// In each, row `i` is written as row `i % 50` (notes aside): with the lines of each run
    /// of rows alike.
    fn exports() -> (Vec<Named>, Vec<Vec<Place>>) {
        let mut excel = "\u{feff}Báo cáo tháng 3\r\n\r\nnote;date;unit;amount\r\n".to_string();
        let mut plain = "date,unit,amount,note\n".to_string();
        let mut alike = vec![vec![]; 100];
        let mut line = 4;
        for i in 0..700 {
            let r = i % 50;
            let note = match i % 9 {
                0 => "\"dòng một\r\ndòng hai\"".to_string(),
                1 => format!("\"ghi \"\"chú\"\" {i}\""),
                2 => String::new(),
                _ => format!("\"Tổ {}; khu {}\"", i % 5, i % 3),
            };
            excel.push_str(&format!(
                "{note};15/03/2024;\"Hội {}\";{}\r\n",
                r % 4,
                r * 1000
            ));
            alike[r].push(Place::new(0, line));
            line += 1 + u64::from(i % 9 == 0);
            if i % 13 == 0 {
                excel.push_str("\r\n");
                line += 1;
            }
            plain.push_str(&format!("2024-03-{:02},Đoàn {},{r},\n", r % 28 + 1, r % 6));
            alike[50 + r].push(Place::new(1, i as u64 + 2));
        }
        let files = vec![
            ("excel.csv", excel.into_bytes()),
            ("plain.csv", plain.into_bytes()),
        ];
        (files, alike)
    }

    /// Every anchor a read keeps is where its row's line starts in the file as stored (after the
    /// BOM, past the title rows, across chunks cut anywhere and on any thread), and the rows
    /// read again from them are found duplicates.
    #[test]
    fn anchors_are_where_their_rows_start_in_the_file() {
        let (files, want) = exports();
        for (chunk, threads) in [(0, 1), (700, 1), (300, 2), (4096, 2)] {
            let opts = ReadOptions {
                chunk_bytes: chunk,
                ..ReadOptions::default()
            };
            let (bytes, data) = anchored(&files, &opts, threads);
            for (fi, bytes) in bytes.iter().enumerate() {
                let starts = line_starts(bytes);
                let mine: Vec<_> = data
                    .anchors
                    .iter()
                    .filter(|a| a.0.file_index() == fi)
                    .collect();
                // Every row is read again: one anchor per 8 rows of a chunk, but where the
                // first field is unescaped (one row in nine of the export).
                assert!(
                    mine.len() >= 700 / 8 * 8 / 9 - 2,
                    "file {fi}: {} anchors",
                    mine.len()
                );
                for (place, at) in mine {
                    assert_eq!(Some(at), starts.get(place.line() as usize), "{place:?}");
                }
            }
            assert!(data.anchors.is_sorted());
            assert_eq!(
                data.duplicates, want,
                "chunks of {chunk}, {threads} threads"
            );
        }
    }
}

//! What `check` finds beyond invalid rows, as warnings: spellings of one name that differ only in
//! case or accents, registry models nobody contributed to, rows that appear twice (row numbers
//! and notes aside), model ids that could not be checked because no registry was given, the same
//! input read twice on purpose, rows with no unit or area amid rows that have one (cells merged
//! in Excel), dates years away from the rest of their file, and amounts over 1,000 times the
//! median of their unit and measure.
//!
//! The observer collects per reading thread what these need, in memory that grows with distinct
//! values (names, years, units, magnitudes), plus one fingerprint per row; gathering is the same
//! whichever thread saw which row, and the warnings are pure functions of what was gathered.

use crate::domain::text::fold_accents;
use crate::domain::{Dim, YEARS};
use crate::engine::observe::{Observe, Observer};
use crate::engine::{MAX_LISTED, Place};
use crate::ledger::intern::{EMPTY, Interner, Sym};
use crate::ledger::number::Convention;
use crate::ledger::record::Record;
use crate::ledger::registry::Registry;
use crate::ledger::row::Layout;
use crate::ledger::{Col, Contribution};
use crate::problem::{Kind, Problem, Sameness, Spelling};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::any::Any;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
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
    /// Row fingerprints (the fields as written, row numbers and notes aside), with where each
    /// row is; sorted. The two low bits of a fingerprint say whether the row has no unit
    /// ([`NO_UNIT`]) or no area ([`NO_AREA`]) after the model join: they follow from the fields,
    /// so rows written alike still have equal fingerprints, and no row costs more than these
    /// 16 bytes.
    pub fingerprints: Vec<(u64, Place)>,
    /// Per file and year: how many rows, and the earliest of them.
    pub years: BTreeMap<(usize, i32), YearRows>,
    /// Per unit and measure (as text): how the amounts spread, and the largest.
    pub amounts: BTreeMap<(String, String), Spread>,
    /// The same for amounts that read two ways, per file, both ways (`[vi, en]`), until the
    /// file's convention says which.
    pub two_ways: BTreeMap<(usize, String, String), [Spread; 2]>,
    /// Per file: its columns' names as written, for messages.
    pub columns: BTreeMap<usize, FileColumns>,
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

/// How the non-zero amounts of one unit and measure spread: a count per magnitude (two
/// significant digits, see [`magnitude`]), and the [`TOP`] largest with their places.
#[derive(Debug, Clone, Default)]
pub struct Spread {
    pub counts: BTreeMap<i32, u64>,
    /// Largest first; among equal amounts, the earliest first.
    pub top: Vec<(Decimal, Place)>,
}

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
    let at = top.partition_point(|e| rank(e) < rank(&entry));
    top.insert(at, entry);
    top.truncate(TOP);
}

/// An amount's size to two significant digits, as a number that sorts like the amounts:
/// `e * 100 + d` for an absolute value `0.d… × 10^e` (`d` its first two digits, 10–99).
/// `None` for zero.
pub fn magnitude(amount: Decimal) -> Option<i32> {
    let m = amount.mantissa().unsigned_abs();
    if m == 0 {
        return None;
    }
    let digits = m.ilog10() as i32 + 1;
    let lead = if digits >= 2 {
        if let Ok(small) = u64::try_from(m) {
            small / 10u64.pow((digits - 2) as u32)
        } else {
            (m / 10u128.pow((digits - 2) as u32)) as u64
        }
    } else {
        m as u64 * 10
    };
    Some((digits - amount.scale() as i32) * 100 + lead as i32)
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
    counts: FxHashMap<i32, u64>,
    top: Vec<(Decimal, Place)>,
}

/// One reading thread's observer.
#[derive(Default)]
struct Looker {
    values: [Vec<Option<Seen>>; CHECKED_DIMS.len()],
    fingerprints: Vec<(u64, Place)>,
    /// Per file index, once seen: which fields a fingerprint leaves out.
    skip: Vec<Option<Box<[bool]>>>,
    columns: BTreeMap<usize, FileColumns>,
    /// Per file index, per year from the first of [`YEARS`].
    years: Vec<Vec<YearRows>>,
    spreads: Vec<LocalSpread>,
    spread_of: FxHashMap<(Sym, Sym), usize>,
    /// The last (unit, measure) and its spread: rows of one unit tend to come together.
    last_spread: Option<((Sym, Sym), usize)>,
    /// Amounts that read two ways, per (file, unit, measure), read both ways.
    two_ways: FxHashMap<(usize, Sym, Sym), [LocalSpread; 2]>,
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
        if self.skip.len() <= fi {
            self.skip.resize(fi + 1, None);
            self.years.resize_with(fi + 1, Vec::new);
        }
        let note = layout.index(Col::Note);
        let skip = layout
            .columns
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| Some(i) == note || numbering(name))
            .collect();
        self.skip[fi] = Some(skip);
        let size = (YEARS.end() - YEARS.start() + 1) as usize;
        self.years[fi].resize_with(size, YearRows::default);
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

    fn spread(&mut self, unit: Sym, measure: Sym) -> &mut LocalSpread {
        let key = (unit, measure);
        let at = match self.last_spread {
            Some((k, at)) if k == key => at,
            _ => {
                let next = self.spreads.len();
                let at = *self.spread_of.entry(key).or_insert(next);
                if at == next {
                    self.spreads.push(LocalSpread::default());
                }
                self.last_spread = Some((key, at));
                at
            }
        };
        &mut self.spreads[at]
    }
}

impl Observer for Looker {
    fn row(&mut self, row: &Contribution, place: Place, record: &Record<'_>, layout: &Layout) {
        let fi = place.file_index();
        if self.skip.get(fi).is_none_or(Option::is_none) {
            self.learn_file(fi, layout);
        }
        for (dim, seen) in CHECKED_DIMS.iter().zip(&mut self.values) {
            let sym = row.text_sym(*dim) as usize;
            if sym == 0 {
                continue;
            }
            if seen.len() <= sym {
                seen.resize(sym + 1, None);
            }
            match &mut seen[sym] {
                Some(s) => s.rows += 1,
                empty => {
                    *empty = Some(Seen {
                        rows: 1,
                        file_index: place.file_index(),
                        line: place.line(),
                    })
                }
            }
        }
        let skip = self.skip[fi].as_deref().unwrap_or_default();
        let empty =
            (u64::from(row.unit == EMPTY) * NO_UNIT) | (u64::from(row.area == EMPTY) * NO_AREA);
        self.fingerprints
            .push(((fingerprint(record, skip) & !3) | empty, place));
        let year = (row.date.year() - YEARS.start()) as usize;
        if let Some(y) = self.years[fi].get_mut(year) {
            y.add(place, row.date);
        }
        if let Some(key) = magnitude(row.amount) {
            let amount = row.amount.abs();
            let spread = self.spread(row.unit, row.measure);
            *spread.counts.entry(key).or_default() += 1;
            offer(&mut spread.top, amount, place);
        }
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
        for (spread, amount) in spreads.iter_mut().zip(readings) {
            if let Some(key) = magnitude(amount) {
                *spread.counts.entry(key).or_default() += 1;
                offer(&mut spread.top, amount.abs(), place);
            }
        }
    }

    fn finish(self: Box<Self>, interner: &Interner) -> Box<dyn Any + Send> {
        let mut data = CheckData {
            fingerprints: self.fingerprints,
            columns: self.columns,
            ..CheckData::default()
        };
        for (dim, seen) in CHECKED_DIMS.iter().zip(&self.values) {
            for (sym, s) in seen.iter().enumerate() {
                if let Some(s) = s {
                    data.values
                        .insert((*dim, interner.get(sym as Sym).to_string()), *s);
                }
            }
        }
        for (fi, years) in self.years.into_iter().enumerate() {
            for (i, y) in years.into_iter().enumerate() {
                if y.rows > 0 {
                    data.years.insert((fi, YEARS.start() + i as i32), y);
                }
            }
        }
        let mut spreads: Vec<Option<LocalSpread>> = self.spreads.into_iter().map(Some).collect();
        for ((unit, measure), at) in self.spread_of {
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
            merge_spread(
                spread,
                Spread {
                    counts: local.counts.into_iter().collect(),
                    top: local.top,
                },
            );
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
                merge_spread(
                    into,
                    Spread {
                        counts: local.counts.into_iter().collect(),
                        top: local.top,
                    },
                );
            }
        }
        Box::new(data)
    }
}

fn merge_spread(into: &mut Spread, other: Spread) {
    for (k, n) in other.counts {
        *into.counts.entry(k).or_default() += n;
    }
    into.top.extend(other.top);
    into.top.sort_unstable_by_key(rank);
    into.top.truncate(TOP);
}

/// Every thread's findings as one, the same whichever thread saw which row.
pub fn gather(observed: Vec<Box<dyn Any + Send>>) -> CheckData {
    let mut all = CheckData::default();
    for found in observed {
        let Ok(found) = found.downcast::<CheckData>() else {
            continue;
        };
        let found = *found;
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
        all.fingerprints.extend(found.fingerprints);
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
    all.fingerprints.sort_unstable();
    all
}

/// A 64-bit fingerprint of a record as written, but for the fields `skip` marks (row numbers,
/// notes), for finding rows that appear twice.
fn fingerprint(record: &Record<'_>, skip: &[bool]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(0x64616e76616e).build_hasher();
    for i in 0..record.len() {
        if skip.get(i).copied().unwrap_or(false) {
            continue;
        }
        let f = record.bytes(i);
        h.write_usize(f.len());
        h.write(f);
    }
    h.finish()
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
    // From here on, rows in file and line order.
    data.fingerprints.sort_unstable_by_key(|f| f.1);
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
            Kind::SpellingVariants { spellings },
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

fn duplicate_rows(
    data: &CheckData,
    files: &[Arc<str>],
    same: &[(usize, usize, Sameness)],
) -> (Vec<Problem>, u64) {
    // A whole file read twice on purpose is said once, not row by row: files that are one
    // (copies of one another, however many) share the index of the first.
    let mut first_of: Vec<usize> = (0..files.len()).collect();
    for &(later, earlier, _) in same {
        if later < first_of.len() && earlier < first_of.len() {
            first_of[later] = first_of[earlier];
        }
    }
    let twice = |a: usize, b: usize| {
        a != b
            && first_of
                .get(a)
                .is_some_and(|fa| Some(fa) == first_of.get(b))
    };
    // Fingerprints are sorted by (hash, place): the first of a run is the original, but a row
    // of a file read twice is compared only with rows of other files than its twin.
    let mut pairs: Vec<(Place, Place)> = Vec::new();
    for run in data.fingerprints.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        // The first row of the run in each file, in order.
        let mut firsts: Vec<Place> = Vec::new();
        for &(_, at) in run {
            let fi = at.file_index();
            let original = firsts
                .iter()
                .find(|p| p.file_index() == fi || !twice(p.file_index(), fi));
            if let Some(&first) = original {
                pairs.push((at, first));
            }
            if !firsts.iter().any(|p| p.file_index() == fi) {
                firsts.push(at);
            }
        }
    }
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

/// Runs of rows with no unit (or area) between rows that have one, file by file: what cells
/// merged in Excel leave in a CSV (the value on the first row of the merge only). Rows read in
/// order (`data.fingerprints` sorted by place, their low bits saying what is empty). A run at
/// the top or the bottom of a file is not named: a unit with no area (a town-wide union) often
/// comes last, and only rows with a value on both sides look like a merge.
fn empty_amid(data: &CheckData, files: &[Arc<str>]) -> Vec<Problem> {
    let mut out = Vec::new();
    for (flag, col) in [(NO_UNIT, Col::Unit), (NO_AREA, Col::Area)] {
        let mut file = usize::MAX;
        // The last row with a value, and the run of rows without one since: (first, rows, last).
        let mut before: Option<u64> = None;
        let mut run: Option<(u64, u64, u64)> = None;
        let mut name = |fi: usize, before: u64, (first, rows, last): (u64, u64, u64), after| {
            let column = data.columns.get(&fi).map_or_else(
                || crate::ledger::column_name(col).to_string(),
                |c| match col {
                    Col::Unit => c.unit.clone(),
                    _ => c.area.clone(),
                },
            );
            out.push(Problem::warning(
                &files[fi],
                first,
                column,
                Kind::EmptyAmid {
                    column: col,
                    rows,
                    last,
                    before,
                    after,
                },
            ));
        };
        for &(print, place) in &data.fingerprints {
            let (fi, line) = (place.file_index(), place.line());
            if fi != file {
                (file, before, run) = (fi, None, None);
            }
            let empty = print & flag != 0;
            if !empty {
                if let (Some(b), Some(r)) = (before, run.take()) {
                    name(fi, b, r, line);
                }
                before = Some(line);
            } else if before.is_some() {
                run = Some(match run {
                    None => (line, 1, line),
                    Some((first, rows, _)) => (first, rows + 1, line),
                });
            }
        }
    }
    out
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

/// Amounts over [`OUTLIER`] times the median non-zero amount of their unit and measure (the
/// median taken to two significant digits and rounded up, so a named amount is surely over),
/// among at least [`OUTLIER_ROWS`] amounts: an extra `000` typed, or a sum typed as a row.
fn large_amounts(data: &CheckData, files: &[Arc<str>]) -> (Vec<Problem>, u64) {
    let mut out = Vec::new();
    let mut unlisted = 0u64;
    for ((unit, measure), spread) in &data.amounts {
        let n: u64 = spread.counts.values().sum();
        if n < OUTLIER_ROWS {
            continue;
        }
        // The middle amount (the upper one of two middles).
        let rank = n / 2 + 1;
        let mut seen = 0u64;
        let Some(&median) = spread.counts.iter().find_map(|(k, c)| {
            seen += c;
            (seen >= rank).then_some(k)
        }) else {
            continue;
        };
        let (Some(low), Some(high)) = (
            magnitude_bound(median, false),
            magnitude_bound(median, true),
        ) else {
            continue;
        };
        let Some(threshold) = high.checked_mul(Decimal::from(OUTLIER)) else {
            continue;
        };
        let named: Vec<&(Decimal, Place)> =
            spread.top.iter().filter(|(a, _)| *a >= threshold).collect();
        if named.len() == TOP {
            // Perhaps more than were kept: count those surely over.
            let over: u64 = spread
                .counts
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
                counts: BTreeMap::new(),
                top: a,
            },
        );
        merge_spread(
            &mut merged,
            Spread {
                counts: BTreeMap::new(),
                top: b,
            },
        );
        assert_eq!(merged.top, all);
        assert_eq!(all[0], (Decimal::from(36), Place::new(0, 36)));
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
}

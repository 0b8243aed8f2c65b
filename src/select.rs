//! Which rows count: `--period` and `--where`, decided per row with per-value caches so a
//! repeated unit or area is compared once, not once per row.
//!
//! A period value of `--where` is a typed [`Period`], compared as such. A text value matches
//! after normalization, case aside; when no value of the data matches it so, it matches ignoring
//! accents too (`hoi phu nu`), and a warning says so. Which of the two applies is known only
//! once every value has been seen, so while reading a row is kept when it matches either way
//! (the cache holds each distinct value once, so this costs nothing per row), the filtered
//! dimensions are kept in the group keys, and [`resolve`] settles at the end, on the groups:
//! the rows of values that match only the looser way are dropped (and counted as filtered)
//! where another value matched exactly.

use crate::aggregate::{Acc, Groups};
use crate::domain::measure::canonical_measure;
use crate::domain::text::{area_under, cut_area, fold_accents, normalize, normalize_area};
use crate::domain::{DateRange, Dim, Key, Period, Value};
use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};
use crate::problem::Kind;
use anyhow::Result;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

/// Which rows count: the period and the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub period: Option<DateRange>,
    pub filters: Vec<Filter>,
}

/// `--where DIM=VALUE`: values of one dimension to keep (several are alternatives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub dim: Dim,
    /// For a text dimension: the values asked for.
    pub texts: Vec<Want>,
    /// For a period dimension: the periods asked for.
    pub periods: Vec<Period>,
}

/// One text value of `--where`: as given, and the two ways it is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want {
    pub given: String,
    /// Normalized, lower-cased (areas are path prefixes).
    pub exact: String,
    /// And without accents.
    pub folded: String,
}

/// How a value is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Normalized, case aside.
    Exact,
    /// Accents aside too.
    Folded,
}

impl Filter {
    /// A filter on a text dimension for `value` as given.
    pub fn text(dim: Dim, value: &str) -> Filter {
        let exact = Filter::fold(dim, value);
        Filter {
            dim,
            texts: vec![Want {
                given: value.trim().to_string(),
                folded: fold_accents(&exact),
                exact,
            }],
            periods: Vec::new(),
        }
    }

    /// A filter on a period dimension.
    pub fn period(dim: Dim, period: Period) -> Filter {
        Filter {
            dim,
            texts: Vec::new(),
            periods: vec![period],
        }
    }

    /// Folds a value the way it is compared: normalized text, case ignored.
    pub fn fold(dim: Dim, value: &str) -> String {
        match dim {
            Dim::Area => normalize_area(value).to_lowercase(),
            Dim::Measure => canonical_measure(value).to_lowercase(),
            _ => normalize(value).to_lowercase(),
        }
    }

    /// Whether a row's value (already normalized) matches `want` in the way `how`.
    pub fn matches(&self, value: &str, want: &Want, how: Match) -> bool {
        let (v, w) = match how {
            Match::Exact => (value.to_lowercase(), want.exact.as_str()),
            Match::Folded => (fold_accents(value), want.folded.as_str()),
        };
        match self.dim {
            Dim::Area => area_under(&v, w),
            _ => v == w,
        }
    }

    /// Whether a row's value passes exactly (one of the values, case aside).
    pub fn accepts(&self, value: &str) -> bool {
        self.texts
            .iter()
            .any(|w| self.matches(value, w, Match::Exact))
    }

    /// Whether a typed value passes: a period among those asked for (`year=2024`), or a text as
    /// [`Filter::accepts`] says.
    pub fn accepts_value(&self, value: &Value) -> bool {
        match value {
            Value::Period(p) if self.texts.is_empty() => self.periods.contains(p),
            v => self.accepts(&v.to_string()),
        }
    }

    /// Whether a row's value may pass, one way or the other: what reading keeps.
    fn may_accept(&self, value: &str) -> bool {
        self.texts
            .iter()
            .any(|w| self.matches(value, w, Match::Folded))
    }

    /// Whether a date's period is one asked for.
    fn keeps_period(&self, date: NaiveDate) -> bool {
        let p = Period::from_code(self.dim, self.dim.period_code(date));
        self.periods.contains(&p)
    }
}

/// What one `--where` filter saw while reading, for [`resolve`]'s warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// A text filter: every value of its dimension.
    pub values: BTreeSet<String>,
    /// A period filter: whether a row it was tried on has its period…
    pub matched: bool,
    /// …and the first and last dates of those rows.
    pub dates: Option<(NaiveDate, NaiveDate)>,
}

impl Seen {
    pub fn merge(&mut self, other: Seen) {
        self.values.extend(other.values);
        self.matched |= other.matched;
        self.dates = match (self.dates, other.dates) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
    }
}

pub struct Selector {
    selection: Selection,
    cache: Vec<FxHashMap<Sym, bool>>,
    /// Whether any filter is on a period; only then are dates watched.
    periods: bool,
    /// Per filter: a row had its period (period filters).
    hits: Vec<Cell<bool>>,
    /// The first and last dates the period filters were tried on.
    dates: Cell<Option<(NaiveDate, NaiveDate)>>,
}

impl Selector {
    pub fn new(selection: Selection) -> Self {
        let cache = selection
            .filters
            .iter()
            .map(|_| FxHashMap::default())
            .collect();
        Selector {
            periods: selection.filters.iter().any(|f| f.dim.is_period()),
            hits: selection.filters.iter().map(|_| Cell::new(false)).collect(),
            dates: Cell::new(None),
            selection,
            cache,
        }
    }

    pub fn keeps(&mut self, row: &Contribution, interner: &Interner) -> bool {
        // Text first, so every value of a filtered dimension is seen (for `seen`).
        let text = self.keeps_text(row, interner);
        text && self.keeps_date(row.date)
    }

    /// The part of the decision that depends on the date alone.
    pub fn keeps_date(&self, date: NaiveDate) -> bool {
        let in_period = self.selection.period.is_none_or(|p| p.contains(date));
        if !self.periods {
            return in_period;
        }
        self.dates.set(Some(match self.dates.get() {
            None => (date, date),
            Some((first, last)) => (first.min(date), last.max(date)),
        }));
        let mut keep = in_period;
        for (f, hit) in self.selection.filters.iter().zip(&self.hits) {
            if f.dim.is_period() {
                let ok = f.keeps_period(date);
                hit.set(hit.get() | ok);
                keep &= ok;
            }
        }
        keep
    }

    /// The part that depends on text values alone. Every filter looks at the row (none stops
    /// at the first that fails), so each sees every value of its dimension once.
    pub fn keeps_text(&mut self, row: &Contribution, interner: &Interner) -> bool {
        let mut keep = true;
        for (filter, cache) in self.selection.filters.iter().zip(&mut self.cache) {
            if filter.dim.is_period() {
                continue;
            }
            let sym = row.text_sym(filter.dim);
            keep &= *cache
                .entry(sym)
                .or_insert_with(|| filter.may_accept(interner.get(sym)));
        }
        keep
    }

    /// What each filter saw, by filter.
    pub fn seen(&self, interner: &Interner) -> Vec<Seen> {
        self.cache
            .iter()
            .zip(&self.hits)
            .map(|(c, hit)| Seen {
                values: c.keys().map(|&s| interner.get(s).to_string()).collect(),
                matched: hit.get(),
                dates: self.dates.get(),
            })
            .collect()
    }
}

/// The dimensions reading must keep in group keys so that [`resolve`] can settle the text
/// filters: those of `dims`, then every text dimension filtered on (but measure, always kept).
pub fn keyed_dims(dims: &[Dim], selection: &Selection) -> Vec<Dim> {
    let mut all = dims.to_vec();
    for f in &selection.filters {
        if !f.dim.is_period() && f.dim != Dim::Measure && !all.contains(&f.dim) {
            all.push(f.dim);
        }
    }
    all
}

/// Whether reading must group by more than is shown, for [`resolve`].
pub fn needs_resolving(selection: &Selection) -> bool {
    selection.filters.iter().any(|f| !f.dim.is_period())
}

/// What `--where` came to once every value was seen.
pub struct Resolved {
    /// The groups under the dimensions shown (areas cut to depth).
    pub groups: Groups,
    /// Rows kept while reading that a filter drops now (they count as filtered).
    pub dropped: u64,
    /// Warnings about the filters: matched only ignoring accents, or not at all.
    pub notes: Vec<Kind>,
}

/// How many values a warning names.
const NAMED: usize = 5;

/// Warnings about period filters that matched no row they were tried on, naming the periods
/// of those rows.
pub fn unmatched_periods(selection: &Selection, seen: &[Seen]) -> Vec<Kind> {
    let mut notes = Vec::new();
    for (f, seen) in selection.filters.iter().zip(seen) {
        if !f.dim.is_period() || seen.matched {
            continue;
        }
        let Some((first, last)) = seen.dates else {
            continue;
        };
        let period = |d: NaiveDate| Period::from_code(f.dim, f.dim.period_code(d));
        for &given in &f.periods {
            notes.push(Kind::WherePeriodNothing {
                dim: f.dim,
                given,
                first: period(first),
                last: period(last),
            });
        }
    }
    notes
}

/// Settles the text filters of `selection` on `groups` (read under [`keyed_dims`], areas not
/// cut), given what each filter `seen`; returns the groups under `dims`, areas cut to `depth`.
pub fn resolve(
    groups: Groups,
    selection: &Selection,
    seen: &[Seen],
    dims: &[Dim],
    depth: Option<usize>,
) -> Result<Resolved> {
    let mut notes = Vec::new();
    // Per filter, per value asked for: how it matches, if at all.
    let mut ways: Vec<Vec<Option<Match>>> = Vec::new();
    let empty = BTreeSet::new();
    for (i, f) in selection.filters.iter().enumerate() {
        let values = seen.get(i).map_or(&empty, |s| &s.values);
        let mut per_want = Vec::new();
        for want in &f.texts {
            let matching = |how| values.iter().filter(move |v| f.matches(v, want, how));
            let way = if matching(Match::Exact).next().is_some() {
                Some(Match::Exact)
            } else if matching(Match::Folded).next().is_some() {
                notes.push(Kind::WhereFolded {
                    dim: f.dim,
                    given: want.given.clone(),
                    matched: matching(Match::Folded).take(NAMED).cloned().collect(),
                });
                Some(Match::Folded)
            } else {
                notes.push(Kind::WhereNothing {
                    dim: f.dim,
                    given: want.given.clone(),
                    closest: closest(f.dim, &want.folded, values),
                });
                None
            };
            per_want.push(way);
        }
        ways.push(per_want);
    }
    let position = |d: Dim| groups.dims.iter().position(|&g| g == d);
    // Per text filter: where its dimension is in a key (none: the measure), and its ways.
    type Check<'a> = (&'a Filter, Option<usize>, &'a Vec<Option<Match>>);
    let checks: Vec<Check> = selection
        .filters
        .iter()
        .zip(&ways)
        .filter(|(f, _)| !f.dim.is_period())
        .map(|(f, w)| (f, position(f.dim), w))
        .collect();
    let shown: Vec<Option<usize>> = dims.iter().map(|&d| position(d)).collect();
    let mut out: BTreeMap<Key, Acc> = BTreeMap::new();
    let mut dropped = 0u64;
    for (key, acc) in groups.map {
        let kept = checks.iter().all(|(f, at, ways)| {
            let value = match at {
                Some(i) => key.values[*i].to_string(),
                None => key.measure.clone(),
            };
            f.texts
                .iter()
                .zip(ways.iter())
                .any(|(want, way)| way.is_some_and(|how| f.matches(&value, want, how)))
        });
        if !kept {
            dropped += acc.count;
            continue;
        }
        let values = shown
            .iter()
            .map(|at| match at.map(|i| &key.values[i]) {
                Some(Value::Area(path)) => Value::Area(match depth {
                    Some(d) => cut_area(path, d).to_string(),
                    None => path.clone(),
                }),
                Some(v) => v.clone(),
                None => Value::Text(String::new()),
            })
            .collect();
        let key = Key {
            values,
            measure: key.measure,
        };
        out.entry(key).or_default().absorb(&acc)?;
    }
    Ok(Resolved {
        groups: Groups {
            dims: dims.to_vec(),
            map: out,
        },
        dropped,
        notes,
    })
}

/// How many of the closest values a warning names.
const CLOSEST: usize = 3;

/// The values of `seen` most like `folded` (accents and case aside): those that begin like it
/// first (by edit distance to their start), then by edit distance to the whole; for an area,
/// the nearest of its whole path, the paths above it and each of its levels (`Khu 3` is close
/// to `Yên Giang/Khu 3`). At most [`CLOSEST`], closest first.
fn closest(dim: Dim, folded: &str, seen: &BTreeSet<String>) -> Vec<String> {
    let length = folded.chars().count();
    let like = |c: &str| {
        let start: String = c.chars().take(length).collect();
        (distance(folded, &start), distance(folded, c))
    };
    let score = |v: &str| {
        let v = fold_accents(v);
        if dim != Dim::Area {
            return like(&v);
        }
        let levels = v.split('/').map(like);
        let paths = v.match_indices('/').map(|(i, _)| like(&v[..i]));
        levels.chain(paths).fold(like(&v), std::cmp::min)
    };
    let mut scored: Vec<((usize, usize), &String)> = seen
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| (score(v), v))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(CLOSEST)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(here)
            };
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("hoi phu nu", "hoi phu nu"), 0);
        assert_eq!(distance("hoi nong", "hoi nong dan"), 4);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn exact_and_folded_matches() {
        let f = Filter::text(Dim::Unit, " hội  phụ nữ ");
        let w = &f.texts[0];
        assert!(f.matches("Hội Phụ nữ", w, Match::Exact));
        assert!(!f.matches("Hoi Phu Nu", w, Match::Exact));
        assert!(f.matches("Hoi Phu Nu", w, Match::Folded));
        let a = Filter::text(Dim::Area, "yen giang");
        assert!(a.matches("Yên Giang/Khu 3", &a.texts[0], Match::Folded));
        assert!(!a.matches("Yên Giang 2", &a.texts[0], Match::Folded));
    }
}

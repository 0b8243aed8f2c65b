//! Which rows count: `--period` and `--where`, decided per row with per-value caches so a
//! repeated unit or area is compared once, not once per row.

use crate::domain::measure::canonical_measure;
use crate::domain::text::{area_under, normalize, normalize_area};
use crate::domain::{DateRange, Dim, Period};
use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

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
    /// Normalized and lower-cased; areas are path prefixes.
    pub values: Vec<String>,
}

impl Filter {
    /// Folds a value the way it is compared: normalized text, case ignored.
    pub fn fold(dim: Dim, value: &str) -> String {
        match dim {
            Dim::Area => normalize_area(value).to_lowercase(),
            Dim::Measure => canonical_measure(value).to_lowercase(),
            _ => normalize(value).to_lowercase(),
        }
    }

    /// Whether a row's value (already normalized, or a period printed) passes.
    pub fn accepts(&self, value: &str) -> bool {
        let v = value.to_lowercase();
        self.values.iter().any(|want| match self.dim {
            Dim::Area => area_under(&v, want),
            _ => v == *want,
        })
    }
}

pub struct Selector {
    selection: Selection,
    cache: Vec<FxHashMap<Sym, bool>>,
}

impl Selector {
    pub fn new(selection: Selection) -> Self {
        let cache = selection
            .filters
            .iter()
            .map(|_| FxHashMap::default())
            .collect();
        Selector { selection, cache }
    }

    pub fn keeps(&mut self, row: &Contribution, interner: &Interner) -> bool {
        self.keeps_date(row.date) && self.keeps_text(row, interner)
    }

    /// The part of the decision that depends on the date alone.
    pub fn keeps_date(&self, date: NaiveDate) -> bool {
        self.selection.period.is_none_or(|p| p.contains(date))
            && self
                .selection
                .filters
                .iter()
                .filter(|f| f.dim.is_period())
                .all(|f| f.accepts(&Period::from_code(f.dim, f.dim.period_code(date)).to_string()))
    }

    /// The part that depends on text values alone.
    pub fn keeps_text(&mut self, row: &Contribution, interner: &Interner) -> bool {
        for (filter, cache) in self.selection.filters.iter().zip(&mut self.cache) {
            if filter.dim.is_period() {
                continue;
            }
            let sym = row.text_sym(filter.dim);
            let ok = *cache
                .entry(sym)
                .or_insert_with(|| filter.accepts(interner.get(sym)));
            if !ok {
                return false;
            }
        }
        true
    }
}

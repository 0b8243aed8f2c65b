//! Which rows count: `--period` and `--where`, decided per row with per-value caches so a
//! repeated unit or area is compared once, not once per row.

use crate::aggregate::text_sym;
use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};
use crate::spec::Selection;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

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
                .all(|f| f.accepts(&f.dim.format_period(f.dim.period_code(date))))
    }

    /// The part that depends on text values alone.
    pub fn keeps_text(&mut self, row: &Contribution, interner: &Interner) -> bool {
        for (filter, cache) in self.selection.filters.iter().zip(&mut self.cache) {
            if filter.dim.is_period() {
                continue;
            }
            let sym = text_sym(row, filter.dim);
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

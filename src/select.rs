//! Which rows count: `--period` and `--where`, decided per row with per-value caches so a
//! repeated unit or area is compared once, not once per row.

use crate::aggregate::text_sym;
use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};
use crate::spec::Selection;
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
        if let Some(p) = self.selection.period
            && !p.contains(row.date)
        {
            return false;
        }
        for (filter, cache) in self.selection.filters.iter().zip(&mut self.cache) {
            let ok = if filter.dim.is_period() {
                filter.accepts(&filter.dim.format_period(filter.dim.period_code(row.date)))
            } else {
                let sym = text_sym(row, filter.dim);
                *cache
                    .entry(sym)
                    .or_insert_with(|| filter.accepts(interner.get(sym)))
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

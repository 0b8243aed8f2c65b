//! The fast lane: rows that repeat what an earlier row already proved skip normalization.
//!
//! A valid row's group (and whether the text filters keep it) is a pure function of its raw text
//! cells (unit, area, model, measure… as written) and the period codes of its date. The slow path
//! (`ledger::row`) normalizes, joins the registry and validates; when it finds a row valid, the
//! fast lane remembers "these raw bytes → this group slot". Later rows with the same raw bytes, a
//! plainly written date and a plain amount are then added with one hash lookup. Anything unusual
//! (another date shape, a currency mark, an ambiguous number, an unknown model, a wrong field
//! count) goes the slow way, so both ways give the same answer by construction.

use super::sets::Sets;
use crate::aggregate::Grouping;
use crate::aggregate::LocalGroups;
use crate::domain::Dim;
use crate::ledger::Col;
use crate::ledger::date::parse_date_bytes;
use crate::ledger::number::{Convention, Reading, parse_amount_bytes};
use crate::ledger::record::Record;
use crate::ledger::row::{Layout, Needs};
use crate::select::Selector;
use anyhow::Result;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// Remembered rows beyond this many are not added (hostile files with endless distinct values
/// then simply take the slow path), which keeps memory bounded.
const MAX_MEMO: usize = 1 << 18;
const MAX_ARENA: usize = 32 << 20;

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

#[derive(Debug, Clone, Copy)]
enum Memo {
    Slot(u32),
    TextFiltered,
}

/// What the fast lane did with a record.
pub enum Fast {
    Counted(Option<Convention>),
    Filtered(Option<Convention>),
    /// Not known here: the slow path decides.
    Unknown,
}

pub struct FastLane {
    parts: Vec<Col>,
    periods: Vec<Dim>,
    /// Remembered keys, end to end in `arena`; the table holds (offset, length, memo).
    memo: HashTable<(u32, u32, Memo)>,
    arena: Vec<u8>,
    key: Vec<u8>,
    /// `key` holds the complete key of the record last tried, and it was plain enough to learn.
    learnable: bool,
}

impl FastLane {
    pub fn new(needs: Needs, has_registry: bool, grouping: &Grouping) -> FastLane {
        let mut parts = vec![Col::Measure];
        for (on, col) in [
            (needs.unit, Col::Unit),
            (needs.area, Col::Area),
            (needs.field, Col::Field),
            (needs.source, Col::Source),
            (needs.model || has_registry, Col::Model),
        ] {
            if on {
                parts.push(col);
            }
        }
        FastLane {
            parts,
            periods: grouping
                .dims
                .iter()
                .copied()
                .filter(|d| d.is_period())
                .collect(),
            memo: HashTable::new(),
            arena: Vec::new(),
            key: Vec::with_capacity(256),
            learnable: false,
        }
    }

    /// Adds `rec` if an earlier row proved what it is.
    pub fn try_record(
        &mut self,
        rec: &Record<'_>,
        layout: &Layout,
        selector: &Selector,
        groups: &mut LocalGroups,
        sets: Option<&mut Sets>,
    ) -> Result<Fast> {
        self.learnable = false;
        if rec.len() != layout.columns.width() || rec.unclosed_quote() {
            return Ok(Fast::Unknown);
        }
        let cell = |col: Col| layout.index(col).map_or(&b""[..], |i| rec.bytes(i));
        let Ok(date) = parse_date_bytes(cell(Col::Date)) else {
            return Ok(Fast::Unknown);
        };
        let Ok(amount) = parse_amount_bytes(cell(Col::Amount).trim_ascii()) else {
            return Ok(Fast::Unknown);
        };
        let (value, evidence) = match amount.reading {
            Reading::Exact { value, evidence } if !amount.currency => (value, evidence),
            _ => return Ok(Fast::Unknown),
        };
        self.key.clear();
        for &col in &self.parts {
            let bytes = cell(col);
            self.key
                .extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            self.key.extend_from_slice(bytes);
        }
        for d in &self.periods {
            self.key
                .extend_from_slice(&d.period_code(date).to_le_bytes());
        }
        self.learnable = true;
        let (arena, key) = (&self.arena, self.key.as_slice());
        let found = self.memo.find(hash_bytes(key), |&(at, len, _)| {
            &arena[at as usize..(at + len) as usize] == key
        });
        match found.map(|&(_, _, memo)| memo) {
            None => Ok(Fast::Unknown),
            Some(Memo::TextFiltered) => Ok(Fast::Filtered(evidence)),
            Some(Memo::Slot(slot)) => {
                if selector.keeps_date(date) {
                    groups.add_to(slot, value)?;
                    if let Some(sets) = sets {
                        sets.add(slot, groups, date, value)?;
                    }
                    Ok(Fast::Counted(evidence))
                } else {
                    Ok(Fast::Filtered(evidence))
                }
            }
        }
    }

    /// After the slow path found the record last tried valid: `Some(slot)` when it was added
    /// there, `None` when the text filters left it out.
    pub fn learn(&mut self, slot: Option<u32>) {
        if !self.learnable
            || self.memo.len() >= MAX_MEMO
            || self.arena.len() + self.key.len() > MAX_ARENA
        {
            return;
        }
        let memo = slot.map_or(Memo::TextFiltered, Memo::Slot);
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(&self.key);
        let arena = &self.arena;
        self.memo.insert_unique(
            hash_bytes(&self.key),
            (at, self.key.len() as u32, memo),
            |&(at, len, _)| hash_bytes(&arena[at as usize..(at + len) as usize]),
        );
        self.learnable = false;
    }
}

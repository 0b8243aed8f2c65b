//! `summary`'s plainest and most common shape, the long CSV in label order, written straight
//! from the groups as the engine leaves them: keys of symbols of one interner. The general path
//! turns every group into a text key, orders them in a tree, builds a line and its cells for
//! each and only then writes; with millions of groups (a province's units, models by month)
//! that is most of the run and most of its memory. Here each distinct text is ranked once in
//! the report's order, groups are put in order as numbers, and each line is written from its
//! symbols.
//!
//! The bytes are the general path's, line for line ([`crate::render::csv::LongWriter`] makes
//! the cells of both): lines in the order `summarize` gives them (labels in the text order, labels
//! that order alike in the byte order of their texts, measures VND, work-days, m² then the rest
//! by name). Anything this path does not cover ([`fits`]), or a total no decimal holds (whose
//! error the general path names), goes the general way.

use super::summary::{SortBy, SummarySpec};
use crate::aggregate::{LocalGroups, order_by_parts};
use crate::domain::amount::Exact;
use crate::domain::measure::measure_rank;
use crate::domain::order::{TextOrder, text_ranks};
use crate::domain::{Dim, Period};
use crate::ledger::intern::Interner;
use crate::problem::Kind;
use crate::render::csv::{Long, LongWriter};
use crate::render::{self, Format};
use crate::report::table::Cell;
use crate::report::variants::similar_values;
use anyhow::{Result, anyhow};
use rustc_hash::FxHashMap;
use std::io::Write;

/// Whether a summary can be written this way: long CSV (danvan's own or Excel's), lines by
/// label, no `--top`, shares, pivot, tree or change, each grouping dimension a label (no
/// `--where` on text left to settle, which groups by more) and none of them the measure.
pub fn fits(
    spec: &SummarySpec,
    grouped_by: &[Dim],
    format: Format,
    options: render::Options,
    reshaped: bool,
) -> bool {
    format == Format::Csv
        && !options.wide
        && spec.sort == SortBy::Key
        && spec.top.is_none()
        && !spec.percent
        && matches!(spec.columns, None | Some(Dim::Measure))
        && !reshaped
        && spec.by == grouped_by
        && !spec.by.contains(&Dim::Measure)
}

/// The groups in the order their lines are written, once every total is known to print.
pub struct Ordered {
    slots: Vec<u32>,
}

/// The groups' slots in line order, or `None` when a total (a group's, or a measure's grand
/// total, which the general path adds up too) is one no decimal holds exactly: the general path
/// then names it as it always has.
pub fn order(groups: &LocalGroups, interner: &Interner, order: &dyn TextOrder) -> Option<Ordered> {
    let dims = groups.dims();
    let width = dims.len() + 1;
    let key = |slot: usize| groups.key_of(slot as u32);
    // Every total must print; the grand total of each measure too.
    let mut grand: FxHashMap<u32, Exact> = FxHashMap::default();
    for slot in 0..groups.len() {
        let acc = groups.acc(slot as u32)?;
        acc.total.to_decimal()?;
        let measure = key(slot)[width - 1];
        grand
            .entry(measure)
            .or_default()
            .add_exact(&acc.total)
            .ok()?;
    }
    if grand.values().any(|g| g.to_decimal().is_none()) {
        return None;
    }
    // Each text of a label once, ranked in the report's order among all of them (a symbol
    // stands for one text whichever dimension it is in, so one rank serves every dimension).
    let is_text: Vec<bool> = dims.iter().map(|d| !d.is_period()).collect();
    let mut used = vec![false; interner.len()];
    for slot in 0..groups.len() {
        for (&x, _) in key(slot).iter().zip(&is_text).filter(|(_, text)| **text) {
            used[x as usize] = true;
        }
    }
    let symbols: Vec<u32> = (0..used.len() as u32)
        .filter(|&x| used[x as usize])
        .collect();
    let texts: Vec<&str> = symbols.iter().map(|&x| interner.get(x)).collect();
    let ranks = text_ranks(order, &texts);
    let mut rank = vec![0u32; interner.len()];
    for (&x, &r) in symbols.iter().zip(&ranks) {
        rank[x as usize] = r;
    }
    // Texts that order alike (they differ only in what the order ignores) leave their lines in
    // the byte order of their labels, as the general path's stable sort does: then the texts'
    // byte ranks come after the order's ranks.
    let ties = ranks.iter().max().map_or(0, |&m| m as usize + 1) < texts.len();
    let bytes = if ties {
        groups.byte_ranks(interner)
    } else {
        Vec::new()
    };
    // Measures as the columns of the general path: VND, work-days, m², then by name.
    let mut measures: Vec<u32> = grand.keys().copied().collect();
    measures.sort_by_key(|&m| (measure_rank(interner.get(m)).0, interner.get(m)));
    let mut column = FxHashMap::default();
    for (i, &m) in measures.iter().enumerate() {
        column.insert(m, i as u32);
    }
    let n = dims.len();
    let parts = if ties { 2 * n + 1 } else { n + 1 };
    let part = |slot: usize, p: usize| -> u32 {
        let key = key(slot);
        match p {
            p if p < n && is_text[p] => rank[key[p] as usize],
            p if p < n => key[p],
            p if p < parts - 1 && is_text[p - n] => bytes[key[p - n] as usize],
            p if p < parts - 1 => 0,
            _ => column.get(&key[n]).copied().unwrap_or(0),
        }
    };
    Some(Ordered {
        slots: order_by_parts(groups.len(), parts, part, u64::BITS),
    })
}

/// The findings of [`crate::report::variants::similar_keys`] for these groups: the same texts,
/// taken from the symbols.
pub fn similar_keys(groups: &LocalGroups, interner: &Interner) -> Vec<Kind> {
    let mut out = Vec::new();
    for (d, &dim) in groups.dims().iter().enumerate() {
        if dim.is_period() {
            continue;
        }
        let mut used = vec![false; interner.len()];
        for slot in 0..groups.len() {
            used[groups.key_of(slot as u32)[d] as usize] = true;
        }
        let values = (0..used.len() as u32)
            .filter(|&x| used[x as usize])
            .map(|x| interner.get(x));
        out.extend(similar_values(dim, values));
    }
    out
}

/// Writes the long CSV of `groups` in `ordered`'s order into `out`.
pub fn write(
    groups: &LocalGroups,
    interner: &Interner,
    ordered: &Ordered,
    options: render::Options,
    out: &mut dyn Write,
) -> Result<()> {
    let dims = groups.dims();
    let shape = Long {
        dims,
        tree: false,
        shares: false,
    };
    let mut w = LongWriter::new(out, options.raw, options.excel, shape)?;
    // A period's text once per period, not once per line.
    let mut periods: FxHashMap<(usize, u32), String> = FxHashMap::default();
    for &slot in &ordered.slots {
        for (d, &dim) in dims.iter().enumerate() {
            if dim.is_period() {
                let code = groups.key_of(slot)[d];
                (periods.entry((d, code)))
                    .or_insert_with(|| Period::from_code(dim, code).to_string());
            }
        }
    }
    let mut label: Vec<&str> = Vec::with_capacity(dims.len());
    for &slot in &ordered.slots {
        let key = groups.key_of(slot);
        label.clear();
        for (d, &dim) in dims.iter().enumerate() {
            label.push(match dim.is_period() {
                true => periods.get(&(d, key[d])).map_or("", String::as_str),
                false => interner.get(key[d]),
            });
        }
        let acc = (groups.acc(slot)).ok_or_else(|| anyhow!("internal error: no group {slot}"))?;
        let total = (acc.total.to_decimal())
            .ok_or_else(|| anyhow!("internal error: a total checked to print does not"))?;
        let measure = interner.get(key[dims.len()]);
        w.line(&label, measure, total, Cell::Count(acc.count), None)?;
    }
    w.finish()
}

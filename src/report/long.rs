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
        // A symbol is one text: each comes once.
        let values = (0..used.len() as u32)
            .filter(|&x| used[x as usize])
            .map(|x| interner.get(x))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Grouping;
    use crate::domain::Lang;
    use crate::domain::order::CodePoints;
    use crate::present::Locale;
    use crate::present::collation::VIETNAMESE;
    use crate::render::csv::Excel;
    use crate::report::summary::summarize;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// Units a clerk writes, with texts the Vietnamese order holds equal (`Khu 2`, `Khu 02`:
    /// numbers compare as numbers), case and accents apart, a formula and a number to
    /// neutralize, and no unit at all.
    const UNITS: &[&str] = &[
        "Khu 2",
        "Khu 02",
        "khu 2",
        "Khu 10",
        "Khu 9",
        "Đoàn",
        "Doan",
        "doàn",
        "=SUM(A1)",
        "-5",
        "",
        "Hội Phụ nữ",
        "Hội phụ nữ",
        "a,\"b\"",
    ];
    const MEASURES: &[&str] = &["VND", "workday", "m2", "kg", "cây"];

    /// Groups of `rows` (unit, other, measure, amount, scale) under `dims` (a text or area as
    /// the second dimension takes its text from `UNITS` too, a period its month).
    fn groups(dims: &[Dim], rows: &[(usize, usize, usize, i64, u32)]) -> (LocalGroups, Interner) {
        let mut interner = Interner::default();
        let mut groups = LocalGroups::new(Grouping {
            dims: dims.to_vec(),
            depth: None,
        });
        for &(unit, other, measure, amount, scale) in rows {
            let mut key: Vec<u32> = Vec::new();
            for (i, dim) in dims.iter().enumerate() {
                let pick = if i == 0 { unit } else { other };
                key.push(match dim.is_period() {
                    true => 202_401 + (pick % 12) as u32,
                    false => interner.intern(UNITS[pick % UNITS.len()]),
                });
            }
            key.push(interner.intern(MEASURES[measure % MEASURES.len()]));
            let slot = groups.slot_of(&key);
            let amount = match amount {
                i64::MAX => Decimal::MAX,
                i64::MIN => Decimal::MIN,
                _ => Decimal::new(amount, scale),
            };
            groups.add_to(slot, amount).unwrap();
        }
        (groups, interner)
    }

    /// The general path: text keys, `summarize`, the table's CSV writer.
    fn general(
        dims: &[Dim],
        rows: &[(usize, usize, usize, i64, u32)],
        order: &'static dyn TextOrder,
        options: render::Options,
    ) -> Result<Vec<u8>> {
        let (g, interner) = groups(dims, rows);
        let spec = SummarySpec {
            by: dims.to_vec(),
            columns: None,
            measure: "VND".into(),
            sort: SortBy::Key,
            top: None,
            percent: false,
        };
        let summary = summarize(g.into_groups(&interner)?, &spec, order)?;
        let mut out = Vec::new();
        let locale = Locale {
            order,
            ..Locale::of(Lang::En)
        };
        render::write(&summary.table, Format::Csv, options, &locale, &mut out)?;
        Ok(out)
    }

    /// This path, or `None` when it leaves the groups to the general one.
    fn direct(
        dims: &[Dim],
        rows: &[(usize, usize, usize, i64, u32)],
        order_of_texts: &'static dyn TextOrder,
        options: render::Options,
    ) -> Option<Vec<u8>> {
        let (g, interner) = groups(dims, rows);
        let ordered = order(&g, &interner, order_of_texts)?;
        let mut out = Vec::new();
        write(&g, &interner, &ordered, options, &mut out).unwrap();
        Some(out)
    }

    #[test]
    fn the_unit_list_holds_texts_the_vietnamese_order_ties() {
        let ranks = text_ranks(&*VIETNAMESE, &["Khu 2", "Khu 02", "Khu 10"]);
        assert_eq!(ranks, [0, 0, 1]);
    }

    proptest! {
        /// The same bytes as the general path, whatever the order of texts (one with ties, one
        /// without), the dimensions (texts, an area, a period), CSV form (danvan's, Excel's,
        /// raw) and totals; and where a total no decimal holds, no bytes at all, the general
        /// path failing too.
        #[test]
        fn lines_are_the_general_paths_byte_for_byte(
            rows in proptest::collection::vec(
                (0usize..14, 0usize..14, 0usize..5, -10_000_000i64..10_000_000, 0u32..4),
                0..80,
            ),
            huge in proptest::collection::vec(0usize..80, 0..3),
            dims in prop_oneof![
                Just(vec![Dim::Unit]),
                Just(vec![Dim::Unit, Dim::Month]),
                Just(vec![Dim::Month, Dim::Unit]),
                Just(vec![Dim::Unit, Dim::Area]),
            ],
            vietnamese in any::<bool>(),
            form in 0u8..3,
        ) {
            // A few rows of the largest and the smallest amount a decimal holds, in a case of
            // ten: two alike, or one and more, make a total that no decimal holds (a group's,
            // while the grand total, one of each, may hold).
            let mut rows = rows;
            if rows.len() % 10 == 0 {
                let n = rows.len();
                for (i, &at) in huge.iter().filter(|&&at| at < n).enumerate() {
                    rows[at].3 = if i % 2 == 0 { i64::MAX } else { i64::MIN };
                }
            }
            let order: &'static dyn TextOrder = if vietnamese { &*VIETNAMESE } else { &CodePoints };
            let options = render::Options {
                raw: form == 2,
                wide: false,
                excel: (form == 1).then(|| Excel::of(Lang::Vi)),
            };
            match (direct(&dims, &rows, order, options), general(&dims, &rows, order, options)) {
                (Some(d), Ok(g)) => prop_assert_eq!(
                    String::from_utf8_lossy(&d),
                    String::from_utf8_lossy(&g)
                ),
                (None, Err(e)) => prop_assert!(e.to_string().contains("digits"), "{}", e),
                (d, g) => prop_assert!(false, "direct {:?}, general {:?}", d.is_some(), g.is_ok()),
            }
        }
    }

    /// Texts the order ties are told apart by the dimensions after them first, and only then
    /// by the byte order of the labels (the general path's stable sort): not by their own bytes
    /// at once.
    #[test]
    fn lines_whose_texts_tie_keep_the_byte_order_of_their_labels() {
        // `Khu 02` and `Khu 2` tie; their second texts order the other way.
        let rows = [(1, 0, 0, 1, 0), (0, 6, 0, 2, 0)];
        let dims = [Dim::Unit, Dim::Field];
        let options = render::Options::default();
        let got = direct(&dims, &rows, &*VIETNAMESE, options).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "unit,field,measure,total,count\nKhu 2,Doan,VND,2,1\nKhu 02,Khu 2,VND,1,1\n"
        );
        let want = general(&dims, &rows, &*VIETNAMESE, options).unwrap();
        assert_eq!(direct(&dims, &rows, &*VIETNAMESE, options).unwrap(), want);
    }

    /// A group's total no decimal holds while the grand total does (the largest amount and one
    /// more in one unit, the smallest in another): the general path names it, so this path
    /// leaves it alone.
    #[test]
    fn a_group_total_too_long_goes_the_general_way() {
        let rows = [
            (0, 0, 0, i64::MAX, 0),
            (0, 0, 0, 1, 0),
            (3, 0, 0, i64::MIN, 0),
        ];
        let options = render::Options::default();
        assert!(direct(&[Dim::Unit], &rows, &CodePoints, options).is_none());
        let e = general(&[Dim::Unit], &rows, &CodePoints, options).unwrap_err();
        assert!(e.to_string().contains("Khu 2"), "{e}");
    }
}

//! Group keys that differ only in case, accents or spacing (`Hội Phụ nữ` / `Hội phụ nữ` /
//! `Hội Phụnữ`): a summary adds them up apart, which is what the ledger says but rarely what
//! the clerk meant. One finding per dimension, naming the first few pairs, for `summary` to
//! warn about; `check` shows where each spelling is written.

use crate::aggregate::Groups;
use crate::domain::order::on_threads;
use crate::domain::text::fold_spelling_into;
use crate::domain::{Dim, Value};
use crate::problem::Kind;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// How many pairs a finding names.
const SHOWN: usize = 3;

/// Below this many values one thread folds them: starting threads would cost more.
const PARALLEL_FROM: usize = 50_000;

fn hash_of(spelling: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(spelling);
    h.finish()
}

/// Per text dimension of `groups`, the values that fold to one, as pairs (each spelling beside
/// the first of its family), and how many more pairs there are.
///
/// A summary can have millions of groups, almost all of them alone in their family: each
/// distinct value is folded once into a reused buffer and only the 8-byte hash of its fold is
/// kept; values whose hashes collide are folded again and grouped by their real fold, so a
/// hash collision never makes a family and memory stays at a few words per value.
pub fn similar_keys(groups: &Groups) -> Vec<Kind> {
    let mut out = Vec::new();
    for (i, &dim) in groups.dims.iter().enumerate() {
        if dim.is_period() {
            continue;
        }
        // Each distinct value once (groups repeat them).
        let mut values: Vec<&str> = (groups.map.keys())
            .filter_map(|k| match &k.values[i] {
                Value::Text(t) | Value::Area(t) => Some(t.as_str()),
                Value::Period(_) => None,
            })
            .collect();
        values.sort_unstable();
        values.dedup();
        out.extend(similar_values(dim, values));
    }
    out
}

/// The finding of [`similar_keys`] for one text dimension, from its distinct values in any
/// order (the finding does not depend on it); `None` when no two fold to one.
pub fn similar_values(dim: Dim, values: Vec<&str>) -> Option<Kind> {
    // Many values are folded on every core, a part each.
    let parts = if values.len() < PARALLEL_FROM {
        1
    } else {
        crate::domain::order::cores()
    };
    similar_values_in(dim, values, parts)
}

/// [`similar_values`], folding the values in `parts` parts on as many threads.
///
/// Each part's values are folded and hashed on a thread, into its own stretch of one list made
/// here, and sorted there by hash; the parts are then walked side by side for hashes met more
/// than once. No step moves every value on one core (a merge of the parts' sorted lists did, a
/// tenth of a second at two million names), and the threads allocate nothing: memory a thread
/// frees stays with it, and two million names' worth of it was more than the summary's peak.
fn similar_values_in(dim: Dim, mut values: Vec<&str>, parts: usize) -> Option<Kind> {
    values.retain(|v| !v.is_empty());
    let size = values.len().div_ceil(parts.max(1)).max(1);
    // Per value, in parts: (hash of its spelling, its index).
    let mut hashed: Vec<Hashed> = vec![(0, 0); values.len()];
    let pieces: Vec<_> = (0..)
        .step_by(size)
        .zip(values.chunks(size).zip(hashed.chunks_mut(size)))
        .collect();
    on_threads(
        pieces,
        |(from, (mine, out)): (usize, (&[&str], &mut [Hashed]))| {
            let mut buf = Vec::new();
            for ((i, v), slot) in (from..).zip(mine).zip(out.iter_mut()) {
                fold_spelling_into(v, &mut buf);
                *slot = (hash_of(&buf), i as u32);
            }
            out.sort_unstable_by_key(|&(h, _)| h);
        },
    );
    let candidates = repeated_hashes(hashed.chunks(size).collect());
    drop(hashed);
    // Families by their real spelling, from runs of one hash; each family's spellings in order.
    let mut families: Vec<(Vec<u8>, Vec<&str>)> = Vec::new();
    let mut buf = Vec::new();
    for run in &candidates {
        let mut folded: Vec<(Vec<u8>, &str)> = run
            .iter()
            .map(|&i| {
                let v = values[i as usize];
                fold_spelling_into(v, &mut buf);
                (buf.clone(), v)
            })
            .collect();
        folded.sort_unstable();
        for family in folded.chunk_by(|a, b| a.0 == b.0).filter(|f| f.len() > 1) {
            let spellings = family.iter().map(|&(_, v)| v).collect();
            families.push((family[0].0.clone(), spellings));
        }
    }
    families.sort_unstable();
    let pairs: Vec<(String, String)> = families
        .iter()
        .flat_map(|(_, f)| f[1..].iter().map(|v| (f[0].to_string(), v.to_string())))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let more = pairs.len().saturating_sub(SHOWN);
    Some(Kind::KeysDiffer {
        dim,
        pairs: pairs.into_iter().take(SHOWN).collect(),
        more,
    })
}

/// A value's spelling hashed, and the value's index.
type Hashed = (u64, u32);

/// The indices of every hash met more than once in `sorted` (lists each sorted by hash), a run
/// per hash: the lists walked side by side, the least hash of their heads taken each step.
fn repeated_hashes(mut sorted: Vec<&[Hashed]>) -> Vec<Vec<u32>> {
    let (mut runs, mut run) = (Vec::new(), Vec::new());
    while let Some(least) = sorted
        .iter()
        .filter_map(|s| s.first())
        .map(|&(h, _)| h)
        .min()
    {
        run.clear();
        for list in sorted.iter_mut() {
            let alike = list.iter().take_while(|&&(h, _)| h == least).count();
            run.extend(list[..alike].iter().map(|&(_, i)| i));
            *list = &list[alike..];
        }
        if run.len() > 1 {
            runs.push(run.clone());
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The finding is the same in one part or several, whatever order the values come in:
    /// families that straddle the parts are found whole.
    #[test]
    fn values_folded_in_parts_find_the_same_families() {
        let mut values: Vec<String> = (0..600).map(|n| format!("Khu dân cư {n}")).collect();
        values.extend((0..600).step_by(7).map(|n| format!("khu dan cu {n}")));
        values.extend(["Đoàn".into(), "Doan".into(), String::new()]);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let one = similar_values_in(Dim::Unit, values.clone(), 1).unwrap();
        let Kind::KeysDiffer { more, .. } = &one else {
            panic!("{one:?}")
        };
        assert_eq!(*more, 86 + 1 - SHOWN);
        for parts in 2..5 {
            let mut reversed = values.clone();
            reversed.reverse();
            assert_eq!(
                similar_values_in(Dim::Unit, values.clone(), parts),
                Some(one.clone())
            );
            assert_eq!(
                similar_values_in(Dim::Unit, reversed, parts),
                Some(one.clone())
            );
        }
    }
    use crate::domain::Key;
    use rust_decimal::Decimal;

    #[test]
    fn keys_that_fold_to_one() {
        let mut g = Groups::new(vec![Dim::Unit, Dim::Month]);
        for unit in [
            "Hội Phụ nữ",
            "Hội phụ nữ",
            "Hội Phụnữ",
            "Đoàn TN",
            "doan tn",
            "X",
        ] {
            let key = Key {
                values: vec![
                    Value::Text(unit.into()),
                    Value::Period(crate::domain::Period::Month(2024, 3)),
                ],
                measure: "VND".into(),
            };
            g.add(key, Decimal::ONE, 1).unwrap();
        }
        assert_eq!(
            similar_keys(&g),
            vec![Kind::KeysDiffer {
                dim: Dim::Unit,
                pairs: vec![
                    ("doan tn".into(), "Đoàn TN".into()),
                    ("Hội Phụ nữ".into(), "Hội Phụnữ".into()),
                    ("Hội Phụ nữ".into(), "Hội phụ nữ".into()),
                ],
                more: 0,
            }]
        );
    }
}

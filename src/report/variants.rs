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

/// Which of `buckets` a hash goes to: its high bits, the ones a multiplicative hash mixes best.
fn bucket_of(hash: u64, buckets: usize) -> usize {
    ((u128::from(hash) * buckets as u128) >> 64) as usize
}

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
/// Each part's values are folded and hashed on a thread and cut by hash into as many buckets
/// as parts, so every spelling of one fold lands in one bucket whatever part it came from; each
/// bucket is then gathered from every part and sorted by hash on a thread of its own. No step
/// runs on one core over every value (a merge of the parts' sorted lists did, a tenth of a
/// second at two million names).
fn similar_values_in(dim: Dim, values: Vec<&str>, parts: usize) -> Option<Kind> {
    let parts = parts.max(1);
    let size = values.len().div_ceil(parts).max(1);
    let chunks: Vec<(usize, &[&str])> = (0..).step_by(size).zip(values.chunks(size)).collect();
    // Per part, per bucket: (hash of the spelling, index of the value).
    let bucketed = on_threads(chunks, |(from, part)| {
        let mut buckets: Vec<Vec<(u64, u32)>> =
            vec![Vec::with_capacity(part.len() / parts + 1); parts];
        let mut buf = Vec::new();
        for (i, v) in (from..).zip(part) {
            if v.is_empty() {
                continue;
            }
            fold_spelling_into(v, &mut buf);
            let h = hash_of(&buf);
            buckets[bucket_of(h, parts)].push((h, i as u32));
        }
        buckets
    });
    let candidates = on_threads((0..parts).collect(), |b| {
        let mut mine: Vec<(u64, u32)> = (bucketed.iter())
            .flat_map(|p| p[b].iter().copied())
            .collect();
        mine.sort_unstable_by_key(|&(h, _)| h);
        (mine.chunk_by(|a, b| a.0 == b.0))
            .filter(|run| run.len() > 1)
            .map(|run| run.iter().map(|&(_, i)| i).collect::<Vec<u32>>())
            .collect::<Vec<_>>()
    });
    drop(bucketed);
    // Families by their real spelling, from runs of one hash; each family's spellings in order.
    let mut families: Vec<(Vec<u8>, Vec<&str>)> = Vec::new();
    let mut buf = Vec::new();
    for run in candidates.iter().flatten() {
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

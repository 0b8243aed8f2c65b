//! Group keys that differ only in case, accents or spacing (`Hội Phụ nữ` / `Hội phụ nữ` /
//! `Hội Phụnữ`): a summary adds them up apart, which is what the ledger says but rarely what
//! the clerk meant. One finding per dimension, naming the first few pairs, for `summary` to
//! warn about; `check` shows where each spelling is written.

use crate::aggregate::Groups;
use crate::domain::Value;
use crate::domain::text::fold_accents;
use crate::problem::Kind;
use std::collections::{BTreeMap, BTreeSet};

/// How many pairs a finding names.
const SHOWN: usize = 3;

/// A text that ignores case, accents and every space.
fn folded(value: &str) -> String {
    fold_accents(value)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Per text dimension of `groups`, the values that fold to one, as pairs (each spelling beside
/// the first of its family), and how many more pairs there are.
pub fn similar_keys(groups: &Groups) -> Vec<Kind> {
    let mut out = Vec::new();
    for (i, &dim) in groups.dims.iter().enumerate() {
        if dim.is_period() {
            continue;
        }
        // Each distinct value once (groups repeat them), folded once.
        let values: BTreeSet<&str> = groups
            .map
            .keys()
            .filter_map(|k| match &k.values[i] {
                Value::Text(t) | Value::Area(t) if !t.is_empty() => Some(t.as_str()),
                _ => None,
            })
            .collect();
        let mut families: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for v in values {
            families.entry(folded(v)).or_default().push(v);
        }
        let pairs: Vec<(String, String)> = families
            .values()
            .filter(|f| f.len() > 1)
            .flat_map(|f| f[1..].iter().map(|v| (f[0].to_string(), v.to_string())))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let more = pairs.len().saturating_sub(SHOWN);
        out.push(Kind::KeysDiffer {
            dim,
            pairs: pairs.into_iter().take(SHOWN).collect(),
            more,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Dim, Key};
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

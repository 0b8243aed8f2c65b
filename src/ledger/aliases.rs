//! Renamed and merged places (`--aliases`): a CSV of `dimension,from,to` lines that map old names
//! onto current ones before anything is grouped or filtered, so figures stay comparable across a
//! renaming (the 2025 reform merged many wards and communes). Names match as every value does:
//! case, spacing and the byte form of accents (NFC) are ignored. An area alias maps a whole path
//! or its leading levels (`Phường Yên Giang` → `Yên Giang` also maps `Phường Yên Giang/Khu 1`).
//! Chains resolve to their end (`A → B`, `B → C` map `A` to `C`); a name mapped to two different
//! names, or a chain that comes back to where it started, is an error naming the line.

use super::dialect::{ColumnSpec, HeaderMap};
use super::record::for_each_record;
use super::source::Source;
use super::table::{HeaderRule, ReadOptions, open_table};
use crate::domain::Dim;
use crate::domain::text::{normalize, normalize_area};
use anyhow::{Result, anyhow, bail};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AliasCol {
    Dimension,
    From,
    To,
}

const ALIAS_COLUMNS: &[ColumnSpec<AliasCol>] = &[
    ColumnSpec {
        key: AliasCol::Dimension,
        required: true,
        aliases: &["dimension", "dim", "chiều", "loại"],
    },
    ColumnSpec {
        key: AliasCol::From,
        required: true,
        aliases: &["from", "tên cũ", "old"],
    },
    ColumnSpec {
        key: AliasCol::To,
        required: true,
        aliases: &["to", "tên mới", "new"],
    },
];

/// The aliases of one run: (dimension, folded old name) → current name.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    map: FxHashMap<(Dim, String), String>,
}

/// A value as names are compared: normalized like the dimension's values, case ignored.
fn fold(dim: Dim, value: &str) -> String {
    match dim {
        Dim::Area => normalize_area(value).to_lowercase(),
        _ => normalize(value).to_lowercase(),
    }
}

impl Aliases {
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// `value` (already normalized) under its current name.
    pub fn apply<'a>(&self, dim: Dim, value: Cow<'a, str>) -> Cow<'a, str> {
        if self.map.is_empty() || value.is_empty() {
            return value;
        }
        if let Some(to) = self.map.get(&(dim, fold(dim, &value))) {
            return Cow::Owned(to.clone());
        }
        if dim == Dim::Area {
            // The longest leading part of the path that has an alias.
            let mut cut = value.len();
            while let Some(at) = value[..cut].rfind('/') {
                cut = at;
                if let Some(to) = self.map.get(&(dim, fold(dim, &value[..cut]))) {
                    return Cow::Owned(format!("{to}{}", &value[cut..]));
                }
            }
        }
        value
    }

    /// Every (dimension, from, to) line, resolved, for tests and listings.
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

/// Reads an alias file.
pub fn read_aliases(source: &Source, opts: &ReadOptions) -> Result<Aliases> {
    let file = source.name.clone();
    let Some(mut table) = open_table(source, opts, HeaderRule::FirstLine)? else {
        bail!("{file}: the alias file is empty");
    };
    let columns =
        HeaderMap::build(&table.header, ALIAS_COLUMNS).map_err(|e| anyhow!("{file}:1: {e}"))?;
    // (dimension, folded from) → (to, normalized; line; from as written)
    let mut given: FxHashMap<(Dim, String), (String, u64, String)> = FxHashMap::default();
    let mut order: Vec<(Dim, String)> = Vec::new();
    let mut error: Option<anyhow::Error> = None;
    while let Some(chunk) = table.next_chunk()? {
        for_each_record(&chunk, table.delimiter, &file, |rec, line| {
            if rec.is_blank() || error.is_some() {
                return Ok(());
            }
            let get = |k: AliasCol| columns.index(k).map_or("", |i| rec.text(i)).trim();
            let dim = match Dim::parse(get(AliasCol::Dimension)) {
                Ok(d @ (Dim::Unit | Dim::Area | Dim::Field | Dim::Source | Dim::Model)) => d,
                _ => {
                    error = Some(anyhow!(
                        "{file}:{line}: dimension {:?}: aliases are for unit, area, field, source or model",
                        get(AliasCol::Dimension)
                    ));
                    return Ok(());
                }
            };
            let (from, to) = (get(AliasCol::From), get(AliasCol::To));
            if from.is_empty() || to.is_empty() {
                error = Some(anyhow!(
                    "{file}:{line}: an alias needs both an old and a new name"
                ));
                return Ok(());
            }
            let to = match dim {
                Dim::Area => normalize_area(to).into_owned(),
                _ => normalize(to).into_owned(),
            };
            let key = (dim, fold(dim, from));
            match given.get(&key) {
                Some((other, first, _)) if fold(dim, other) != fold(dim, &to) => {
                    error = Some(anyhow!(
                        "{file}:{line}: {dim} {from:?} is mapped to {to:?} here and to {other:?} on line {first}"
                    ));
                }
                Some(_) => {}
                None => {
                    given.insert(key.clone(), (to, line, from.to_string()));
                    order.push(key);
                }
            }
            Ok(())
        })?;
    }
    if let Some(e) = error {
        return Err(e);
    }
    // Resolve chains to their end; a chain back to its start is an error.
    let mut map = FxHashMap::default();
    for key in &order {
        let (dim, start) = key;
        let (mut to, line, written) = given[key].clone();
        // The chain as folded names (to find a loop) and as written (to show it).
        let mut seen = vec![start.clone()];
        let mut shown = vec![written];
        loop {
            let next = fold(*dim, &to);
            if next == *seen.last().unwrap_or(start) {
                break; // a spelling mapped onto itself (`Hội phụ nữ` → `Hội Phụ nữ`)
            }
            shown.push(to.clone());
            if seen.contains(&next) {
                bail!(
                    "{file}:{line}: the {dim} aliases go round in a loop: {}",
                    shown.join(" → ")
                );
            }
            match given.get(&(*dim, next.clone())) {
                Some((further, _, _)) => {
                    seen.push(next);
                    to = further.clone();
                }
                None => break,
            }
        }
        map.insert(key.clone(), to);
    }
    Ok(Aliases { map })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(pairs: &[(Dim, &str, &str)]) -> Aliases {
        Aliases {
            map: pairs
                .iter()
                .map(|&(d, f, t)| ((d, fold(d, f)), t.to_string()))
                .collect(),
        }
    }

    #[test]
    fn names_and_leading_area_levels_are_mapped() {
        let a = aliases(&[
            (Dim::Area, "Phường Yên Giang", "Yên Giang"),
            (Dim::Unit, "UBND xã Liên Hòa", "UBND phường Liên Hòa"),
        ]);
        let apply = |d, v: &str| a.apply(d, Cow::Borrowed(v)).into_owned();
        assert_eq!(apply(Dim::Area, "phường yên giang"), "Yên Giang");
        assert_eq!(
            apply(Dim::Area, "Phường Yên Giang/Khu 1"),
            "Yên Giang/Khu 1"
        );
        assert_eq!(apply(Dim::Area, "Phường Yên Giang 2"), "Phường Yên Giang 2");
        assert_eq!(apply(Dim::Unit, "UBND XÃ LIÊN HÒA"), "UBND phường Liên Hòa");
        // An alias is for its own dimension only.
        assert_eq!(apply(Dim::Unit, "Phường Yên Giang"), "Phường Yên Giang");
    }
}

//! What `check` finds beyond invalid rows, as warnings: spellings of one name that differ only in
//! case or accents, registry models nobody contributed to, rows that appear twice, and model ids
//! that could not be checked because no registry was given. Pure functions over what the engine
//! collected.

use crate::domain::Dim;
use crate::domain::text::fold_accents;
use crate::engine::observe::{Observe, Observer};
use crate::engine::{MAX_LISTED, Place};
use crate::ledger::Contribution;
use crate::ledger::intern::{Interner, Sym};
use crate::ledger::record::Record;
use crate::ledger::registry::Registry;
use crate::problem::{Kind, Problem, Spelling};
use std::any::Any;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

/// Where a text value was first seen and how often, for the spelling warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub rows: u64,
    pub file_index: usize,
    pub line: u64,
}

/// What `check` looks for beyond problems, gathered from every reading thread.
#[derive(Debug, Clone, Default)]
pub struct CheckData {
    /// Every text value per dimension (after the model join), with its first place.
    pub values: BTreeMap<(Dim, String), Seen>,
    /// Row fingerprints (the fields as written), with where each row is, sorted.
    pub fingerprints: Vec<(u64, Place)>,
}

/// The dimensions whose values are compared for spellings.
const CHECKED_DIMS: [Dim; 6] = [
    Dim::Unit,
    Dim::Area,
    Dim::Field,
    Dim::Source,
    Dim::Model,
    Dim::Measure,
];

/// One reading thread's observer: per checked dimension and symbol, how often and where first;
/// and every row's fingerprint.
#[derive(Default)]
struct Looker {
    values: [Vec<Option<Seen>>; CHECKED_DIMS.len()],
    fingerprints: Vec<(u64, Place)>,
}

/// The observer `check` plugs into the engine.
pub fn observer() -> Observe {
    Arc::new(|| Box::new(Looker::default()) as Box<dyn Observer>)
}

impl Observer for Looker {
    fn row(&mut self, row: &Contribution, place: Place, record: &Record<'_>) {
        for (dim, seen) in CHECKED_DIMS.iter().zip(&mut self.values) {
            let sym = row.text_sym(*dim) as usize;
            if sym == 0 {
                continue;
            }
            if seen.len() <= sym {
                seen.resize(sym + 1, None);
            }
            match &mut seen[sym] {
                Some(s) => s.rows += 1,
                empty => {
                    *empty = Some(Seen {
                        rows: 1,
                        file_index: place.file_index(),
                        line: place.line(),
                    })
                }
            }
        }
        self.fingerprints.push((fingerprint(record), place));
    }

    fn finish(self: Box<Self>, interner: &Interner) -> Box<dyn Any + Send> {
        let mut data = CheckData {
            fingerprints: self.fingerprints,
            ..CheckData::default()
        };
        for (dim, seen) in CHECKED_DIMS.iter().zip(&self.values) {
            for (sym, s) in seen.iter().enumerate() {
                if let Some(s) = s {
                    data.values
                        .insert((*dim, interner.get(sym as Sym).to_string()), *s);
                }
            }
        }
        Box::new(data)
    }
}

/// Every thread's findings as one, the same whichever thread saw which row.
pub fn gather(observed: Vec<Box<dyn Any + Send>>) -> CheckData {
    let mut all = CheckData::default();
    for found in observed {
        let Ok(found) = found.downcast::<CheckData>() else {
            continue;
        };
        for (k, seen) in found.values {
            all.values
                .entry(k)
                .and_modify(|s| {
                    s.rows += seen.rows;
                    if (seen.file_index, seen.line) < (s.file_index, s.line) {
                        (s.file_index, s.line) = (seen.file_index, seen.line);
                    }
                })
                .or_insert(seen);
        }
        all.fingerprints.extend(found.fingerprints);
    }
    all.fingerprints.sort_unstable();
    all
}

/// A 64-bit fingerprint of a record as written, for finding rows that appear twice.
fn fingerprint(record: &Record<'_>) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(0x64616e76616e).build_hasher();
    for i in 0..record.len() {
        let f = record.bytes(i);
        h.write_usize(f.len());
        h.write(f);
    }
    h.finish()
}

/// All of `check`'s warnings, given the files' names by index.
/// All of `check`'s warnings, and how many duplicate rows were found past the first
/// [`MAX_LISTED`] (counted, not listed).
pub fn warnings(
    data: &CheckData,
    registry: Option<&Registry>,
    files: &[Arc<str>],
) -> (Vec<Problem>, u64) {
    let mut out = spelling_variants(data, files);
    out.extend(unused_models(data, registry));
    let (duplicates, unlisted) = duplicate_rows(data, files);
    out.extend(duplicates);
    if registry.is_none()
        && let Some(((_, id), seen)) = data.values.iter().find(|((d, _), _)| *d == Dim::Model)
    {
        out.push(Problem::warning(
            &files[seen.file_index],
            seen.line,
            "model",
            Kind::NoRegistry { id: id.clone() },
        ));
    }
    (out, unlisted)
}

fn spelling_variants(data: &CheckData, files: &[Arc<str>]) -> Vec<Problem> {
    let mut families: BTreeMap<(Dim, String), Vec<(&String, &Seen)>> = BTreeMap::new();
    for ((dim, value), seen) in &data.values {
        if *dim == Dim::Measure && value.is_empty() {
            continue;
        }
        families
            .entry((*dim, fold_accents(value)))
            .or_default()
            .push((value, seen));
    }
    let mut out = Vec::new();
    for ((dim, _), mut spellings) in families {
        if spellings.len() < 2 {
            continue;
        }
        spellings.sort_by_key(|(_, s)| (s.file_index, s.line));
        let (_, second) = spellings[1];
        let spellings = spellings
            .into_iter()
            .map(|(v, s)| Spelling {
                text: v.clone(),
                rows: s.rows,
                file: files[s.file_index].clone(),
                line: s.line,
            })
            .collect();
        out.push(Problem::warning(
            &files[second.file_index],
            second.line,
            dim.name(),
            Kind::SpellingVariants {
                dim: dim.name(),
                spellings,
            },
        ));
    }
    out
}

fn unused_models(data: &CheckData, registry: Option<&Registry>) -> Vec<Problem> {
    let Some(reg) = registry else {
        return Vec::new();
    };
    let Some(file) = &reg.file else {
        return Vec::new();
    };
    reg.models
        .iter()
        .filter(|m| !data.values.contains_key(&(Dim::Model, m.id.clone())))
        .map(|m| Problem::warning(file, m.line, "id", Kind::UnusedModel { id: m.id.clone() }))
        .collect()
}

fn duplicate_rows(data: &CheckData, files: &[Arc<str>]) -> (Vec<Problem>, u64) {
    // Fingerprints are sorted by (hash, place): the first of a run is the original.
    let mut pairs: Vec<(Place, Place)> = data
        .fingerprints
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flat_map(|run| run[1..].iter().map(move |&(_, at)| (at, run[0].1)))
        .collect();
    pairs.sort_unstable();
    let unlisted = pairs.len().saturating_sub(MAX_LISTED) as u64;
    pairs.truncate(MAX_LISTED);
    let problems = pairs
        .into_iter()
        .map(|(at, first)| {
            let file =
                (at.file_index() != first.file_index()).then(|| files[first.file_index()].clone());
            Problem::warning(
                &files[at.file_index()],
                at.line(),
                "row",
                Kind::DuplicateRow {
                    file,
                    line: first.line(),
                },
            )
        })
        .collect();
    (problems, unlisted)
}

//! What `check` finds beyond invalid rows, as warnings: spellings of one name that differ only in
//! case or accents, registry models nobody contributed to, rows that appear twice, and model ids
//! that could not be checked because no registry was given. Pure functions over what the engine
//! collected.

use crate::domain::Dim;
use crate::domain::text::fold_accents;
use crate::engine::{CheckData, MAX_LISTED, Place};
use crate::ledger::registry::Registry;
use crate::problem::{Kind, Problem, Spelling};
use std::collections::BTreeMap;
use std::sync::Arc;

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
    let mut families: BTreeMap<(Dim, String), Vec<(&String, &crate::engine::Seen)>> =
        BTreeMap::new();
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
            Kind::SpellingVariants { spellings },
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

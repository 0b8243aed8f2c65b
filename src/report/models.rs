//! The `models` report, plan against actual in the spirit of hledger's budget report: registered
//! models counted by unit, area, field or year, with what they planned (`target`, from the
//! registry), what the ledgers record for them (`mobilized`) and how far that is (`percent` of
//! target; empty where there is no target, never a division error). Work-days and m² are their
//! own columns, never added to VND. `list` shows the models one by one instead.

use super::derive::{add_cells, derive};
use super::table::{Across, Cell, Head, Kind, Line, Table};
use crate::aggregate::Groups;
use crate::domain::amount::Exact;
use crate::domain::measure::{VND, measure_rank};
use crate::domain::order::{TextOrder, sort_by_label};
use crate::domain::{Dim, Period, Value};
use crate::ledger::registry::Model;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the models report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelsSpec {
    /// Group by these (unit, area, field, year); ignored by `list`.
    pub by: Vec<Dim>,
    /// One line per model.
    pub list: bool,
}

/// The report and what a clerk should be told beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelsReport {
    pub table: Table,
    /// Models (ids) no ledger row contributed to, in registry order.
    pub without_contribution: Vec<String>,
    /// No model has a target: percent needs a `target` column in the registry.
    pub no_targets: bool,
    /// Counted rows that name no registered model, so are in no model's figures.
    pub unattributed_rows: u64,
}

/// The value of `dim` for a model: what it is grouped by and filtered on.
pub fn model_value(model: &Model, dim: Dim) -> Value {
    match dim {
        Dim::Unit => Value::Text(model.unit.clone()),
        Dim::Area => Value::Area(model.area.clone()),
        Dim::Field => Value::Text(model.field.clone()),
        Dim::Year => Value::Period(Period::Year(model.year)),
        Dim::Model => Value::Text(model.id.clone()),
        Dim::Name => Value::Text(model.name.clone()),
        _ => Value::Text(String::new()),
    }
}

/// Builds the report from the models kept (already filtered by the request) and, when ledgers
/// were given, their totals grouped by model (`groups.dims` is `[model]`). Without ledgers the
/// report counts models and adds up targets only.
pub fn models_report(
    models: &[&Model],
    ledgers: Option<&Groups>,
    spec: &ModelsSpec,
    order: &dyn TextOrder,
) -> Result<ModelsReport> {
    let none = Groups::new(vec![Dim::Model]);
    let groups = ledgers.unwrap_or(&none);
    // Per model id (folded as the registry folds it), per measure: mobilized and rows.
    let mut sums: BTreeMap<String, BTreeMap<String, Exact>> = BTreeMap::new();
    let mut unattributed_rows = 0;
    let ids: std::collections::HashSet<String> =
        models.iter().map(|m| m.id.to_lowercase()).collect();
    for (key, acc) in &groups.map {
        let id = key
            .values
            .first()
            .map(|v| v.to_string())
            .unwrap_or_default();
        if !ids.contains(&id.to_lowercase()) {
            unattributed_rows += acc.count;
            continue;
        }
        sums.entry(id.to_lowercase())
            .or_default()
            .entry(key.measure.clone())
            .or_default()
            .add_exact(&acc.total)?;
    }
    // Each model's sums as the decimals they print, or an error naming the model.
    let mut mobilized: BTreeMap<String, BTreeMap<String, Decimal>> = BTreeMap::new();
    for (id, by_measure) in sums {
        for (measure, sum) in by_measure {
            let d = sum.to_decimal().ok_or_else(|| {
                anyhow::anyhow!(
                    "what model {id} mobilized in {measure}, {sum}, needs more digits than danvan \
                     can print exactly"
                )
            })?;
            mobilized.entry(id.clone()).or_default().insert(measure, d);
        }
    }
    let mut measures: Vec<String> = mobilized
        .values()
        .flat_map(|m| m.keys().cloned())
        .filter(|m| m != VND)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    measures.sort_by(|a, b| measure_rank(a).cmp(&measure_rank(b)));
    // Model by model, the count of models is always 1: left out.
    let first = usize::from(!spec.list);
    let mut columns = if spec.list {
        vec![]
    } else {
        vec![Head::Models]
    };
    columns.extend([
        Head::Target {
            measure: VND.into(),
        },
        Head::Mobilized {
            measure: VND.into(),
        },
        Head::Progress {
            of: first + 1,
            target: first,
        },
    ]);
    columns.extend(
        measures
            .iter()
            .map(|m| Head::Mobilized { measure: m.clone() }),
    );
    if ledgers.is_none() {
        columns.truncate(first + 1);
    }
    let width = columns.len();
    let cells_of = |m: &Model| -> Vec<Cell> {
        let got = mobilized.get(&m.id.to_lowercase());
        let amount = |measure: &str| {
            got.and_then(|g| g.get(measure))
                .map_or(Cell::Empty, |&d| Cell::Amount(d))
        };
        let mut cells = if spec.list {
            vec![]
        } else {
            vec![Cell::Count(1)]
        };
        cells.extend([
            m.target.map_or(Cell::Empty, Cell::Amount),
            // A model nobody contributed to has mobilized nothing, which is a figure.
            match amount(VND) {
                Cell::Empty if got.is_none() => Cell::Amount(Decimal::ZERO),
                c => c,
            },
            Cell::Empty,
        ]);
        cells.extend(measures.iter().map(|m| amount(m)));
        cells.truncate(width);
        cells
    };
    let dims: Vec<Dim> = if spec.list {
        vec![Dim::Model, Dim::Name, Dim::Unit, Dim::Year]
    } else {
        spec.by.clone()
    };
    let mut lines: BTreeMap<Vec<Value>, Vec<Cell>> = BTreeMap::new();
    let mut total = vec![Cell::Empty; columns.len()];
    for m in models {
        let label: Vec<Value> = dims.iter().map(|&d| model_value(m, d)).collect();
        let cells = cells_of(m);
        let line = lines
            .entry(label)
            .or_insert_with(|| vec![Cell::Empty; columns.len()]);
        for (c, x) in cells.iter().enumerate() {
            line[c] = add_cells(line[c], *x)?;
            total[c] = add_cells(total[c], *x)?;
        }
    }
    let mut body: Vec<(Vec<Value>, Vec<Cell>)> = lines.into_iter().collect();
    sort_by_label(order, &mut body, |b| &b.0);
    let mut out: Vec<Line> = body
        .into_iter()
        .map(|(label, cells)| Line {
            kind: Kind::Body,
            label,
            cells,
        })
        .collect();
    out.push(Line {
        kind: Kind::Total,
        label: Vec::new(),
        cells: total,
    });
    let mut table = Table {
        dims,
        across: Across::Measures,
        columns,
        lines: out,
        shares: false,
        tree: false,
    };
    derive(&mut table)?;
    Ok(ModelsReport {
        table,
        without_contribution: models
            .iter()
            .filter(|m| !mobilized.contains_key(&m.id.to_lowercase()))
            .map(|m| m.id.clone())
            .collect(),
        no_targets: models.iter().all(|m| m.target.is_none()),
        unattributed_rows,
    })
}

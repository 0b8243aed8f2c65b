//! The year-end report ("báo cáo tổng kết phong trào thi đua dân vận khéo"): the document the
//! office writes every year, built from the ledgers so that every figure can be traced back.
//!
//! It is a value made of sections, each an ordinary report [`Table`] built by the same functions
//! as `summary` and `models` (so its figures are theirs), plus the headline figures, the models'
//! own results and the audit trail. Every section comes from one read of the ledgers: the engine
//! adds each row up in the grouping sets of [`SETS`] (by unit, area, field, source and model, each
//! with the year, and by month) over the fine grouping [`FINE`], and everything here re-groups
//! those totals in memory. Nothing here knows how it will look.

use super::change::with_change;
use super::derive::{add, share};
use super::models::{ModelsSpec, models_report};
use super::summary::{SortBy, SummarySpec, summarize};
use super::table::{Cell, Table};
use super::tree::tree;
use crate::aggregate::Groups;
use crate::domain::amount::Exact;
use crate::domain::measure::{M2, VND, WORKDAY, measure_rank};
use crate::domain::order::TextOrder;
use crate::domain::{Dim, Key, Period, Value};
use crate::ledger::registry::{Model, Registry};
use crate::ledger::results::ModelResult;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The grouping every row is added into while reading: every text dimension a section needs.
/// Periods are not in it (the sets take them from each row's date), so it has as many groups as
/// there are distinct combinations of names, whatever the number of years or months.
pub const FINE: [Dim; 5] = [Dim::Unit, Dim::Area, Dim::Field, Dim::Source, Dim::Model];

/// The grouping sets the sections are made from, in this order (see [`Sets`]).
pub fn sets() -> Vec<Vec<Dim>> {
    vec![
        vec![Dim::Unit, Dim::Year],
        vec![Dim::Area, Dim::Year],
        vec![Dim::Field, Dim::Year],
        vec![Dim::Source, Dim::Year],
        vec![Dim::Model, Dim::Year],
        vec![Dim::Month],
    ]
}

/// The totals of one read, by grouping set, in the order of [`sets`].
pub struct Sets<'a> {
    pub by_unit: &'a Groups,
    pub by_area: &'a Groups,
    pub by_field: &'a Groups,
    pub by_source: &'a Groups,
    pub by_model: &'a Groups,
    pub by_month: &'a Groups,
}

impl<'a> Sets<'a> {
    /// The sets of a read made with [`sets`]; `None` if there are not as many.
    pub fn of(groups: &'a [Groups]) -> Option<Sets<'a>> {
        match groups {
            [by_unit, by_area, by_field, by_source, by_model, by_month] => Some(Sets {
                by_unit,
                by_area,
                by_field,
                by_source,
                by_model,
                by_month,
            }),
            _ => None,
        }
    }
}

/// A part of the report, in the order it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Headline,
    ByUnit,
    ByArea,
    ByField,
    BySource,
    ByMonth,
    TopModels,
    PlanActual,
    Compared,
    Results,
    Audit,
}

/// A headline figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// Models registered for the year (registry).
    Models,
    /// Units that registered them.
    Units,
    /// What the ledgers record in this measure.
    Mobilized(String),
    /// Contribution rows counted.
    Contributions,
}

/// One headline figure, this year and the year before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    pub figure: Figure,
    pub value: Cell,
    pub previous: Cell,
    /// The change from the previous year, in percent of it.
    pub change: Cell,
}

/// Something a reader should be told about a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The ledgers hold no row dated in the previous year.
    NoPrevious,
    /// No registry was given.
    NoRegistry,
    /// No registered model has a target.
    NoTargets,
    /// Rows naming no registered model, with their VND.
    Unattributed { rows: u64, vnd: Decimal },
    /// Models registered for the year that nobody contributed to.
    WithoutContribution { models: Vec<String> },
    /// Months with no row are left out of the table (the chart shows them as zero).
    MonthsWithoutRows { months: Vec<Period> },
}

/// A section: a report table, whether it gets a bar chart, and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub part: Part,
    /// `None` when there is nothing to show (the notes say why).
    pub table: Option<Table>,
    /// A bar chart of the table's VND column for people (units, fields, months).
    pub chart: Option<Chart>,
    pub notes: Vec<Note>,
}

/// A bar chart: one bar per label, its VND total (empty where there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub bars: Vec<(Value, Decimal)>,
}

/// One result of one model, with the model's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    pub model: String,
    pub name: String,
    pub indicator: String,
    pub value: Decimal,
    pub unit: String,
}

/// What an input file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Ledger,
    Registry,
    Results,
    Aliases,
}

/// One input file in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub role: Role,
    pub name: String,
    /// Data rows read from it.
    pub rows: u64,
    /// Its SHA-256 in hex; `None` for standard input (read once, so not hashed).
    pub sha256: Option<String>,
}

/// How to recompute the figures: the reconciliation, the inputs, the program and the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// Rows read, counted, filtered (dated outside the two years) and rejected.
    pub read: u64,
    pub counted: u64,
    pub filtered: u64,
    pub rejected: u64,
    pub inputs: Vec<Input>,
    pub version: String,
    pub command: String,
}

/// The year-end report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearEnd {
    pub year: i32,
    pub previous: i32,
    /// Whether the ledgers hold any row dated in the previous year.
    pub has_previous: bool,
    pub headline: Vec<Headline>,
    /// Tables, in [`Part`] order (headline, results and audit are apart).
    pub sections: Vec<Section>,
    /// `None` when no results file was given.
    pub results: Option<Vec<ResultLine>>,
    pub audit: Audit,
}

/// How many models the top list shows.
pub const TOP_MODELS: usize = 10;

/// Builds the report for `year` from the sets of one read, the registry (if any) and the models'
/// results (if given). Text keys are ordered by `order`.
pub fn year_end(
    year: i32,
    sets: &Sets<'_>,
    registry: Option<&Registry>,
    results: Option<&[ModelResult]>,
    audit: Audit,
    order: &dyn TextOrder,
) -> Result<YearEnd> {
    let previous = year - 1;
    let this = Value::Period(Period::Year(year));
    let before = Value::Period(Period::Year(previous));
    let months = in_year_months(sets.by_month, year);
    let months_before = in_year_months(sets.by_month, previous);
    let has_previous = !months_before.map.is_empty();

    let by = |dims: &[Dim]| SummarySpec {
        by: dims.to_vec(),
        columns: None,
        measure: VND.to_string(),
        sort: SortBy::Key,
        top: None,
        percent: false,
    };
    let mut sections = Vec::new();
    let simple = |part: Part, groups: &Groups, dim: Dim, chart: bool| -> Result<Section> {
        let table = summarize(only(groups, &this), &by(&[dim]), order)?.table;
        Ok(Section {
            part,
            chart: chart.then(|| chart_of(&table)),
            table: Some(table),
            notes: Vec::new(),
        })
    };
    sections.push(simple(Part::ByUnit, sets.by_unit, Dim::Unit, true)?);
    let flat = summarize(only(sets.by_area, &this), &by(&[Dim::Area]), order)?.table;
    sections.push(Section {
        part: Part::ByArea,
        table: Some(tree(flat, order)?),
        chart: None,
        notes: Vec::new(),
    });
    sections.push(simple(Part::ByField, sets.by_field, Dim::Field, true)?);
    sections.push(simple(Part::BySource, sets.by_source, Dim::Source, false)?);
    sections.push(month_section(&months, year, order)?);
    sections.push(top_models(sets.by_model, &this, registry, order)?);
    sections.push(plan_actual(sets.by_model, &this, year, registry, order)?);
    sections.push(compared(sets.by_unit, &this, &before, has_previous, order)?);

    let headline = headline(year, registry, &months, &months_before)?;
    let results = results.map(|rs| {
        rs.iter()
            .map(|r| ResultLine {
                model: r.model.clone(),
                name: registry
                    .and_then(|reg| reg.find(&r.model))
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                indicator: r.indicator.clone(),
                value: r.value,
                unit: r.unit.clone(),
            })
            .collect()
    });
    Ok(YearEnd {
        year,
        previous,
        has_previous,
        headline,
        sections,
        results,
        audit,
    })
}

/// The groups of `groups` whose period (its last dimension) is `period`, with the same dims.
fn only(groups: &Groups, period: &Value) -> Groups {
    let at = groups.dims.len().saturating_sub(1);
    Groups {
        dims: groups.dims.clone(),
        map: groups
            .map
            .iter()
            .filter(|(k, _)| k.values.get(at) == Some(period))
            .map(|(k, a)| (k.clone(), *a))
            .collect(),
    }
}

/// The month groups of one year.
fn in_year_months(by_month: &Groups, year: i32) -> Groups {
    Groups {
        dims: by_month.dims.clone(),
        map: by_month
            .map
            .iter()
            .filter(|(k, _)| matches!(k.values.first(), Some(Value::Period(Period::Month(y, _))) if *y == year))
            .map(|(k, a)| (k.clone(), *a))
            .collect(),
    }
}

/// A table's VND column as bars, one per body line.
fn chart_of(table: &Table) -> Chart {
    let vnd = table.amounts().find_map(|(c, h)| match h {
        super::table::Head::Amount { measure, .. } if measure == VND => Some(c),
        _ => None,
    });
    Chart {
        bars: table
            .body()
            .map(|l| {
                let v = match l.cell(vnd) {
                    Cell::Amount(d) => d,
                    _ => Decimal::ZERO,
                };
                (
                    l.label
                        .first()
                        .cloned()
                        .unwrap_or(Value::Text(String::new())),
                    v,
                )
            })
            .collect(),
    }
}

/// Month by month: the table as `summary --by month` shows it; the chart has all twelve months.
fn month_section(months: &Groups, year: i32, order: &dyn TextOrder) -> Result<Section> {
    let spec = SummarySpec {
        by: vec![Dim::Month],
        columns: None,
        measure: VND.to_string(),
        sort: SortBy::Key,
        top: None,
        percent: false,
    };
    let table = summarize(months.clone(), &spec, order)?.table;
    let got = chart_of(&table);
    let mut bars = Vec::new();
    let mut missing = Vec::new();
    for m in 1..=12u8 {
        let p = Period::Month(year, m);
        let v = got
            .bars
            .iter()
            .find(|(label, _)| *label == Value::Period(p))
            .map(|(_, v)| *v);
        if v.is_none() {
            missing.push(p);
        }
        bars.push((Value::Period(p), v.unwrap_or_default()));
    }
    let notes = if missing.is_empty() || missing.len() == 12 {
        Vec::new()
    } else {
        vec![Note::MonthsWithoutRows { months: missing }]
    };
    Ok(Section {
        part: Part::ByMonth,
        table: Some(table),
        chart: Some(Chart { bars }),
        notes,
    })
}

/// The ten models that mobilized the most VND in the year, with their names; the rest in one
/// line. Rows that name no model are not a model: they are left out and noted.
fn top_models(
    by_model: &Groups,
    this: &Value,
    registry: Option<&Registry>,
    order: &dyn TextOrder,
) -> Result<Section> {
    let mut named = Groups::new(vec![Dim::Model, Dim::Name]);
    let (mut rows, mut vnd) = (0u64, Exact::ZERO);
    for (key, acc) in &only(by_model, this).map {
        let id = key
            .values
            .first()
            .map(|v| v.to_string())
            .unwrap_or_default();
        if id.is_empty() {
            rows += acc.count;
            if key.measure == VND {
                vnd.add_exact(&acc.total)?;
            }
            continue;
        }
        let name = registry
            .and_then(|r| r.find(&id))
            .map(|m| m.name.clone())
            .unwrap_or_default();
        named.add_exact(
            Key {
                values: vec![Value::Text(id), Value::Text(name)],
                measure: key.measure.clone(),
            },
            &acc.total,
            acc.count,
        )?;
    }
    let spec = SummarySpec {
        by: vec![Dim::Model, Dim::Name],
        columns: None,
        measure: VND.to_string(),
        sort: SortBy::Total,
        top: Some(TOP_MODELS),
        percent: false,
    };
    let mut notes = Vec::new();
    if rows > 0 {
        notes.push(Note::Unattributed {
            rows,
            vnd: decimal(&vnd)?,
        });
    }
    let table = (!named.map.is_empty())
        .then(|| summarize(named, &spec, order).map(|s| s.table))
        .transpose()?;
    Ok(Section {
        part: Part::TopModels,
        table,
        chart: None,
        notes,
    })
}

/// Plan against actual by unit: the `models` report over the models registered for the year.
fn plan_actual(
    by_model: &Groups,
    this: &Value,
    year: i32,
    registry: Option<&Registry>,
    order: &dyn TextOrder,
) -> Result<Section> {
    let section = |table, notes| Section {
        part: Part::PlanActual,
        table,
        chart: None,
        notes,
    };
    let Some(registry) = registry else {
        return Ok(section(None, vec![Note::NoRegistry]));
    };
    let models: Vec<&Model> = registry.models.iter().filter(|m| m.year == year).collect();
    if models.iter().all(|m| m.target.is_none()) {
        return Ok(section(None, vec![Note::NoTargets]));
    }
    let mut by_id = Groups::new(vec![Dim::Model]);
    for (key, acc) in &only(by_model, this).map {
        let id = key
            .values
            .first()
            .cloned()
            .unwrap_or(Value::Text(String::new()));
        by_id.add_exact(
            Key {
                values: vec![id],
                measure: key.measure.clone(),
            },
            &acc.total,
            acc.count,
        )?;
    }
    let spec = ModelsSpec {
        by: vec![Dim::Unit],
        list: false,
    };
    let report = models_report(&models, Some(&by_id), &spec, order)?;
    let mut notes = Vec::new();
    if !report.without_contribution.is_empty() {
        notes.push(Note::WithoutContribution {
            models: report.without_contribution.clone(),
        });
    }
    Ok(section(Some(report.table), notes))
}

/// This year against the previous one, by unit, in VND: `summary --columns year --change`.
fn compared(
    by_unit: &Groups,
    this: &Value,
    before: &Value,
    has_previous: bool,
    order: &dyn TextOrder,
) -> Result<Section> {
    if !has_previous {
        return Ok(Section {
            part: Part::Compared,
            table: None,
            chart: None,
            notes: vec![Note::NoPrevious],
        });
    }
    let two = Groups {
        dims: by_unit.dims.clone(),
        map: by_unit
            .map
            .iter()
            .filter(|(k, _)| matches!(k.values.get(1), Some(v) if v == this || v == before))
            .map(|(k, a)| (k.clone(), *a))
            .collect(),
    };
    let spec = SummarySpec {
        by: vec![Dim::Unit],
        columns: Some(Dim::Year),
        measure: VND.to_string(),
        sort: SortBy::Key,
        top: None,
        percent: false,
    };
    let table = with_change(summarize(two, &spec, order)?.table)?;
    Ok(Section {
        part: Part::Compared,
        table: Some(table),
        chart: None,
        notes: Vec::new(),
    })
}

/// The headline: models and units (from the registry), what was mobilized in each measure, and
/// the contributions counted; each with the previous year and the change.
fn headline(
    year: i32,
    registry: Option<&Registry>,
    months: &Groups,
    months_before: &Groups,
) -> Result<Vec<Headline>> {
    let mut out = Vec::new();
    let line = |figure, now: Cell, then: Cell| {
        let change = match (amount_of(now), amount_of(then)) {
            (Some(n), Some(t)) => add(n, -t)
                .ok()
                .and_then(|c| share(c, t))
                .map_or(Cell::Empty, Cell::Percent),
            _ => Cell::Empty,
        };
        Headline {
            figure,
            value: now,
            previous: then,
            change,
        }
    };
    if let Some(registry) = registry {
        let count = |y: i32| -> (u64, u64) {
            let models: Vec<&Model> = registry.models.iter().filter(|m| m.year == y).collect();
            let units: BTreeSet<&str> = models.iter().map(|m| m.unit.as_str()).collect();
            (models.len() as u64, units.len() as u64)
        };
        let ((models, units), (models_before, units_before)) = (count(year), count(year - 1));
        let nonzero = |n: u64| if n == 0 { Cell::Empty } else { Cell::Count(n) };
        out.push(line(
            Figure::Models,
            Cell::Count(models),
            nonzero(models_before),
        ));
        out.push(line(
            Figure::Units,
            Cell::Count(units),
            nonzero(units_before),
        ));
    }
    let totals = |g: &Groups| -> Result<(BTreeMap<String, Decimal>, u64)> {
        let mut by: BTreeMap<String, Exact> = BTreeMap::new();
        let mut rows = 0;
        for (key, acc) in &g.map {
            by.entry(key.measure.clone())
                .or_default()
                .add_exact(&acc.total)?;
            rows += acc.count;
        }
        let by = by
            .into_iter()
            .map(|(m, t)| Ok((m, decimal(&t)?)))
            .collect::<Result<BTreeMap<String, Decimal>>>()?;
        Ok((by, rows))
    };
    let ((now, rows), (then, rows_before)) = (totals(months)?, totals(months_before)?);
    let has_previous = rows_before > 0;
    let mut measures: Vec<String> = [VND, WORKDAY, M2].map(String::from).to_vec();
    for m in now.keys().chain(then.keys()) {
        if !measures.contains(m) {
            measures.push(m.clone());
        }
    }
    measures.sort_by(|a, b| measure_rank(a).cmp(&measure_rank(b)));
    for m in measures {
        let cell = |t: &BTreeMap<String, Decimal>, covered: bool| match t.get(&m) {
            Some(&d) => Cell::Amount(d),
            None if covered => Cell::Amount(Decimal::ZERO),
            None => Cell::Empty,
        };
        out.push(line(
            Figure::Mobilized(m.clone()),
            cell(&now, true),
            cell(&then, has_previous),
        ));
    }
    out.push(line(
        Figure::Contributions,
        Cell::Count(rows),
        if has_previous {
            Cell::Count(rows_before)
        } else {
            Cell::Empty
        },
    ));
    Ok(out)
}

fn amount_of(cell: Cell) -> Option<Decimal> {
    match cell {
        Cell::Amount(d) => Some(d),
        Cell::Count(n) => Some(Decimal::from(n)),
        _ => None,
    }
}

/// An exact total as a decimal to print, or the refusal of one too long to print exactly.
fn decimal(total: &Exact) -> Result<Decimal> {
    total.to_decimal().ok_or_else(|| {
        anyhow::anyhow!(
            "a total of the report is {total}, which needs more digits than danvan can print \
             exactly (at most {} and 28 decimals); nothing was written",
            Decimal::MAX
        )
    })
}

//! The model registry (`--models`): which models exist, who registered them, where and in what
//! field, and how much each plans to mobilize. Ledger rows naming a model take their unit, area and
//! field from it when they have none of their own.

use super::dialect::{ColumnSpec, HeaderMap};
use super::number::{Reading, parse_amount, settle_convention};
use super::record::for_each_record;
use super::source::Source;
use super::table::{ReadOptions, open_table};
use crate::domain::YEARS;
use crate::domain::text::{normalize, normalize_area};
use crate::problem::{Failure, Kind, Problem};
use anyhow::{Result, anyhow};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegCol {
    Id,
    Name,
    Unit,
    Year,
    Area,
    Field,
    Target,
}

pub const REGISTRY_COLUMNS: &[ColumnSpec<RegCol>] = &[
    ColumnSpec {
        key: RegCol::Id,
        required: true,
        aliases: &["id", "mã", "mã mô hình", "model", "model id"],
    },
    ColumnSpec {
        key: RegCol::Name,
        required: true,
        aliases: &["name", "tên mô hình", "tên"],
    },
    ColumnSpec {
        key: RegCol::Unit,
        required: true,
        aliases: &["unit", "đơn vị"],
    },
    ColumnSpec {
        key: RegCol::Year,
        required: true,
        aliases: &["year", "năm"],
    },
    ColumnSpec {
        key: RegCol::Area,
        required: false,
        aliases: &["area", "địa bàn"],
    },
    ColumnSpec {
        key: RegCol::Field,
        required: false,
        aliases: &["field", "lĩnh vực"],
    },
    ColumnSpec {
        key: RegCol::Target,
        required: false,
        aliases: &["target", "chỉ tiêu", "mục tiêu"],
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub year: i32,
    pub area: String,
    pub field: String,
    /// VND the model plans to mobilize.
    pub target: Option<Decimal>,
    pub line: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub file: Option<Arc<str>>,
    pub models: Vec<Model>,
    by_key: FxHashMap<String, usize>,
}

/// A registry and the problems found reading it.
pub struct RegistryRead {
    pub registry: Registry,
    pub problems: Vec<Problem>,
}

impl Registry {
    /// The registry with its units, areas, fields and ids under their current names.
    pub fn with_aliases(mut self, aliases: &super::aliases::Aliases) -> Registry {
        use crate::domain::Dim;
        use std::borrow::Cow;
        if aliases.is_empty() {
            return self;
        }
        let apply = |dim: Dim, v: &mut String| {
            if let Cow::Owned(new) = aliases.apply(dim, Cow::Borrowed(v.as_str())) {
                *v = new;
            }
        };
        self.by_key.clear();
        for (i, m) in self.models.iter_mut().enumerate() {
            apply(Dim::Model, &mut m.id);
            apply(Dim::Unit, &mut m.unit);
            apply(Dim::Area, &mut m.area);
            apply(Dim::Field, &mut m.field);
            self.by_key
                .entry(normalize(&m.id).to_lowercase())
                .or_insert(i);
        }
        self
    }

    /// The model with this id; ids match after normalization, ignoring case.
    pub fn find(&self, id: &str) -> Option<&Model> {
        self.by_key
            .get(&normalize(id).to_lowercase())
            .map(|&i| &self.models[i])
    }
}

/// Reads a registry file. Bad rows become problems (and are left out); a missing column or an
/// unreadable file is an error for the whole run.
pub fn read_registry(source: &Source, opts: &ReadOptions) -> Result<RegistryRead> {
    let file = source.name.clone();
    let Some(mut table) = open_table(source, opts)? else {
        return Err(anyhow!("{file}: the model registry is empty"));
    };
    let columns =
        HeaderMap::build(&table.header, REGISTRY_COLUMNS).map_err(|error| Failure::Header {
            file: file.to_string(),
            error,
        })?;
    let col = |k: RegCol, name: &'static str| columns.name(k, name);
    let mut problems = Vec::new();
    let mut pending: Vec<(Model, Option<(Reading, String)>)> = Vec::new();
    let mut evidence = [0u64; 2];
    while let Some(chunk) = table.next_chunk()? {
        for_each_record(&chunk, table.delimiter, &file, |record, line| {
            let fields = record.texts();
            if record.is_blank() {
                return Ok(());
            }
            if fields.len() != columns.width() {
                problems.push(Problem::error(
                    &file,
                    line,
                    "row",
                    Kind::FieldCount {
                        found: fields.len(),
                        expected: columns.width(),
                    },
                ));
                return Ok(());
            }
            let get = |k: RegCol| columns.index(k).map_or("", |i| fields[i]);
            let mut bad = false;
            let mut required = |k: RegCol, name: &'static str| {
                let v = normalize(get(k)).into_owned();
                if v.is_empty() {
                    problems.push(Problem::error(
                        &file,
                        line,
                        col(k, name),
                        Kind::RegistryMissing(k),
                    ));
                    bad = true;
                }
                v
            };
            let id = required(RegCol::Id, "id");
            let name = required(RegCol::Name, "name");
            let unit = required(RegCol::Unit, "unit");
            let year_text = required(RegCol::Year, "year");
            let year = match year_text.parse::<i32>() {
                Ok(y) if YEARS.contains(&y) => y,
                _ => {
                    if !year_text.is_empty() {
                        problems.push(Problem::error(
                            &file,
                            line,
                            col(RegCol::Year, "year"),
                            Kind::NotAYear {
                                text: year_text.clone(),
                            },
                        ));
                    }
                    bad = true;
                    0
                }
            };
            let target_cell = get(RegCol::Target).trim();
            let target = if target_cell.is_empty() {
                None
            } else {
                match parse_amount(target_cell) {
                    Ok(a) => {
                        if let Reading::Exact {
                            evidence: Some(c), ..
                        } = a.reading
                        {
                            evidence[c as usize] += 1;
                        }
                        Some((a.reading, target_cell.to_string()))
                    }
                    Err(e) => {
                        problems.push(Problem::error(
                            &file,
                            line,
                            col(RegCol::Target, "target"),
                            Kind::Amount(e),
                        ));
                        bad = true;
                        None
                    }
                }
            };
            if !bad {
                let model = Model {
                    id,
                    name,
                    unit,
                    year,
                    area: normalize_area(get(RegCol::Area)).into_owned(),
                    field: normalize(get(RegCol::Field)).into_owned(),
                    target: None,
                    line,
                };
                pending.push((model, target));
            }
            Ok(())
        })?;
    }
    let convention = opts.number_format.or(settle_convention(evidence));
    let mut registry = Registry {
        file: Some(file.clone()),
        ..Registry::default()
    };
    for (mut model, target) in pending {
        if let Some((reading, text)) = target {
            match reading.settle(convention) {
                Some(v) => model.target = Some(v),
                None => {
                    problems.push(Problem::error(
                        &file,
                        model.line,
                        col(RegCol::Target, "target"),
                        Kind::TwoWays { text, reading },
                    ));
                    continue;
                }
            }
        }
        let key = model.id.to_lowercase();
        if let Some(&first) = registry.by_key.get(&key) {
            let first_line = registry.models[first].line;
            problems.push(Problem::error(
                &file,
                model.line,
                col(RegCol::Id, "id"),
                Kind::DuplicateModel {
                    id: model.id.clone(),
                    first_line,
                },
            ));
            continue;
        }
        registry.by_key.insert(key, registry.models.len());
        registry.models.push(model);
    }
    problems.sort_by_key(|p| p.line);
    Ok(RegistryRead { registry, problems })
}

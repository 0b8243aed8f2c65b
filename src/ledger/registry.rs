//! The model registry (`--models`): which models exist, who registered them, where and in what
//! field, and how much each plans to mobilize. Ledger rows naming a model take their unit, area and
//! field from it when they have none of their own.

use super::dialect::{AmountUnit, ColumnSpec, HeaderMap, amount_unit, has_own_unit, scale_reading};
use super::number::{Amount, NumberError, Reading, parse_amount, settle_convention};
use super::record::for_each_record;
use super::source::Source;
use super::table::{HeaderRule, ReadOptions, open_table};
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
    /// Notes about the file as a whole (where its header was, how it was decoded).
    pub warnings: Vec<Problem>,
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
    // `--header-row` is about ledgers; a registry's header is always searched. (`--column` is
    // about ledgers too, but only the ledger reader reads it: a test holds the registry to that.)
    let opts = &ReadOptions {
        header_row: None,
        ..opts.clone()
    };
    let names = |cells: &[String]| HeaderMap::names_required(cells, REGISTRY_COLUMNS, &[]);
    let Some(mut table) = open_table(source, opts, HeaderRule::Names(&names))? else {
        return Err(anyhow!("{file}: the model registry is empty"));
    };
    let header_line = table.header_line;
    let columns =
        HeaderMap::build(&table.header, REGISTRY_COLUMNS).map_err(|error| Failure::Header {
            file: file.to_string(),
            line: header_line,
            error,
        })?;
    let col = |k: RegCol, name: &'static str| columns.name(k, name);
    let warnings: Vec<Problem> = std::mem::take(&mut table.notes)
        .into_iter()
        .map(|(line, column, kind)| Problem::warning(&file, line, column, kind))
        .collect();
    // A target column in `(triệu đồng)` scales every target; any other unit stops the run.
    let scale = match columns.unit(RegCol::Target) {
        None => None,
        Some(written) => match amount_unit(written) {
            Some(unit @ AmountUnit::Money(_)) => unit.factor().map(|f| (f, written.to_string())),
            _ => {
                let kind = Kind::UnknownHeaderUnit {
                    unit: written.to_string(),
                };
                let problem =
                    Problem::error(&file, header_line, col(RegCol::Target, "target"), kind);
                return Err(Failure::Problem(problem).into());
            }
        },
    };
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
                let scaled = match (&scale, parse_amount(target_cell)) {
                    (Some((_, unit)), Ok(_)) if has_own_unit(target_cell.as_bytes()) => {
                        Err(Kind::OwnUnitInScaledColumn {
                            text: target_cell.to_string(),
                            unit: unit.clone(),
                        })
                    }
                    (Some((factor, _)), Ok(a)) => match scale_reading(a.reading, *factor) {
                        Some(reading) => Ok(Amount { reading, ..a }),
                        None => Err(Kind::Amount(NumberError::TooLarge(target_cell.to_string()))),
                    },
                    (None, Ok(a)) => Ok(a),
                    (_, Err(e)) => Err(Kind::Amount(e)),
                };
                match scaled {
                    Ok(a) => {
                        if let Reading::Exact {
                            evidence: Some(c), ..
                        } = a.reading
                        {
                            evidence[c as usize] += 1;
                        }
                        Some((a.reading, target_cell.to_string()))
                    }
                    Err(kind) => {
                        problems.push(Problem::error(
                            &file,
                            line,
                            col(RegCol::Target, "target"),
                            kind,
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
    // A `;` file is one more piece of evidence of the Vietnamese convention (as for ledgers).
    let semicolon = u64::from(table.delimiter == b';');
    let convention = opts
        .number_format
        .or(settle_convention([evidence[0] + semicolon, evidence[1]]));
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
    Ok(RegistryRead {
        registry,
        problems,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<RegistryRead> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("models.csv");
        std::fs::write(&path, text).unwrap();
        read_registry(
            &Source::from_arg(&path.to_string_lossy()),
            &ReadOptions::default(),
        )
    }

    #[test]
    fn a_scaled_target_column_scales_every_target_exactly() {
        // Under a title row, `;`-separated: `1.200` is then read the Vietnamese way, times a
        // million.
        let r = read(
            "DANH SÁCH MÔ HÌNH;;;;\nMã;Tên;Đơn vị;Năm;Chỉ tiêu (triệu đồng)\n\
             M1;A;U;2024;106,8\nM2;B;U;2024;1.200\nM3;C;U;2024;5 tỷ\n",
        )
        .unwrap();
        let targets: Vec<Option<Decimal>> = r.registry.models.iter().map(|m| m.target).collect();
        assert_eq!(
            targets,
            vec![
                Some(Decimal::from(106_800_000)),
                Some(Decimal::from(1_200_000_000u64))
            ]
        );
        let problems: Vec<(u64, &str, &Kind)> = r
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_str(), &p.kind))
            .collect();
        let own_unit = Kind::OwnUnitInScaledColumn {
            text: "5 tỷ".into(),
            unit: "triệu đồng".into(),
        };
        assert_eq!(problems, vec![(5, "Chỉ tiêu (triệu đồng)", &own_unit)]);
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].line, 2);
        let err = read("id,name,unit,year,target (triệu USD)\nM1,A,U,2024,1\n")
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .ends_with(":1: target (triệu USD): the unit \"triệu USD\" in this header is not one danvan knows, so the amounts cannot be read right; use đồng, nghìn đồng, triệu đồng or tỷ đồng (or a measure such as ngày công or m2), or write the amounts in đồng and leave the unit out"),
            "{err}"
        );
        // A target is money: a measure in its header is no unit for it.
        assert!(read("id,name,unit,year,target (ngày công)\nM1,A,U,2024,1\n").is_err());
    }
}

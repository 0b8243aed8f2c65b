//! Each model's results (`report --results FILE`): what a model achieved that is not money,
//! work-days or land, as the article reports it: shares ("96% of SIMs moved to 4G") and lengths
//! ("326 m of lane"). A CSV of `model,indicator,value,unit`. The values are read as exactly as
//! amounts (either number convention, settled by the file like a registry's targets), but they
//! are only ever shown, never added up: 96% and 100% make no 196%.

use super::dialect::{ColumnSpec, HeaderMap};
use super::number::{Reading, parse_amount, settle_convention};
use super::record::for_each_record;
use super::registry::Registry;
use super::source::Source;
use super::table::{HeaderRule, ReadOptions, open_table};
use crate::domain::text::normalize;
use crate::problem::{Failure, Kind, Problem};
use anyhow::{Result, anyhow};
use rust_decimal::Decimal;

/// A column of a results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultCol {
    Model,
    Indicator,
    Value,
    Unit,
}

pub const RESULT_COLUMNS: &[ColumnSpec<ResultCol>] = &[
    ColumnSpec {
        key: ResultCol::Model,
        required: true,
        aliases: &["model", "mã mô hình", "mã", "model id"],
    },
    ColumnSpec {
        key: ResultCol::Indicator,
        required: true,
        aliases: &["indicator", "chỉ số", "nội dung", "kết quả"],
    },
    ColumnSpec {
        key: ResultCol::Value,
        required: true,
        aliases: &["value", "giá trị", "số liệu"],
    },
    ColumnSpec {
        key: ResultCol::Unit,
        required: false,
        aliases: &["unit", "đơn vị tính", "đvt", "đơn vị"],
    },
];

/// One result of one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelResult {
    /// The model's id as the registry writes it.
    pub model: String,
    pub indicator: String,
    pub value: Decimal,
    /// What the value counts (`%`, `m`, `trẻ`…), as written; may be empty.
    pub unit: String,
    pub line: u64,
}

/// A results file read: its results in file order, its problems, and its data rows.
pub struct ResultsRead {
    pub results: Vec<ModelResult>,
    pub problems: Vec<Problem>,
    pub rows: u64,
}

/// Reads a results file; every result must name a model of `registry`. Bad rows become problems
/// (and are left out); a missing column or an unreadable file is an error for the whole run.
pub fn read_results(
    source: &Source,
    opts: &ReadOptions,
    registry: &Registry,
) -> Result<ResultsRead> {
    let file = source.name.clone();
    // `--header-row` and `--column` are about ledgers; a results file's header is searched.
    let opts = &ReadOptions {
        header_row: None,
        columns: Vec::new(),
        ..opts.clone()
    };
    let names = |cells: &[String]| HeaderMap::names_required(cells, RESULT_COLUMNS, &[]);
    let Some(mut table) = open_table(source, opts, HeaderRule::Names(&names))? else {
        return Err(anyhow!("{file}: the results file is empty"));
    };
    let header_line = table.header_line;
    let columns =
        HeaderMap::build(&table.header, RESULT_COLUMNS).map_err(|error| Failure::Header {
            file: file.to_string(),
            line: header_line,
            error,
        })?;
    let col = |k: ResultCol, name: &'static str| columns.name(k, name);
    let mut problems = Vec::new();
    let mut pending: Vec<(ModelResult, Reading, String)> = Vec::new();
    let mut evidence = [0u64; 2];
    let mut rows = 0u64;
    while let Some(chunk) = table.next_chunk()? {
        for_each_record(&chunk, table.delimiter, &file, |record, line| {
            if record.is_blank() {
                return Ok(());
            }
            rows += 1;
            let fields = record.texts();
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
            let get =
                |k: ResultCol| normalize(columns.index(k).map_or("", |i| fields[i])).into_owned();
            let mut bad = false;
            let mut required = |k: ResultCol, name: &'static str| {
                let v = get(k);
                if v.is_empty() {
                    problems.push(Problem::error(
                        &file,
                        line,
                        col(k, name),
                        Kind::ResultMissing(k),
                    ));
                    bad = true;
                }
                v
            };
            let id = required(ResultCol::Model, "model");
            let indicator = required(ResultCol::Indicator, "indicator");
            let value_text = required(ResultCol::Value, "value");
            let model = match registry.find(&id) {
                Some(m) => m.id.clone(),
                None if id.is_empty() => String::new(),
                None => {
                    problems.push(Problem::error(
                        &file,
                        line,
                        col(ResultCol::Model, "model"),
                        Kind::UnknownModel { id: id.clone() },
                    ));
                    bad = true;
                    String::new()
                }
            };
            let reading = if value_text.is_empty() {
                None
            } else {
                match parse_amount(&value_text) {
                    Ok(a) if !a.currency => {
                        if let Reading::Exact {
                            evidence: Some(c), ..
                        } = a.reading
                        {
                            evidence[c as usize] += 1;
                        }
                        Some(a.reading)
                    }
                    _ => {
                        problems.push(Problem::error(
                            &file,
                            line,
                            col(ResultCol::Value, "value"),
                            Kind::ResultNotANumber {
                                text: value_text.clone(),
                            },
                        ));
                        bad = true;
                        None
                    }
                }
            };
            if let (false, Some(reading)) = (bad, reading) {
                let result = ModelResult {
                    model,
                    indicator,
                    value: Decimal::ZERO,
                    unit: get(ResultCol::Unit),
                    line,
                };
                pending.push((result, reading, value_text));
            }
            Ok(())
        })?;
    }
    let convention = opts.number_format.or(settle_convention(evidence));
    let mut results = Vec::new();
    for (mut result, reading, text) in pending {
        match reading.settle(convention) {
            Some(v) => {
                result.value = v;
                results.push(result);
            }
            None => problems.push(Problem::error(
                &file,
                result.line,
                col(ResultCol::Value, "value"),
                Kind::TwoWays { text, reading },
            )),
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok(ResultsRead {
        results,
        problems,
        rows,
    })
}

//! Reading summary CSVs back, for `merge` (beside the writer, so the two agree): the long, tidy format `summary --format csv` writes
//! (`--by` dimensions, then `measure,total,count`, maybe `percent`). Offices send these up the
//! hierarchy, so they are read strictly: totals must be plain decimals as danvan prints them
//! (`1234567.5`), counts whole numbers, and every bad line is a problem with its place. The file
//! goes through the same reader as ledgers (encoding, BOM, delimiter, quotes).

use super::safe::unneutralize;
use crate::aggregate::Groups;
use crate::domain::text::normalize;
use crate::domain::{Dim, Key, Value};
use crate::ledger::period::read_period;
use crate::ledger::record::for_each_record;
use crate::ledger::source::Source;
use crate::ledger::table::{HeaderRule, ReadOptions, open_table};
use crate::problem::{Kind, Problem};
use anyhow::{Result, anyhow, bail};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One summary file, read.
pub struct SummaryFile {
    pub dims: Vec<Dim>,
    pub groups: Groups,
    /// The header as written, to compare files.
    pub header: Vec<String>,
    pub rows_read: u64,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// The dimensions a long summary header names, or why it is not one.
pub fn parse_header(header: &[String]) -> Result<Vec<Dim>> {
    let cells: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    let tail = match cells.iter().rposition(|c| c == "measure") {
        Some(i) => &cells[i..],
        None => bail!(
            "not a long summary CSV: no `measure` column (wide `--columns` output cannot be merged)"
        ),
    };
    let ok_tail =
        tail == ["measure", "total", "count"] || tail == ["measure", "total", "count", "percent"];
    if !ok_tail {
        bail!("not a long summary CSV: the header must end with measure,total,count[,percent]");
    }
    let mut dims = Vec::new();
    for c in &cells[..cells.len() - tail.len()] {
        let d = Dim::parse(c)?;
        if d == Dim::Measure || dims.contains(&d) {
            bail!("not a long summary CSV: column {c:?} is repeated");
        }
        dims.push(d);
    }
    Ok(dims)
}

/// A total as `summary` prints it: `-`, digits, at most one `decimal` mark and digits. `Err`
/// holds why not: not that shape, or that shape with more digits than danvan adds up exactly.
fn plain_decimal(cell: &str, decimal: char) -> Result<Decimal, Kind> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (int, frac) = match digits.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let text = cell.to_string();
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(Kind::NotPlainDecimal { text, decimal });
    }
    let dotted = match frac {
        Some(f) if decimal != '.' => {
            Cow::Owned(format!("{}.{f}", &cell[..cell.len() - f.len() - 1]))
        }
        _ => Cow::Borrowed(cell),
    };
    Decimal::from_str_exact(&dotted).map_err(|_| Kind::TotalOutOfRange { text })
}

/// The decimal mark of a summary's totals: `,` in a `;`-separated file (what `--excel` writes
/// for Vietnamese, as Excel does where the comma is the decimal mark), `.` in any other.
fn decimal_mark(delimiter: u8) -> char {
    if delimiter == b';' { ',' } else { '.' }
}

pub fn read_summary_file(source: &Source, opts: &ReadOptions) -> Result<SummaryFile> {
    let file = source.name.clone();
    let Some(mut table) = open_table(source, opts, HeaderRule::FirstLine)? else {
        bail!("{file}: the file is empty");
    };
    let line = table.header_line;
    let dims = parse_header(&table.header).map_err(|e| anyhow!("{file}:{line}: {e}"))?;
    let width = table.header.len();
    let names = table.header.clone();
    let n = dims.len();
    let mut out = SummaryFile {
        groups: Groups::new(dims.clone()),
        dims: dims.clone(),
        header: table.header.iter().map(|h| h.to_lowercase()).collect(),
        rows_read: 0,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let mut seen: BTreeMap<Key, u64> = BTreeMap::new();
    let decimal = decimal_mark(table.delimiter);
    while let Some(chunk) = table.next_chunk()? {
        for_each_record(&chunk, table.delimiter, &file, |rec, line| {
            if rec.is_blank() {
                return Ok(());
            }
            out.rows_read += 1;
            if rec.len() != width {
                out.problems.push(Problem::error(
                    &file,
                    line,
                    "row",
                    Kind::FieldCount {
                        found: rec.len(),
                        expected: width,
                    },
                ));
                return Ok(());
            }
            let cell = |i: usize| unneutralize(&normalize(rec.text(i))).to_string();
            // A period re-saved by a spreadsheet (`03/2024`, `Mar-24`) is the same period; one
            // that reads as none refuses the line, so one period never makes two groups.
            let mut values = Vec::with_capacity(n);
            let mut unread = Vec::new();
            for (i, &d) in dims.iter().enumerate() {
                let text = cell(i);
                if !d.is_period() {
                    values.push(Value::of_text(d, text));
                } else if let Some(p) = read_period(d, &text) {
                    values.push(Value::Period(p));
                } else {
                    unread.push((i, d, text));
                }
            }
            for (i, dim, text) in &unread {
                out.problems.push(Problem::error(
                    &file,
                    line,
                    names[*i].clone(),
                    Kind::NotAPeriod {
                        dim: *dim,
                        text: text.clone(),
                    },
                ));
            }
            let key = Key {
                values,
                measure: cell(n),
            };
            let total_cell = rec.text(n + 1).trim();
            let count_cell = rec.text(n + 2).trim();
            let total = plain_decimal(total_cell, decimal)
                .map_err(|kind| {
                    out.problems
                        .push(Problem::error(&file, line, "total", kind))
                })
                .ok();
            let count = count_cell.parse::<u64>().ok();
            if count.is_none() {
                out.problems.push(Problem::error(
                    &file,
                    line,
                    "count",
                    Kind::NotWholeNumber {
                        text: count_cell.to_string(),
                    },
                ));
            }
            let (Some(total), Some(count)) = (total, count) else {
                return Ok(());
            };
            if !unread.is_empty() {
                return Ok(());
            }
            if let Some(first) = seen.insert(key.clone(), line) {
                out.warnings.push(Problem::warning(
                    &file,
                    line,
                    "row",
                    Kind::SameGroup { first_line: first },
                ));
            }
            out.groups.add(key, total, count)
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            parse_header(&h("unit,year,measure,total,count")).unwrap(),
            vec![Dim::Unit, Dim::Year]
        );
        assert_eq!(
            parse_header(&h("measure,total,count,percent")).unwrap(),
            vec![]
        );
        assert!(parse_header(&h("unit,2024,2025,total")).is_err());
        assert!(parse_header(&h("unit,unit,measure,total,count")).is_err());
        assert!(parse_header(&h("colour,measure,total,count")).is_err());
    }

    #[test]
    fn totals_are_plain_decimals() {
        assert_eq!(
            plain_decimal("1234567.5", '.'),
            Ok(Decimal::new(12345675, 1))
        );
        assert_eq!(plain_decimal("-3", '.'), Ok(Decimal::from(-3)));
        assert_eq!(
            plain_decimal("-1234567,5", ','),
            Ok(Decimal::new(-12345675, 1))
        );
        for bad in ["1.200.000", "1,5", "", "-", "1e5", "+1", "1.", ".5"] {
            let text = bad.to_string();
            assert_eq!(
                plain_decimal(bad, '.'),
                Err(Kind::NotPlainDecimal { text, decimal: '.' }),
                "{bad}"
            );
        }
        for bad in ["1.5", "1,2,3", ",5", "1,"] {
            let text = bad.to_string();
            assert_eq!(
                plain_decimal(bad, ','),
                Err(Kind::NotPlainDecimal { text, decimal: ',' }),
                "{bad}"
            );
        }
        for big in [
            "79228162514264337593543950336",
            "-100000000000000000000000000000",
            "0.00000000000000000000000000001",
        ] {
            let text = big.to_string();
            assert_eq!(
                plain_decimal(big, '.'),
                Err(Kind::TotalOutOfRange { text }),
                "{big}"
            );
        }
    }
}

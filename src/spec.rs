//! The validated request: what to group by, which rows to keep, how to lay the report out.
//!
//! Command-line text is parsed here once (`--by unit,year`, `--period 2024-Q3`,
//! `--where area=Yên Giang`) into domain types; the engine, aggregation and reports take these,
//! never clap structs, so every mistake in the flags is a usage error before any file is read.

use crate::ledger::text::{normalize, normalize_area};
use anyhow::{Result, anyhow, bail};
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A dimension rows can be grouped, pivoted or filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Unit,
    Area,
    Field,
    Source,
    Model,
    Year,
    Quarter,
    Month,
    Measure,
}

impl Dim {
    pub const ALL: [Dim; 9] = [
        Dim::Unit,
        Dim::Area,
        Dim::Field,
        Dim::Source,
        Dim::Model,
        Dim::Year,
        Dim::Quarter,
        Dim::Month,
        Dim::Measure,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dim::Unit => "unit",
            Dim::Area => "area",
            Dim::Field => "field",
            Dim::Source => "source",
            Dim::Model => "model",
            Dim::Year => "year",
            Dim::Quarter => "quarter",
            Dim::Month => "month",
            Dim::Measure => "measure",
        }
    }

    pub fn parse(s: &str) -> Result<Dim> {
        let s = s.trim().to_lowercase();
        Dim::ALL.into_iter().find(|d| d.name() == s).ok_or_else(|| {
            anyhow!(
                "unknown dimension {s:?}; use one of unit, area, field, source, model, year, \
                     quarter, month, measure"
            )
        })
    }

    /// Whether the value comes from the date rather than a text column.
    pub fn is_period(self) -> bool {
        matches!(self, Dim::Year | Dim::Quarter | Dim::Month)
    }

    /// The period code of `date` for this dimension: a number that sorts like the period and
    /// prints with [`Dim::format_period`].
    pub fn period_code(self, date: NaiveDate) -> u32 {
        let (y, m) = (date.year() as u32, date.month());
        match self {
            Dim::Year => y,
            Dim::Quarter => y * 10 + (m - 1) / 3 + 1,
            _ => y * 100 + m,
        }
    }

    /// `2024`, `2024-Q3`, `2024-03`.
    pub fn format_period(self, code: u32) -> String {
        match self {
            Dim::Year => format!("{code}"),
            Dim::Quarter => format!("{}-Q{}", code / 10, code % 10),
            _ => format!("{}-{:02}", code / 100, code % 100),
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses `unit,area,year`, refusing repeats.
pub fn parse_dims(list: &str) -> Result<Vec<Dim>> {
    let mut dims = Vec::new();
    for part in list.split(',').filter(|p| !p.trim().is_empty()) {
        let d = Dim::parse(part)?;
        if d == Dim::Measure {
            bail!("measure is always part of the grouping; leave it out of --by");
        }
        if dims.contains(&d) {
            bail!("{d} is named twice in --by");
        }
        dims.push(d);
    }
    if dims.is_empty() {
        bail!("--by needs at least one dimension");
    }
    Ok(dims)
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// `2024`, `2024-Q3`, `2024-11`, `2024-03-15`, or `A..B` with any of those (inclusive).
    pub fn parse(s: &str) -> Result<Period> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (Period::parse_one(a)?, Period::parse_one(b)?);
            if a.from > b.to {
                bail!("period {s:?} ends before it starts");
            }
            return Ok(Period {
                from: a.from,
                to: b.to,
            });
        }
        Period::parse_one(s)
    }

    fn parse_one(s: &str) -> Result<Period> {
        let s = s.trim();
        let bad = || {
            anyhow!(
                "cannot read period {s:?}; write 2024, 2024-Q3, 2024-11, 2024-03-15 or 2024-01..2024-06"
            )
        };
        let year = |y: &str| -> Result<i32> {
            let y: i32 = y.parse().map_err(|_| bad())?;
            if !(1900..=2100).contains(&y) || s.len() < 4 {
                return Err(bad());
            }
            Ok(y)
        };
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad);
        let month_end = |y: i32, m: u32| -> Result<NaiveDate> {
            let next = if m == 12 {
                ymd(y + 1, 1, 1)?
            } else {
                ymd(y, m + 1, 1)?
            };
            next.pred_opt().ok_or_else(bad)
        };
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] => {
                let y = year(y)?;
                Ok(Period {
                    from: ymd(y, 1, 1)?,
                    to: ymd(y, 12, 31)?,
                })
            }
            [y, q] if q.len() == 2 && q.to_ascii_uppercase().starts_with('Q') => {
                let y = year(y)?;
                let q: u32 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) {
                    return Err(bad());
                }
                Ok(Period {
                    from: ymd(y, q * 3 - 2, 1)?,
                    to: month_end(y, q * 3)?,
                })
            }
            [y, m] => {
                let (y, m) = (year(y)?, m.parse::<u32>().map_err(|_| bad())?);
                Ok(Period {
                    from: ymd(y, m, 1)?,
                    to: month_end(y, m)?,
                })
            }
            [y, m, d] => {
                let day = ymd(
                    year(y)?,
                    m.parse().map_err(|_| bad())?,
                    d.parse().map_err(|_| bad())?,
                )?;
                Ok(Period { from: day, to: day })
            }
            _ => Err(bad()),
        }
    }
}

/// `--where DIM=VALUE`: values of one dimension to keep (several are alternatives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub dim: Dim,
    /// Normalized and lower-cased; areas are path prefixes.
    pub values: Vec<String>,
}

impl Filter {
    /// Folds a value the way it is compared: normalized text, case ignored.
    pub fn fold(dim: Dim, value: &str) -> String {
        match dim {
            Dim::Area => normalize_area(value).to_lowercase(),
            Dim::Measure => crate::ledger::measure::canonical_measure(value).to_lowercase(),
            _ => normalize(value).to_lowercase(),
        }
    }

    /// Whether a row's value (already normalized, or a period printed) passes.
    pub fn accepts(&self, value: &str) -> bool {
        let v = value.to_lowercase();
        self.values.iter().any(|want| match self.dim {
            Dim::Area => crate::ledger::text::area_under(&v, want),
            _ => v == *want,
        })
    }
}

/// Parses repeated `--where` flags; the same dimension twice means either value.
pub fn parse_filters(args: &[String]) -> Result<Vec<Filter>> {
    let mut filters: Vec<Filter> = Vec::new();
    for arg in args {
        let (dim, value) = arg
            .split_once('=')
            .ok_or_else(|| anyhow!("--where takes DIM=VALUE, got {arg:?}"))?;
        let dim = Dim::parse(dim)?;
        let value = Filter::fold(dim, value);
        match filters.iter_mut().find(|f| f.dim == dim) {
            Some(f) => f.values.push(value),
            None => filters.push(Filter {
                dim,
                values: vec![value],
            }),
        }
    }
    Ok(filters)
}

/// Which rows count: the period and the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub period: Option<Period>,
    pub filters: Vec<Filter>,
}

/// How rows are grouped: the key dimensions (measure is always added) and the area depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    pub dims: Vec<Dim>,
    pub depth: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods() {
        let p = Period::parse("2024-Q3").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 7, 1), day(2024, 9, 30)));
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.to, day(2024, 2, 29));
        let p = Period::parse("2024-01..2024-06").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 1, 1), day(2024, 6, 30)));
        let p = Period::parse("2024").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 1, 1), day(2024, 12, 31)));
        for bad in ["24", "2024-Q5", "2024-13", "x", "2024-06..2024-01"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes() {
        let d = day(2024, 8, 5);
        assert_eq!(
            Dim::Quarter.format_period(Dim::Quarter.period_code(d)),
            "2024-Q3"
        );
        assert_eq!(
            Dim::Month.format_period(Dim::Month.period_code(d)),
            "2024-08"
        );
        assert_eq!(Dim::Year.format_period(Dim::Year.period_code(d)), "2024");
    }

    #[test]
    fn filters() {
        let f =
            parse_filters(&["area=yên giang".into(), "unit=A".into(), "unit=B".into()]).unwrap();
        assert!(f[0].accepts("Yên Giang/Khu 3"));
        assert!(!f[0].accepts("Yên Giang 2"));
        assert!(f[1].accepts("b"));
        assert!(parse_filters(&["unit".into()]).is_err());
    }
}

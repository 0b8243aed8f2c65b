//! The dimensions rows can be grouped, pivoted or filtered by.

use super::period::Period;
use anyhow::{Result, anyhow};
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
    /// A registered model's name: a label in model-by-model reports, never a grouping.
    Name,
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

    /// The stable machine name: CSV headers, JSON keys, `--by` values.
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
            Dim::Name => "name",
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

    /// The period code of `date` for this dimension: a number that sorts like the period, kept
    /// in group keys while reading (one `u32`, no allocation) and turned into a [`Period`] with
    /// [`Period::from_code`] at the end.
    pub fn period_code(self, date: NaiveDate) -> u32 {
        let (y, m) = (date.year() as u32, date.month());
        match self {
            Dim::Year => y,
            Dim::Quarter => y * 10 + (m - 1) / 3 + 1,
            _ => y * 100 + m,
        }
    }

    /// The period of `date` in this dimension (`None` for a text dimension).
    pub fn period_of(self, date: NaiveDate) -> Option<Period> {
        self.is_period()
            .then(|| Period::from_code(self, self.period_code(date)))
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

//! Periods: a year, quarter or month as a typed value (so it sorts as time and can be filled in
//! or compared), and the inclusive date ranges `--period` selects.

use super::dim::Dim;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use std::fmt;
use std::ops::RangeInclusive;

/// The years danvan accepts anywhere (ledger dates, registry years, `--period`): a year outside
/// is a typo in a ledger of this century.
pub const YEARS: RangeInclusive<i32> = 1900..=2100;

/// One year, quarter or month. Ordered as time (a quarter's number after its year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl Period {
    /// The period a [`Dim::period_code`] stands for.
    pub fn from_code(dim: Dim, code: u32) -> Period {
        match dim {
            Dim::Year => Period::Year(code as i32),
            Dim::Quarter => Period::Quarter((code / 10) as i32, (code % 10) as u8),
            _ => Period::Month((code / 100) as i32, (code % 100) as u8),
        }
    }

    /// The code [`Period::from_code`] reads back: what [`Dim::period_code`] gives its dates.
    pub fn code(self) -> u32 {
        match self {
            Period::Year(y) => y as u32,
            Period::Quarter(y, q) => y as u32 * 10 + u32::from(q),
            Period::Month(y, m) => y as u32 * 100 + u32::from(m),
        }
    }

    /// The period just after this one, of the same kind.
    pub fn next(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
        }
    }

    /// Reads a period as [`fmt::Display`] writes it (`2024`, `2024-Q3`, `2024-03`), for the
    /// dimension `dim`; `None` when the text is not one.
    pub fn parse(dim: Dim, text: &str) -> Option<Period> {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let year = |y: &str| -> Option<i32> {
            let y: i32 = y.parse().ok().filter(|_| digits(y, 4))?;
            YEARS.contains(&y).then_some(y)
        };
        let text = text.trim();
        match dim {
            Dim::Year => Some(Period::Year(year(text)?)),
            Dim::Quarter => {
                let (y, q) = text.split_once("-Q")?;
                let q: u8 = q
                    .parse()
                    .ok()
                    .filter(|n| digits(q, 1) && (1..=4).contains(n))?;
                Some(Period::Quarter(year(y)?, q))
            }
            Dim::Month => {
                let (y, m) = text.split_once('-')?;
                let m: u8 = m
                    .parse()
                    .ok()
                    .filter(|n| digits(m, 2) && (1..=12).contains(n))?;
                Some(Period::Month(year(y)?, m))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Period {
    /// `2024`, `2024-Q3`, `2024-03`: the machine form, the same in every language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// `2024`, `2024-Q3`, `2024-11`, `2024-03-15`, or `A..B` with any of those (inclusive).
    pub fn parse(s: &str) -> Result<DateRange> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (DateRange::parse_one(a)?, DateRange::parse_one(b)?);
            if a.from > b.to {
                bail!("period {s:?} ends before it starts");
            }
            return Ok(DateRange {
                from: a.from,
                to: b.to,
            });
        }
        DateRange::parse_one(s)
    }

    fn parse_one(s: &str) -> Result<DateRange> {
        let s = s.trim();
        let bad = || {
            anyhow!(
                "cannot read period {s:?}; write 2024, 2024-Q3, 2024-11, 2024-03-15 or 2024-01..2024-06"
            )
        };
        let year = |y: &str| -> Result<i32> {
            let y: i32 = y.parse().map_err(|_| bad())?;
            if !YEARS.contains(&y) || s.len() < 4 {
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
                Ok(DateRange {
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
                Ok(DateRange {
                    from: ymd(y, q * 3 - 2, 1)?,
                    to: month_end(y, q * 3)?,
                })
            }
            [y, m] => {
                let (y, m) = (year(y)?, m.parse::<u32>().map_err(|_| bad())?);
                Ok(DateRange {
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
                Ok(DateRange { from: day, to: day })
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ranges() {
        let p = DateRange::parse("2024-Q3").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 7, 1), day(2024, 9, 30)));
        let p = DateRange::parse("2024-02").unwrap();
        assert_eq!(p.to, day(2024, 2, 29));
        let p = DateRange::parse("2024-01..2024-06").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 1, 1), day(2024, 6, 30)));
        let p = DateRange::parse("2024").unwrap();
        assert_eq!((p.from, p.to), (day(2024, 1, 1), day(2024, 12, 31)));
        for bad in ["24", "2024-Q5", "2024-13", "x", "2024-06..2024-01"] {
            assert!(DateRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_print_read_back_and_sort_as_time() {
        let d = day(2024, 8, 5);
        for (dim, text) in [
            (Dim::Quarter, "2024-Q3"),
            (Dim::Month, "2024-08"),
            (Dim::Year, "2024"),
        ] {
            let p = dim.period_of(d).unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(Period::parse(dim, text), Some(p));
        }
        assert!(Period::Month(2024, 9) < Period::Month(2024, 10));
        assert!(Period::Quarter(2023, 4) < Period::Quarter(2024, 1));
        assert_eq!(Period::Quarter(2023, 4).next(), Period::Quarter(2024, 1));
        assert_eq!(Period::Month(2024, 12).next(), Period::Month(2025, 1));
        assert_eq!(Period::Month(2024, 3).next(), Period::Month(2024, 4));
        assert_eq!(Period::Year(2024).next(), Period::Year(2025));
        for (dim, bad) in [
            (Dim::Month, "2024-3"),
            (Dim::Month, "2024-13"),
            (Dim::Quarter, "2024-Q5"),
            (Dim::Year, "24"),
            (Dim::Year, "3000"),
            (Dim::Unit, "2024"),
        ] {
            assert_eq!(Period::parse(dim, bad), None, "{bad}");
        }
    }
}

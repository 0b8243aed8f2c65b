//! Reading dates, always day first: `15/03/2024`, `5/3/2024`, `15-03-2024`, `15.03.2024`, or ISO
//! `2024-03-15`.
//!
//! Vietnamese offices never write month first, so `05/03/2024` is the 5th of March and there is
//! no guessing. An impossible date (`31/02/2024`) or a year outside 1900–2100 (a typo, in a ledger
//! of this century) is an error. A time of day after the date, as Excel sometimes adds, is ignored.

use crate::domain::YEARS;
use chrono::NaiveDate;

/// Why a date cell is no date; `problem::Kind::Date` carries it and the catalogues word it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Missing,
    Unreadable(String),
    Impossible(String),
    OutOfRange(String),
}

impl std::fmt::Display for DateError {
    /// The English text, from the catalogue.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::problem::en::date_error(self))
    }
}

/// [`parse_date`] for a cell given as bytes: the common shapes are read without building text.
pub fn parse_date_bytes(cell: &[u8]) -> Result<NaiveDate, DateError> {
    if let Some(date) = fast_date(cell) {
        return Ok(date);
    }
    parse_date(&String::from_utf8_lossy(cell))
}

pub fn parse_date(cell: &str) -> Result<NaiveDate, DateError> {
    if let Some(date) = fast_date(cell.as_bytes()) {
        return Ok(date);
    }
    let cell = cell.trim();
    if cell.is_empty() {
        return Err(DateError::Missing);
    }
    let unreadable = || DateError::Unreadable(cell.to_string());
    let date_part = strip_time(cell).ok_or_else(unreadable)?;
    let (y, m, d) = split_ymd(date_part).ok_or_else(unreadable)?;
    if !YEARS.contains(&y) {
        return Err(DateError::OutOfRange(cell.to_string()));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::Impossible(cell.to_string()))
}

/// `2024-03-15` and `15/03/2024`, the shapes of nearly every row, read without splitting;
/// `None` sends anything else (or anything impossible) to the full rules.
fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = if b[4] == b'-' && b[7] == b'-' {
        (digits(0..4)?, digits(5..7)?, digits(8..10)?)
    } else if b[2] == b'/' && b[5] == b'/' {
        (digits(6..10)?, digits(3..5)?, digits(0..2)?)
    } else {
        return None;
    };
    if !YEARS.contains(&(y as i32)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Drops a trailing ` 00:00`, ` 00:00:00`, ` 00:00:00.000` or `T00:00:00`; `None` when what
/// follows is not a time. Any white space may stand before the time (Excel writes a non-breaking
/// space), and a fraction belongs to the seconds only: `15/03/2024 12:30.5 tiền mặt` is no date.
fn strip_time(cell: &str) -> Option<&str> {
    let Some((i, c)) = cell
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c == 'T')
    else {
        return Some(cell);
    };
    let time = cell[i + c.len_utf8()..].trim();
    let parts: Vec<&str> = time.split(':').collect();
    let two_digits = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let ok = match parts.as_slice() {
        [h, m] => two_digits(h) && two_digits(m),
        [h, m, s] => {
            two_digits(h)
                && two_digits(m)
                && match s.split_once('.') {
                    None => two_digits(s),
                    Some((s, fraction)) => {
                        two_digits(s)
                            && !fraction.is_empty()
                            && fraction.bytes().all(|b| b.is_ascii_digit())
                    }
                }
        }
        _ => false,
    };
    ok.then(|| cell[..i].trim_end())
}

/// Splits into (year, month, day): ISO when the first part has four digits, day first otherwise.
fn split_ymd(s: &str) -> Option<(i32, u32, u32)> {
    let sep = s.bytes().find(|b| matches!(b, b'/' | b'-' | b'.'))?;
    let mut parts = s.split(sep as char);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, lens: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    if a.len() == 4 {
        Some((num(a, 4..=4)? as i32, num(b, 1..=2)?, num(c, 1..=2)?))
    } else {
        Some((num(c, 4..=4)? as i32, num(b, 1..=2)?, num(a, 1..=2)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn all_written_forms() {
        for s in [
            "2024-03-15",
            "15/03/2024",
            "15-03-2024",
            "15.03.2024",
            "15/3/2024",
            " 15/03/2024 ",
            "15/03/2024 00:00:00",
            "2024-03-15T08:30",
        ] {
            assert_eq!(parse_date(s), Ok(ymd(2024, 3, 15)), "{s}");
        }
        assert_eq!(parse_date("5/3/2024"), Ok(ymd(2024, 3, 5)));
        assert_eq!(parse_date("29/02/2024"), Ok(ymd(2024, 2, 29)));
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_date(""), Err(DateError::Missing));
        assert!(matches!(
            parse_date("31/02/2024"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse_date("29/02/2023"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse_date("15/13/2024"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse_date("01/01/0024"),
            Err(DateError::OutOfRange(_))
        ));
        for bad in [
            "15/03/24",
            "2024/3",
            "ngày 15",
            "15/03/2024 abc",
            "15/03-2024",
            "1/2/3/4",
        ] {
            assert!(
                matches!(parse_date(bad), Err(DateError::Unreadable(_))),
                "{bad}"
            );
        }
    }
}

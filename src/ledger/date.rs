//! Reading dates, always day first: `15/03/2024`, `5/3/2024`, `15-03-2024`, `15.03.2024`,
//! `05/03/25`, or ISO `2024-03-15`.
//!
//! Vietnamese offices never write month first, so `05/03/2024` is the 5th of March and there is
//! no guessing. An impossible date (`31/02/2024`) or a year outside 1900–2100 (a typo, in a ledger
//! of this century) is an error. A two-digit year is of this century (`25` is 2025). A time of
//! day after the date, as Excel adds it (`12:00:00 SA`, `1:30 CH`, `8:30 AM`,
//! `2025-03-05T08:30:00Z`), is ignored.
//!
//! A date column that Excel exported as numbers holds serial day numbers (`45721` is 2025-03-05):
//! [`excel_serial`] reads one, but whether a file's numbers are dates is for the whole file to
//! say (the engine accepts them only when no row of the file writes a date as text), so
//! [`parse_date`] refuses them.

use crate::domain::YEARS;
use chrono::{Datelike, NaiveDate};

/// Why a date cell is no date; `problem::Kind::Date` carries it and the catalogues word it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Missing,
    Unreadable(String),
    Impossible(String),
    OutOfRange(String),
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

/// Drops a time of day after the date; `None` when what follows is not a time. The time may
/// follow any white space (Excel writes a non-breaking space) or a `T` (ISO), and is `H:MM`,
/// `H:MM:SS` or `H:MM:SS.fff` (parts of one or two digits), then either a 12-hour mark (`SA`,
/// `CH`, `AM`, `PM`, in any case, spaced or not: Vietnamese Excel writes `SA`/`CH`) or a zone
/// (`Z`, `+07:00`, `+0700`, `-05`). Its values are not checked: the time is ignored. A fraction
/// belongs to the seconds only: `15/03/2024 12:30.5 tiền mặt` is no date.
fn strip_time(cell: &str) -> Option<&str> {
    let Some((i, c)) = cell
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c == 'T')
    else {
        return Some(cell);
    };
    is_time(cell[i + c.len_utf8()..].trim()).then(|| cell[..i].trim_end())
}

/// A time of day as [`strip_time`] takes it.
fn is_time(time: &str) -> bool {
    let clock = match time.len().checked_sub(2).and_then(|i| time.get(i..)) {
        Some(mark)
            if ["sa", "ch", "am", "pm"]
                .iter()
                .any(|m| mark.eq_ignore_ascii_case(m)) =>
        {
            time[..time.len() - 2].trim_end()
        }
        _ => strip_zone(time),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let two_digits = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
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
    }
}

/// `time` without a trailing zone: `Z`, or a sign and `HH`, `HHMM` or `HH:MM`.
fn strip_zone(time: &str) -> &str {
    if let Some(clock) = time.strip_suffix('Z') {
        return clock.trim_end();
    }
    let Some(sign) = time.rfind(['+', '-']) else {
        return time;
    };
    let zone = &time.as_bytes()[sign + 1..];
    let digit = |i: usize| zone.get(i).is_some_and(u8::is_ascii_digit);
    let ok = match zone.len() {
        2 => digit(0) && digit(1),
        4 => (0..4).all(digit),
        5 => digit(0) && digit(1) && zone[2] == b':' && digit(3) && digit(4),
        _ => false,
    };
    if ok { time[..sign].trim_end() } else { time }
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
        // Day first; a two-digit year is of this century, as Excel shows `dd/mm/yy`.
        let year = match c.len() {
            2 => 2000 + num(c, 2..=2)? as i32,
            _ => num(c, 4..=4)? as i32,
        };
        Some((year, num(b, 1..=2)?, num(a, 1..=2)?))
    }
}

/// The first day Excel's serial numbers count from, as they are used since 1 March 1900 (day 61):
/// serial `n` is this date plus `n` days.
fn serial_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// A date written as an Excel serial day number: five digits (`45721` is 2025-03-05; five digits
/// are 1927 onwards), maybe with a fraction for the time of day (`45721.5`, `45721,375`), for a
/// date in 1900–2100. `None` for
/// anything else. Whether a file's numbers are dates is not decided here (see the module).
pub fn excel_serial(cell: &str) -> Option<NaiveDate> {
    let cell = cell.trim();
    let (days, fraction) = match cell.find(['.', ',']) {
        Some(i) => (&cell[..i], Some(&cell[i + 1..])),
        None => (cell, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if days.len() != 5 || !digits(days) || fraction.is_some_and(|f| f.is_empty() || !digits(f)) {
        return None;
    }
    let date = serial_epoch().checked_add_days(chrono::Days::new(days.parse().ok()?))?;
    YEARS.contains(&date.year()).then_some(date)
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
    fn times_and_years_as_excel_writes_them() {
        for s in [
            "05/03/2025 12:00:00 SA",
            "05/03/2025 1:30:00 CH",
            "05/03/2025 8:30 AM",
            "05/03/2025 8:30pm",
            "05/03/2025\u{a0}11:59:59 ch",
            "2025-03-05T08:30:00Z",
            "2025-03-05T08:30:00.250+07:00",
            "2025-03-05 08:30:00 +0700",
            "2025-03-05T08:30-05",
            "05/03/25",
            "5/3/25 8:30 SA",
            "05.03.25",
        ] {
            assert_eq!(parse_date(s), Ok(ymd(2025, 3, 5)), "{s}");
        }
        assert_eq!(parse_date("31/12/99"), Ok(ymd(2099, 12, 31)));
        assert_eq!(parse_date("01/01/00"), Ok(ymd(2000, 1, 1)));
        assert!(matches!(
            parse_date("29/02/25"),
            Err(DateError::Impossible(_))
        ));
        for bad in [
            "05/03/2025 SA",
            "05/03/2025 8:30 SA Z",
            "05/03/2025 8:30 XA",
            "05/03/2025 8:30+7",
            "05/03/2025 8:30 +07:0",
            "05/03/2025 8:30+7€",
            "2025-03-05Z",
            "25-03-05x",
            "05/03/250",
            "2025/03",
        ] {
            assert!(
                matches!(parse_date(bad), Err(DateError::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn excel_serial_numbers() {
        // Excel shows 45658 as 01/01/2025, so 45721 is 05/03/2025 (the issue's `45722` is the
        // 6th: Excel and LibreOffice agree on every serial from 61 on).
        assert_eq!(excel_serial("45658"), Some(ymd(2025, 1, 1)));
        assert_eq!(excel_serial("45721"), Some(ymd(2025, 3, 5)));
        assert_eq!(excel_serial("45722"), Some(ymd(2025, 3, 6)));
        assert_eq!(excel_serial(" 45721.5 "), Some(ymd(2025, 3, 5)));
        assert_eq!(excel_serial("45721,375"), Some(ymd(2025, 3, 5)));
        assert_eq!(excel_serial("36526"), Some(ymd(2000, 1, 1)));
        assert_eq!(excel_serial("10000"), Some(ymd(1927, 5, 18)));
        assert_eq!(excel_serial("73415"), Some(ymd(2100, 12, 31)));
        for not in [
            "73416", "9999", "2024", "457220", "45722.", "4572a", "-45722", "",
        ] {
            assert_eq!(excel_serial(not), None, "{not}");
        }
        // Never a date on its own: the file decides.
        assert!(parse_date("45721").is_err());
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
            "15/03/024",
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

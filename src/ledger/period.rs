//! Periods as people and spreadsheets write them: a year, quarter or month given as text (a
//! `--where month=3/2025`, or a month column of a summary CSV that Excel opened and saved again,
//! turning `2024-03` into `03/2024`, `01/03/2024` or `Mar-24`). Each is read into the typed
//! [`Period`] or refused; never kept as text beside the same period written another way.
//!
//! A full date is read with the ledger's date rules (day first) and stands for its month (or
//! quarter). A year is four digits only: Excel shows a year it took for a date as `16/07/1905`,
//! and reading that as 1905 would be a wrong figure, so a date in a year column is refused.

use super::date::parse_date;
use crate::domain::text::normalize;
use crate::domain::{Dim, Period, YEARS};
use chrono::Datelike;

/// The period `text` names in dimension `dim` (a year, quarter or month), or `None`.
///
/// - year: `2024`, `năm 2024`;
/// - quarter: `2024-Q3`, `2024 Q3`, `2024Q3`, `Q3/2024`, `Q3-2024`, `Q3 2024`, `Quý 3/2024`,
///   `Quý III/2024`, `quý 3 năm 2024`, or a date (its quarter);
/// - month: `2024-03`, `2024-3`, `2024/03`, `03/2024`, `3-2024`, `Tháng 3/2024`, `T3/2024`,
///   `Mar-24`, `Mar 2024`, `March 2024`, or a date (its month: `01/03/2024`, `2024-03-01`).
pub fn read_period(dim: Dim, text: &str) -> Option<Period> {
    let lower = normalize(text).to_lowercase();
    // `quý 3 năm 2024`, `tháng 3 năm 2024`: the year after `năm` as after a `/`.
    let joined = match lower
        .split_once(" năm ")
        .or_else(|| lower.split_once(" nam "))
    {
        Some((a, b)) if dim != Dim::Year => format!("{}/{}", a.trim(), b.trim()),
        _ => lower.clone(),
    };
    let s = joined.as_str();
    match dim {
        Dim::Year => year(strip_word(s, &["năm", "nam", "year"])).map(Period::Year),
        Dim::Quarter => quarter(s)
            .or_else(|| date_of(s).map(|d| (d.year(), ((d.month() - 1) / 3 + 1) as u8)))
            .map(|(y, q)| Period::Quarter(y, q)),
        Dim::Month => month(s)
            .or_else(|| date_of(s).map(|d| (d.year(), d.month() as u8)))
            .map(|(y, m)| Period::Month(y, m)),
        _ => None,
    }
}

/// A date by the ledger's rules (day first); `03/2024` has two parts and is never one.
fn date_of(s: &str) -> Option<chrono::NaiveDate> {
    parse_date(s).ok()
}

/// `s` without a leading word from `words` (and the space after it).
fn strip_word<'a>(s: &'a str, words: &[&str]) -> &'a str {
    for w in words {
        if let Some(rest) = s.strip_prefix(w) {
            let rest = rest.trim_start();
            if rest.len() < s.len() - w.len() || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return rest;
            }
        }
    }
    s
}

fn digits(s: &str, lens: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn year(s: &str) -> Option<i32> {
    let y = digits(s, 4..=4)? as i32;
    YEARS.contains(&y).then_some(y)
}

/// Splits `a SEP b` at the first of `-`, `/`, `.`, or white space (one separator, two parts).
fn two_parts(s: &str) -> Option<(&str, &str)> {
    let i = s.find(|c: char| matches!(c, '-' | '/' | '.') || c.is_whitespace())?;
    let (a, rest) = s.split_at(i);
    let b = rest[1..].trim_start();
    if b.contains(|c: char| matches!(c, '-' | '/' | '.') || c.is_whitespace()) {
        return None;
    }
    Some((a.trim_end(), b))
}

fn quarter_number(s: &str) -> Option<u8> {
    let n = match s {
        "1" | "i" => 1,
        "2" | "ii" => 2,
        "3" | "iii" => 3,
        "4" | "iv" => 4,
        _ => return None,
    };
    Some(n)
}

fn quarter(s: &str) -> Option<(i32, u8)> {
    // `2024Q3`, `2024-q3`, `2024 Q3`, `2024/Q3`.
    if let Some((y, q)) = s.split_once('q')
        && let Some(y) = year(y.trim_end_matches(['-', '/', '.', ' ']))
    {
        return quarter_number(q).map(|q| (y, q));
    }
    // `Q3/2024`, `Quý III-2024`, `quy 3 2024`.
    let rest = strip_word(s, &["quý", "quy", "q"]);
    if rest.len() == s.len() {
        return None;
    }
    let (q, y) = two_parts(rest)?;
    Some((year(y)?, quarter_number(q)?))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(s: &str) -> Option<u8> {
    let m = digits(s, 1..=2)?;
    (1..=12).contains(&m).then_some(m as u8)
}

fn month(s: &str) -> Option<(i32, u8)> {
    let rest = strip_word(s, &["tháng", "thang", "thg", "th", "t"]);
    let worded = rest.len() != s.len();
    let (a, b) = two_parts(rest)?;
    if !worded {
        // `2024-03`, `2024/3`.
        if let Some(y) = year(a) {
            return Some((y, month_number(b)?));
        }
        // `Mar-24`, `Mar 2024`, `March 2024` (Excel's mmm-yy: two digits are 20yy).
        let named = MONTHS
            .iter()
            .position(|m| *m == a)
            .or_else(|| MONTH_NAMES.iter().position(|m| *m == a));
        if let Some(m) = named {
            let y = match digits(b, 2..=2) {
                Some(yy) => 2000 + yy as i32,
                None => year(b)?,
            };
            return Some((y, m as u8 + 1));
        }
    }
    // `03/2024`, `3-2024`, `Tháng 3/2024`, `T3/2024`.
    Some((year(b)?, month_number(a)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_as_spreadsheets_write_them() {
        let march = Some(Period::Month(2024, 3));
        for s in [
            "2024-03",
            "2024-3",
            "2024/03",
            "2024.03",
            "03/2024",
            "3/2024",
            "03-2024",
            "3.2024",
            "01/03/2024",
            "15/03/2024",
            "2024-03-01",
            "01/03/2024 00:00:00",
            "Mar-24",
            "mar-2024",
            "Mar 2024",
            "March 2024",
            "Tháng 3/2024",
            "tháng 3 năm 2024",
            "tháng 03 2024",
            "T3/2024",
            "Thg 3-2024",
            " 2024-03 ",
        ] {
            assert_eq!(read_period(Dim::Month, s), march, "{s}");
        }
        assert_eq!(
            read_period(Dim::Month, "Dec-99"),
            Some(Period::Month(2099, 12))
        );
        for bad in [
            "2024-13",
            "13/2024",
            "0/2024",
            "2024-00",
            "Mar-2x",
            "Mars 2024",
            "2024",
            "",
            "31/02/2024",
            "1/3/2024/5",
            "abc",
            "2101-01",
            "24-03",
        ] {
            assert_eq!(read_period(Dim::Month, bad), None, "{bad}");
        }
    }

    #[test]
    fn quarters_and_years() {
        let q3 = Some(Period::Quarter(2024, 3));
        for s in [
            "2024-Q3",
            "2024-q3",
            "2024 Q3",
            "2024Q3",
            "Q3/2024",
            "Q3-2024",
            "q3 2024",
            "Quý 3/2024",
            "Quý III/2024",
            "quy iii-2024",
            "quý 3 năm 2024",
            "15/08/2024",
        ] {
            assert_eq!(read_period(Dim::Quarter, s), q3, "{s}");
        }
        for bad in ["2024-Q5", "Q0/2024", "2024", "Q3", "3/2024", "quý V/2024"] {
            assert_eq!(read_period(Dim::Quarter, bad), None, "{bad}");
        }
        assert_eq!(read_period(Dim::Year, "2024"), Some(Period::Year(2024)));
        assert_eq!(read_period(Dim::Year, "Năm 2024"), Some(Period::Year(2024)));
        for bad in ["abc", "24", "1899", "2101", "16/07/1905", "2024-01", ""] {
            assert_eq!(read_period(Dim::Year, bad), None, "{bad}");
        }
        assert_eq!(read_period(Dim::Unit, "2024"), None);
    }
}

//! Printing exact decimals: plain for programs (`1234567.5`), grouped for people
//! (`1,234,567.5`). Neither ever rounds.

use rust_decimal::Decimal;

/// `1234567.5`: `.` as the decimal mark, no grouping, no trailing zeros.
pub fn plain(d: Decimal) -> String {
    if d.is_zero() {
        return "0".to_string();
    }
    d.normalize().to_string()
}

/// `1,234,567.5`: thousands grouped with `,`.
pub fn grouped(d: Decimal) -> String {
    let text = plain(d);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A percentage with two decimals: `24.82`.
pub fn percent(d: Decimal) -> String {
    format!("{:.2}", d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn prints() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(plain(d("106800000.00")), "106800000");
        assert_eq!(plain(d("-0.0")), "0");
        assert_eq!(grouped(d("1030000000")), "1,030,000,000");
        assert_eq!(grouped(d("-1234.50")), "-1,234.5");
        assert_eq!(grouped(d("999")), "999");
        assert_eq!(percent(d("5")), "5.00");
    }
}

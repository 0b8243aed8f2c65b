//! Exact addition. Every total in danvan is a `rust_decimal` sum made here, so there is one rule
//! and one message for a sum that would leave the exact range: it is an error, never a rounded
//! or wrapped total.

use anyhow::{Result, anyhow};
use rust_decimal::Decimal;

/// `a + b`, exactly, or the error every command reports for a total out of range.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(too_large)
}

/// The error for a total that passes what danvan can add up exactly.
pub fn too_large() -> anyhow::Error {
    anyhow!(
        "a total passes {}, the most danvan can add up exactly",
        Decimal::MAX
    )
}

/// The sum of `amounts`, exactly.
pub fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal> {
    amounts.into_iter().try_fold(Decimal::ZERO, add)
}

/// An amount as programs read it, the same in every language: `1234567.5` (no grouping, `.` as
/// the decimal mark, no trailing zeros). Never rounded. `merge` reads exactly this form back.
pub fn plain(d: Decimal) -> String {
    if d.is_zero() {
        return "0".to_string();
    }
    d.normalize().to_string()
}

/// A percentage as programs read it: two decimals, `24.82`.
pub fn plain_percent(d: Decimal) -> String {
    format!("{:.2}", d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn prints_plainly() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(plain(d("106800000.00")), "106800000");
        assert_eq!(plain(d("-0.0")), "0");
        assert_eq!(plain(d("-1234.50")), "-1234.5");
        assert_eq!(plain_percent(d("5")), "5.00");
        assert_eq!(plain_percent(d("24.8")), "24.80");
    }

    #[test]
    fn adds_exactly_or_refuses() {
        assert_eq!(
            add(Decimal::new(1068, 1), Decimal::new(642, 1)).unwrap(),
            Decimal::from(171)
        );
        assert_eq!(
            sum([Decimal::ONE, Decimal::TWO, Decimal::NEGATIVE_ONE]).unwrap(),
            Decimal::TWO
        );
        let err = add(Decimal::MAX, Decimal::ONE).unwrap_err().to_string();
        assert!(err.contains("the most danvan can add up exactly"), "{err}");
    }
}

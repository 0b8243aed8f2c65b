//! The order of keys. Periods sort as time; text (units, fields, areas…) sorts by a pluggable
//! comparison, so a locale can bring its own alphabet (Vietnamese puts `Đ` after `D`) without the
//! reports knowing which locale it is.

use super::value::Value;
use std::cmp::Ordering;

/// How two texts compare.
pub trait TextOrder: Sync {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering;
}

/// By Unicode code point: stable, locale-free, what machine formats use.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodePoints;

impl TextOrder for CodePoints {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering {
        a.cmp(b)
    }
}

/// Two values of one dimension, text by `order`, periods as time.
pub fn cmp_values(order: &dyn TextOrder, a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) | (Value::Area(x), Value::Area(y)) => order.cmp_text(x, y),
        _ => a.cmp(b),
    }
}

/// Two labels, value by value.
pub fn cmp_labels(order: &dyn TextOrder, a: &[Value], b: &[Value]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| cmp_values(order, x, y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Period;

    struct Reverse;
    impl TextOrder for Reverse {
        fn cmp_text(&self, a: &str, b: &str) -> Ordering {
            b.cmp(a)
        }
    }

    #[test]
    fn text_follows_the_order_and_periods_follow_time() {
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(cmp_values(&CodePoints, &t("A"), &t("B")), Ordering::Less);
        assert_eq!(cmp_values(&Reverse, &t("A"), &t("B")), Ordering::Greater);
        let (m9, m10) = (
            Value::Period(Period::Month(2024, 9)),
            Value::Period(Period::Month(2024, 10)),
        );
        assert_eq!(cmp_values(&Reverse, &m9, &m10), Ordering::Less);
        assert_eq!(
            cmp_labels(&CodePoints, &[t("A"), m10.clone()], &[t("A"), m9.clone()]),
            Ordering::Greater
        );
    }
}

//! The order of keys. Periods sort as time; text (units, fields, areas…) sorts by a pluggable
//! comparison, so a locale can bring its own alphabet (Vietnamese puts `Đ` after `D`) without the
//! reports knowing which locale it is.

use super::value::Value;
use std::cmp::Ordering;

/// How two texts compare.
pub trait TextOrder: Sync {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering;

    /// Bytes whose order is this order (ties aside), when the order can make them: sorting many
    /// texts then computes one key per text instead of comparing texts in pairs, which for a
    /// real alphabet is the difference between milliseconds and seconds. `None`: compare pairs.
    fn key(&self, _text: &str) -> Option<Vec<u8>> {
        None
    }
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

/// A label's sort key under an order that has keys: compared part by part as [`cmp_labels`]
/// compares values (text by its key, then by code point so that no two texts tie; periods as
/// time).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LabelKey(Vec<Part>);

/// One value of a [`LabelKey`]; the variants rank as [`Value`]'s do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Text(Vec<u8>, String),
    Period(super::Period),
    Area(Vec<u8>, String),
}

/// The key of `label` under `order`, or `None` when the order has no keys.
pub fn label_key(order: &dyn TextOrder, label: &[Value]) -> Option<LabelKey> {
    label
        .iter()
        .map(|v| {
            Some(match v {
                Value::Text(t) => Part::Text(order.key(t)?, t.clone()),
                Value::Period(p) => Part::Period(*p),
                Value::Area(t) => Part::Area(order.key(t)?, t.clone()),
            })
        })
        .collect::<Option<Vec<Part>>>()
        .map(LabelKey)
}

/// Sorts `items` by their labels in `order`. Nothing is done when they are in order already
/// (one linear pass); otherwise each label's key is computed once, when the order has keys.
pub fn sort_by_label<T>(order: &dyn TextOrder, items: &mut [T], label: impl Fn(&T) -> &[Value]) {
    if items.is_sorted_by(|a, b| cmp_labels(order, label(a), label(b)).is_le()) {
        return;
    }
    if order.key("").is_some() {
        // Every key is `Some` when one is: an order has keys or has none.
        items.sort_by_cached_key(|t| label_key(order, label(t)));
    } else {
        items.sort_by(|a, b| cmp_labels(order, label(a), label(b)));
    }
}

/// Sorts texts in `order`, each text's key computed once when the order has keys.
pub fn sort_texts(order: &dyn TextOrder, texts: &mut [String]) {
    if order.key("").is_some() {
        texts.sort_by_cached_key(|t| (order.key(t), t.clone()));
    } else {
        texts.sort_by(|a, b| order.cmp_text(a, b));
    }
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

//! The order of keys. Periods sort as time; text (units, fields, areas…) sorts by a pluggable
//! comparison, so a locale can bring its own alphabet (Vietnamese puts `Đ` after `D`) without the
//! reports knowing which locale it is.

use super::value::Value;
use std::cmp::Ordering;

/// How two texts compare.
pub trait TextOrder: Sync {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering;

    /// Whether [`TextOrder::write_key`] makes keys. Sorting many texts then computes one key
    /// per text instead of comparing texts in pairs, which for a real alphabet is the
    /// difference between a tenth of a second and seconds.
    fn has_keys(&self) -> bool {
        false
    }

    /// Appends to `key` bytes whose order (compared as bytes) is this order, if
    /// [`TextOrder::has_keys`].
    fn write_key(&self, _text: &str, _key: &mut Vec<u8>) {}
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

/// A label's sort key under an order that has keys: bytes that compare as [`cmp_labels`]
/// compares the labels. Each value is a tag (text, period, area: the order of [`Value`]'s
/// variants), then for text its order's key with any zero byte escaped as `0 255` and a `0`
/// after it (so a text that is the start of another sorts first), for a period its time.
pub fn label_key(order: &dyn TextOrder, label: &[Value]) -> Vec<u8> {
    let mut key = Vec::with_capacity(label.len() * 40);
    for value in label {
        match value {
            Value::Text(t) | Value::Area(t) => {
                key.push(if matches!(value, Value::Text(_)) {
                    1
                } else {
                    3
                });
                let start = key.len();
                order.write_key(t, &mut key);
                if key[start..].contains(&0) {
                    let raw = key.split_off(start);
                    for b in raw {
                        match b {
                            0 => key.extend_from_slice(&[0, 255]),
                            b => key.push(b),
                        }
                    }
                }
                key.push(0);
            }
            Value::Period(p) => {
                key.push(2);
                let (kind, year, part) = match *p {
                    super::Period::Year(y) => (0, y, 0),
                    super::Period::Quarter(y, q) => (1, y, q),
                    super::Period::Month(y, m) => (2, y, m),
                };
                key.push(kind);
                key.extend_from_slice(&((year as u32) ^ 0x8000_0000).to_be_bytes());
                key.push(part);
            }
        }
    }
    key
}

/// Sorts `items` by their labels in `order`, keeping the order of items whose labels compare
/// equal. Nothing is done when they are in order already (one linear pass); otherwise, when
/// the order has keys, each label's key is computed once (on every core for many items).
pub fn sort_by_label<T: Sync>(
    order: &dyn TextOrder,
    items: &mut [T],
    label: impl Fn(&T) -> &[Value] + Sync,
) {
    if items.is_sorted_by(|a, b| cmp_labels(order, label(a), label(b)).is_le()) {
        return;
    }
    if order.has_keys() {
        let sorted = sorted_by_key(items, |t| label_key(order, label(t)));
        permute(items, sorted);
    } else {
        items.sort_by(|a, b| cmp_labels(order, label(a), label(b)));
    }
}

/// Sorts texts in `order`, keeping the order of texts that compare equal; each text's key is
/// computed once when the order has keys.
pub fn sort_texts(order: &dyn TextOrder, texts: &mut [String]) {
    if order.has_keys() {
        let sorted = sorted_by_key(texts, |t| {
            let mut key = Vec::with_capacity(t.len() * 2);
            order.write_key(t, &mut key);
            key
        });
        permute(texts, sorted);
    } else {
        texts.sort_by(|a, b| order.cmp_text(a, b));
    }
}

/// Below this many items one thread computes the keys: starting threads would cost more.
const PARALLEL_FROM: usize = 20_000;

/// The indices of `items` in the order of their keys (equal keys by index), the keys computed
/// once each and sorted in parallel parts on up to all cores, then merged. A thread the system
/// will not start is done without.
fn sorted_by_key<T: Sync>(items: &[T], key: impl Fn(&T) -> Vec<u8> + Sync) -> Vec<usize> {
    let threads = if items.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    let size = items.len().div_ceil(threads).max(1);
    let key = &key;
    let part = move |first: usize, part: &[T]| {
        let mut keys: Vec<(Vec<u8>, usize)> = part
            .iter()
            .enumerate()
            .map(|(i, t)| (key(t), first + i))
            .collect();
        keys.sort_unstable();
        keys
    };
    let mut parts: Vec<Vec<(Vec<u8>, usize)>> = std::thread::scope(|scope| {
        let started: Vec<_> = items
            .chunks(size)
            .enumerate()
            .map(|(c, chunk)| {
                let first = c * size;
                match std::thread::Builder::new().spawn_scoped(scope, move || part(first, chunk)) {
                    Ok(handle) => Err(handle),
                    Err(_) => Ok(part(first, chunk)),
                }
            })
            .collect();
        started
            .into_iter()
            .map(|s| {
                s.unwrap_or_else(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e))
                })
            })
            .collect()
    });
    while parts.len() > 1 {
        let mut merged = Vec::with_capacity(parts.len().div_ceil(2));
        let mut pairs = parts.into_iter();
        while let Some(a) = pairs.next() {
            merged.push(match pairs.next() {
                Some(b) => merge(a, b),
                None => a,
            });
        }
        parts = merged;
    }
    parts
        .pop()
        .unwrap_or_default()
        .into_iter()
        .map(|(_, i)| i)
        .collect()
}

/// Two sorted runs as one.
fn merge<K: Ord>(a: Vec<K>, b: Vec<K>) -> Vec<K> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x <= y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

/// Puts `items` in the order `sorted` gives (`sorted[k]` is the index of the item that goes
/// to place `k`), in place.
fn permute<T>(items: &mut [T], sorted: Vec<usize>) {
    let mut dest = vec![0; sorted.len()];
    for (place, &from) in sorted.iter().enumerate() {
        dest[from] = place;
    }
    for i in 0..items.len() {
        while dest[i] != i {
            let d = dest[i];
            items.swap(i, d);
            dest.swap(i, d);
        }
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

    /// Code point order with keys full of zero bytes (four per character), to hold the
    /// escaping of [`label_key`] to its word.
    struct Wide;
    impl TextOrder for Wide {
        fn cmp_text(&self, a: &str, b: &str) -> Ordering {
            a.cmp(b)
        }
        fn has_keys(&self) -> bool {
            true
        }
        fn write_key(&self, text: &str, key: &mut Vec<u8>) {
            for c in text.chars() {
                key.extend_from_slice(&(c as u32).to_be_bytes());
            }
        }
    }

    #[test]
    fn label_keys_compare_as_labels_do() {
        let t = |s: &str| Value::Text(s.into());
        let a = |s: &str| Value::Area(s.into());
        let p = Value::Period;
        let labels: Vec<Vec<Value>> = vec![
            vec![t(""), p(Period::Year(2024))],
            vec![t("a"), p(Period::Year(2024))],
            vec![t("a"), p(Period::Year(1999))],
            vec![t("a"), p(Period::Quarter(2024, 1))],
            vec![t("a"), p(Period::Month(2023, 12))],
            vec![t("a"), t("x")],
            vec![t("ab"), p(Period::Year(2024))],
            vec![t("a\u{0}"), p(Period::Year(2024))],
            vec![t("a\u{100}"), p(Period::Year(2024))],
            vec![a("Liên Hòa"), t("")],
            vec![a("Liên Hòa/Thôn 1"), t("")],
            vec![a("Liên Hòa 2"), t("")],
            vec![t("Đ"), t("b")],
        ];
        for x in &labels {
            for y in &labels {
                assert_eq!(
                    label_key(&Wide, x).cmp(&label_key(&Wide, y)),
                    cmp_labels(&Wide, x, y),
                    "{x:?} {y:?}"
                );
            }
        }
        let mut keyed = labels.clone();
        sort_by_label(&Wide, &mut keyed, |l| l.as_slice());
        let mut paired = labels.clone();
        paired.sort_by(|x, y| cmp_labels(&CodePoints, x, y));
        assert_eq!(keyed, paired);
    }

    #[test]
    fn many_items_sort_in_parallel_parts_as_in_one() {
        // Pseudo-random texts, many of them equal (which keep their first order).
        let mut x: u64 = 1;
        let texts: Vec<String> = (0..3 * PARALLEL_FROM + 7)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("{}", (x >> 40) % 5000)
            })
            .collect();
        let mut keyed: Vec<(String, usize)> = texts.iter().cloned().zip(0..).collect();
        let sorted = sorted_by_key(&keyed, |(t, _)| t.as_bytes().to_vec());
        permute(&mut keyed, sorted);
        let mut want: Vec<(String, usize)> = texts.into_iter().zip(0..).collect();
        want.sort();
        assert_eq!(keyed, want);
        let mut few = vec!["b".to_string(), "a".to_string(), "c".to_string()];
        sort_texts(&Wide, &mut few);
        assert_eq!(few, ["a", "b", "c"]);
    }
}

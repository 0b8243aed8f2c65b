//! How a file is written: its delimiter and which column holds what.
//!
//! Clerks' files come from many Excel versions and hands: `;` or `,` or tab, English or
//! Vietnamese headers, in any order, under title rows. The delimiter is detected from the header
//! line (quotes respected) unless the user gives one; header names are matched after trimming,
//! NFC and lower-casing against a table of aliases shared by every command, or against the
//! header text a user names by hand (`--column amount="Giá trị quy đổi"`). A unit in brackets
//! after a name (`Số tiền (triệu đồng)`) is kept: for an amount it is a scale or a measure
//! ([`amount_unit`]), and the caller refuses one it does not know.

use super::number::Reading;
use crate::domain::measure::{M2, WORKDAY, canonical_measure};
use crate::domain::text::fold_case;
use rust_decimal::Decimal;

/// The delimiter that occurs most often outside quotes in `header_line`; `,` when none does.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let candidates = [b',', b';', b'\t'];
    let mut in_quotes = false;
    for &b in header_line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    // Ties go to the earlier candidate; no delimiter at all means a one-column file.
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((0, &0));
    if *n == 0 { b',' } else { candidates[best] }
}

/// A column a ledger or registry may have, with the header spellings that name it.
pub struct ColumnSpec<K> {
    pub key: K,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

/// Header cells that number the rows (`STT`, số thứ tự): recognised and left out, never warned
/// about as unknown.
pub const ROW_NUMBER_HEADERS: &[&str] = &["stt", "tt", "số tt", "số thứ tự"];

/// A header cell split into its name and the unit in brackets after it:
/// `Số tiền (triệu đồng)` → (`Số tiền`, `Some("triệu đồng")`). Only a closed bracket after a
/// name is a unit; the unit is trimmed, and never empty.
pub fn split_unit(cell: &str) -> (&str, Option<&str>) {
    if let (Some(open), true) = (cell.rfind('('), cell.ends_with(')')) {
        let name = cell[..open].trim_end();
        let unit = cell[open + 1..cell.len() - 1].trim();
        if !name.is_empty() && !unit.is_empty() {
            return (name, Some(unit));
        }
    }
    (cell, None)
}

/// What the unit in an amount header says about every amount of the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    /// Money: each amount is this power of ten of đồng (`(đồng)` 0, `(nghìn đồng)` 3,
    /// `(triệu đồng)` 6, `(tỷ đồng)` 9).
    Money(u32),
    /// A measure danvan knows (`(ngày công)`, `(m2)`): the canonical code, the measure of rows
    /// whose own measure cell is empty.
    Measure(&'static str),
}

/// Reads the unit of an amount header (`triệu đồng`, `Tr.đ`, `1.000 đ`, `ngàn đồng`, `VNĐ`,
/// `ngày công`); `None` for a unit danvan does not know, which the caller refuses: a scale
/// misread would be a wrong figure.
pub fn amount_unit(unit: &str) -> Option<AmountUnit> {
    let folded = fold_case(unit);
    let mut words = folded.as_str();
    let mut currency = false;
    for mark in ["vnđ", "vnd", "đồng", "dong", "₫", "đ"] {
        if let Some(rest) = words.strip_suffix(mark) {
            words = rest;
            currency = true;
            break;
        }
    }
    // `Tr.đ`, `ng.đ`, `triệu/đ`: the mark may hang on the scale word by a dot or slash.
    let words = words.trim().trim_end_matches(['.', '/']).trim();
    let power = match words {
        "" if currency => Some(0),
        "nghìn" | "ngàn" | "ng" | "k" => Some(3),
        "triệu" | "tr" => Some(6),
        "tỷ" | "tỉ" => Some(9),
        _ => power_of_ten(words),
    };
    if let Some(p) = power {
        return Some(AmountUnit::Money(p));
    }
    match canonical_measure(unit) {
        m if !currency && m == WORKDAY => Some(AmountUnit::Measure(WORKDAY)),
        m if !currency && m == M2 => Some(AmountUnit::Measure(M2)),
        _ => None,
    }
}

impl AmountUnit {
    /// What each amount is multiplied by; `None` for 1 (the common case costs nothing).
    pub fn factor(self) -> Option<Decimal> {
        match self {
            AmountUnit::Money(0) | AmountUnit::Measure(_) => None,
            AmountUnit::Money(p) => Some(Decimal::from(10u64.pow(p))),
        }
    }
}

/// `reading` times `factor`, exactly (without trailing zeros, as messages show it); `None` when
/// a product leaves the exact range.
pub fn scale_reading(reading: Reading, factor: Decimal) -> Option<Reading> {
    let times = |d: Decimal| d.checked_mul(factor).map(|p| p.normalize());
    Some(match reading {
        Reading::Exact { value, evidence } => Reading::Exact {
            value: times(value)?,
            evidence,
        },
        Reading::Ambiguous { vi, en } => Reading::Ambiguous {
            vi: times(vi)?,
            en: times(en)?,
        },
    })
}

/// True when an amount cell carries words or marks of its own (`5 triệu`, `500.000đ`), which a
/// column whose header already gives a scale must not: which of the two was meant is unknown.
#[inline]
pub fn has_own_unit(cell: &[u8]) -> bool {
    cell.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80)
}

/// `1.000`, `1,000`, `1000`, `1 000 000`: a thousand, million or billion written out.
fn power_of_ten(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' '))
        .collect();
    let zeros = digits.strip_prefix('1')?;
    if !zeros.bytes().all(|b| b == b'0') {
        return None;
    }
    // Group marks, when there are any, must group by three (`1.000`, not `10.00`).
    let grouped = text.replace(' ', "");
    let groups: Vec<&str> = grouped.split(['.', ',']).collect();
    if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
        return None;
    }
    match zeros.len() {
        3 | 6 | 9 => Some(zeros.len() as u32),
        _ => None,
    }
}

/// Where each known column sits in one file's header.
#[derive(Debug, Clone)]
pub struct HeaderMap<K> {
    /// (column, cell index, unit in brackets as written).
    found: Vec<(K, usize, Option<String>)>,
    /// The header cells as written (after normalization), for messages.
    pub names: Vec<String>,
    /// Header cells that match no known column, to be named once in a warning.
    pub unknown: Vec<String>,
}

/// What is wrong with a header, as a whole-run error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Missing(Vec<&'static str>),
    Duplicate {
        column: &'static str,
        first: usize,
        second: usize,
    },
}

impl std::fmt::Display for HeaderError {
    /// The English text, from the catalogue.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::problem::en::header_error(self))
    }
}

impl<K: Copy + PartialEq> HeaderMap<K> {
    pub fn build(cells: &[String], specs: &[ColumnSpec<K>]) -> Result<Self, HeaderError> {
        Self::build_with(cells, specs, &[])
    }

    /// Like [`build`](Self::build), with columns named by hand: `(column, header text)`. A hand
    /// mapping wins over the aliases: when its text is in the header, that cell is the column and
    /// no other cell is taken for it by alias.
    pub fn build_with(
        cells: &[String],
        specs: &[ColumnSpec<K>],
        by_hand: &[(K, String)],
    ) -> Result<Self, HeaderError> {
        let by_hand: Vec<(K, String)> = by_hand.iter().map(|(k, t)| (*k, fold_case(t))).collect();
        let folded: Vec<String> = cells.iter().map(|c| fold_case(c)).collect();
        let hand_for = |f: &str| {
            let bare = split_unit(f).0;
            by_hand
                .iter()
                .find(|(_, t)| t == f || t == bare)
                .map(|&(k, ref t)| (k, t == f))
        };
        let mapped: Vec<K> = folded
            .iter()
            .filter_map(|f| hand_for(f))
            .map(|h| h.0)
            .collect();
        let mut found: Vec<(K, usize, Option<String>)> = Vec::new();
        let mut unknown = Vec::new();
        for (i, (cell, f)) in cells.iter().zip(&folded).enumerate() {
            let bare = split_unit(f).0;
            let unit = || split_unit(cell).1.map(str::to_string);
            let known = |name: &str| specs.iter().find(|s| s.aliases.contains(&name));
            let matched = match hand_for(f) {
                Some((key, whole)) => Some((key, if whole { None } else { unit() })),
                None => match known(f) {
                    Some(spec) => Some((spec.key, None)),
                    None => known(bare).map(|spec| (spec.key, unit())),
                },
            };
            match matched {
                // A column named by hand is that cell only; an alias elsewhere is not it.
                Some((key, _)) if hand_for(f).is_none() && mapped.contains(&key) => {
                    unknown.push(cell.clone());
                }
                Some((key, unit)) => {
                    if let Some(&(_, first, _)) = found.iter().find(|(k, _, _)| *k == key) {
                        let spec = specs.iter().find(|s| s.key == key);
                        return Err(HeaderError::Duplicate {
                            column: spec.map_or("?", |s| s.aliases[0]),
                            first: first + 1,
                            second: i + 1,
                        });
                    }
                    found.push((key, i, unit));
                }
                None if f.is_empty() => {}
                None if ROW_NUMBER_HEADERS.contains(&f.as_str()) => {}
                None => unknown.push(cell.clone()),
            }
        }
        let missing: Vec<&'static str> = specs
            .iter()
            .filter(|s| s.required && !found.iter().any(|(k, _, _)| *k == s.key))
            .map(|s| s.aliases[0])
            .collect();
        if !missing.is_empty() {
            return Err(HeaderError::Missing(missing));
        }
        Ok(HeaderMap {
            found,
            names: cells.to_vec(),
            unknown,
        })
    }

    /// True when `cells` name every required column: the row is a header (even one with a
    /// column named twice, which is then an error about that header).
    pub fn names_required(
        cells: &[String],
        specs: &[ColumnSpec<K>],
        by_hand: &[(K, String)],
    ) -> bool {
        !matches!(
            Self::build_with(cells, specs, by_hand),
            Err(HeaderError::Missing(_))
        )
    }

    /// The unit in brackets after `key`'s header name, as written (`triệu đồng`), if any.
    pub fn unit(&self, key: K) -> Option<&str> {
        self.found
            .iter()
            .find(|(k, _, _)| *k == key)
            .and_then(|(_, _, u)| u.as_deref())
    }

    /// The column index of `key`, if the file has it.
    pub fn index(&self, key: K) -> Option<usize> {
        self.found
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|&(_, i, _)| i)
    }

    /// The header cell as written for `key`, or `fallback` (the canonical name).
    pub fn name(&self, key: K, fallback: &'static str) -> String {
        self.index(key)
            .and_then(|i| self.names.get(i).cloned())
            .unwrap_or_else(|| fallback.to_string())
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum K {
        A,
        B,
    }
    const SPECS: &[ColumnSpec<K>] = &[
        ColumnSpec {
            key: K::A,
            required: true,
            aliases: &["date", "ngày"],
        },
        ColumnSpec {
            key: K::B,
            required: false,
            aliases: &["amount", "số tiền"],
        },
    ];

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c"), b',');
        assert_eq!(detect_delimiter(b"abc"), b',');
        // Delimiters inside quotes never count, however many there are.
        assert_eq!(detect_delimiter(b"\"a;b;c\",d"), b',');
        assert_eq!(detect_delimiter(b"a;\"b,c,d\";e"), b';');
    }

    #[test]
    fn headers() {
        let cells: Vec<String> = ["  Số  Tiền (đồng)", "NGÀY", "extra"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = HeaderMap::build(&cells, SPECS).unwrap();
        assert_eq!(map.index(K::A), Some(1));
        assert_eq!(map.index(K::B), Some(0));
        assert_eq!(map.unknown, vec!["extra".to_string()]);
        let dup: Vec<String> = ["date", "Ngày"].iter().map(|s| s.to_string()).collect();
        assert!(matches!(
            HeaderMap::build(&dup, SPECS),
            Err(HeaderError::Duplicate { .. })
        ));
        // Only a closed bracket is a note: `Số tiền (đồng` is not the amount column.
        let open: Vec<String> = vec!["date".into(), "Số tiền (đồng".into()];
        let map = HeaderMap::build(&open, SPECS).unwrap();
        assert_eq!(map.index(K::B), None);
        assert_eq!(map.unknown, vec!["Số tiền (đồng".to_string()]);
        // An empty header cell (a trailing `;`) is no column to warn about.
        let trailing: Vec<String> = vec!["date".into(), String::new(), " ".into()];
        assert!(
            HeaderMap::build(&trailing, SPECS)
                .unwrap()
                .unknown
                .is_empty()
        );
        let none: Vec<String> = vec!["amount".into()];
        assert_eq!(
            HeaderMap::build(&none, SPECS).unwrap_err(),
            HeaderError::Missing(vec!["date"])
        );
    }

    #[test]
    fn units_in_amount_headers() {
        let money = |u: &str| amount_unit(u);
        for (unit, power) in [
            ("đồng", 0),
            ("VNĐ", 0),
            ("nghìn đồng", 3),
            ("ngàn đồng", 3),
            ("1.000 đ", 3),
            ("1.000đ", 3),
            ("1000 đồng", 3),
            ("ng.đ", 3),
            ("triệu đồng", 6),
            ("Tr.đ", 6),
            ("trđ", 6),
            ("triệu", 6),
            ("1.000.000 đ", 6),
            ("tỷ đồng", 9),
            ("Tỉ đồng", 9),
            // Decomposed accents (Unikey, Windows-1258) are the same unit.
            ("trie\u{323}\u{302}u đo\u{302}\u{300}ng", 6),
        ] {
            assert_eq!(money(unit), Some(AmountUnit::Money(power)), "{unit}");
        }
        assert_eq!(money("ngày công"), Some(AmountUnit::Measure(WORKDAY)));
        assert_eq!(money("m²"), Some(AmountUnit::Measure(M2)));
        for unknown in [
            "triệu USD",
            "USD",
            "%",
            "10.000 đ",
            "1.00 đ",
            "chục nghìn đồng",
            "tấn",
            "đồng/người",
        ] {
            assert_eq!(money(unknown), None, "{unknown}");
        }
        assert_eq!(AmountUnit::Money(0).factor(), None);
        assert_eq!(
            AmountUnit::Money(6).factor(),
            Some(Decimal::from(1_000_000))
        );
        assert_eq!(AmountUnit::Measure(M2).factor(), None);
        assert_eq!(
            split_unit("Số tiền (triệu đồng)"),
            ("Số tiền", Some("triệu đồng"))
        );
        assert_eq!(split_unit("Số tiền(Tr.đ)"), ("Số tiền", Some("Tr.đ")));
        assert_eq!(split_unit("Số tiền ()"), ("Số tiền ()", None));
        assert_eq!(split_unit("(đồng)"), ("(đồng)", None));
    }

    #[test]
    fn scaling_is_exact_and_refuses_what_leaves_the_range() {
        let million = Decimal::from(1_000_000);
        let r = Reading::Exact {
            value: Decimal::new(1068, 1),
            evidence: None,
        };
        assert_eq!(
            scale_reading(r, million),
            Some(Reading::Exact {
                value: Decimal::from(106_800_000),
                evidence: None
            })
        );
        let two = Reading::Ambiguous {
            vi: Decimal::from(1200),
            en: Decimal::new(12, 1),
        };
        assert_eq!(
            scale_reading(two, million),
            Some(Reading::Ambiguous {
                vi: Decimal::from(1_200_000_000u64),
                en: Decimal::from(1_200_000),
            })
        );
        let huge = Reading::Exact {
            value: Decimal::MAX,
            evidence: None,
        };
        assert_eq!(scale_reading(huge, million), None);
        assert!(has_own_unit(b"5 tri\xe1\xbb\x87u") && has_own_unit(b"500k"));
        assert!(!has_own_unit(b"-1.200.000,5") && !has_own_unit(b"(500)"));
    }

    #[test]
    fn columns_named_by_hand_and_row_numbers() {
        let cells: Vec<String> = ["STT", "Ngày", "Số tiền", "Giá trị quy đổi (nghìn đồng)"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let plain = HeaderMap::build(&cells, SPECS).unwrap();
        assert_eq!(plain.index(K::B), Some(2));
        assert!(
            plain
                .unknown
                .contains(&"Giá trị quy đổi (nghìn đồng)".to_string())
        );
        assert!(!plain.unknown.contains(&"STT".to_string()));
        // By hand, the named cell is the column (its unit kept) and the alias is not.
        let hand = [(K::B, "giá trị  QUY ĐỔI".to_string())];
        let map = HeaderMap::build_with(&cells, SPECS, &hand).unwrap();
        assert_eq!(map.index(K::B), Some(3));
        assert_eq!(map.unit(K::B), Some("nghìn đồng"));
        assert_eq!(map.unknown, vec!["Số tiền".to_string()]);
        // A hand mapping the file does not have leaves the aliases as they are.
        let absent = [(K::B, "Kinh phí".to_string())];
        assert_eq!(
            HeaderMap::build_with(&cells, SPECS, &absent)
                .unwrap()
                .index(K::B),
            Some(2)
        );
        assert!(HeaderMap::names_required(&cells, SPECS, &[]));
        let title = vec!["UBND PHƯỜNG YÊN GIANG".to_string(), String::new()];
        assert!(!HeaderMap::names_required(&title, SPECS, &[]));
        // A header naming a column twice is still the header (and then an error).
        let dup: Vec<String> = vec!["date".into(), "ngày".into()];
        assert!(HeaderMap::names_required(&dup, SPECS, &[]));
    }
}

//! Reading amounts as clerks write them: `1.200.000`, `106,8 triệu`, `1,200,000.50`, `75 triệu đồng`.
//!
//! Two conventions share the same two marks. Vietnamese (`vi`) groups with `.` and uses `,` as the
//! decimal mark; English (`en`) is the other way round. Most values read only one way (`1.200.000`,
//! `106,8`), and those are also the evidence from which a file's convention is detected. A value
//! like `1.200` reads two ways (1200 or 1.2); [`parse_amount`] returns both and the caller settles it
//! with the file's convention, because only the whole file knows it. Everything is exact
//! `rust_decimal`; a value too large is an error, never a rounded or wrapped number. Accounting
//! sheets write negatives as `(500.000)` or `500.000-` and zero as a lone `-`; those read too.

use crate::domain::text::normalize;
use rust_decimal::Decimal;

/// Which mark groups thousands and which is the decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Convention {
    /// `1.200.000,5`
    Vi,
    /// `1,200,000.5`
    En,
}

/// What a written number can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Reads one way. `evidence` is the convention the writing proves (`None` for plain digits,
    /// which every convention reads alike).
    Exact {
        value: Decimal,
        evidence: Option<Convention>,
    },
    /// Reads two ways (`1.200`): the file's convention must settle it.
    Ambiguous { vi: Decimal, en: Decimal },
}

impl Reading {
    /// The value under `convention`, or `None` when the reading is ambiguous and no convention
    /// is known.
    pub fn settle(self, convention: Option<Convention>) -> Option<Decimal> {
        match (self, convention) {
            (Reading::Exact { value, .. }, _) => Some(value),
            (Reading::Ambiguous { vi, .. }, Some(Convention::Vi)) => Some(vi),
            (Reading::Ambiguous { en, .. }, Some(Convention::En)) => Some(en),
            (Reading::Ambiguous { .. }, None) => None,
        }
    }
}

/// A parsed amount cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub reading: Reading,
    /// The cell carried a currency mark (`đ`, `₫`, `VND`, `VNĐ`, `đồng`).
    pub currency: bool,
}

/// Why an amount cell is no number; `problem::Kind::Amount` carries it, and the catalogues
/// word it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    Unreadable(String),
    TooLarge(String),
}

impl std::fmt::Display for NumberError {
    /// The English text, from the catalogue.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::problem::en::number_error(self))
    }
}

/// Parse one amount cell given as bytes. Plain machine-written values (`1250000`, `-106.8`,
/// `12,5`) are read here directly into a decimal, without building strings; everything else
/// goes through [`parse_amount`]. Both give the same answer for every input.
pub fn parse_amount_bytes(cell: &[u8]) -> Result<Amount, NumberError> {
    if let Some(reading) = fast_reading(cell).or_else(|| fast_grouped(cell)) {
        return Ok(Amount {
            reading,
            currency: false,
        });
    }
    match std::str::from_utf8(cell) {
        Ok(text) => parse_amount(text),
        Err(_) => Err(NumberError::Unreadable(
            String::from_utf8_lossy(cell).into_owned(),
        )),
    }
}

/// `-?d{1,3}(Gddd){2,}(Dd+)?` or `-?d{1,3}Gddd Dd+`: a grouped number that reads only one way,
/// the shape Vietnamese Excel writes every money amount in (`1.250.000`, `106.800.000,5`), where
/// G and D are `.` and `,` (vi) or `,` and `.` (en). At most 18 digits; anything else, including a
/// single group with no decimals (`1.200`, which reads two ways), goes to the full rules.
fn fast_grouped(cell: &[u8]) -> Option<Reading> {
    let (negative, body) = match cell.first()? {
        b'-' => (true, &cell[1..]),
        _ => (false, cell),
    };
    let group = *body.iter().find(|b| !b.is_ascii_digit())?;
    let (decimal, convention) = match group {
        b'.' => (b',', Convention::Vi),
        b',' => (b'.', Convention::En),
        _ => return None,
    };
    let (int, frac) = match body.iter().position(|&b| b == decimal) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut parts = int.split(|&b| b == group);
    let first = parts.next()?;
    if first.is_empty()
        || first.len() > 3
        || first[0] == b'0'
        || !first.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut digits = 0usize;
    let mut push = |d: &[u8]| -> Option<()> {
        for &b in d {
            if !b.is_ascii_digit() {
                return None;
            }
            digits += 1;
            if digits > 18 {
                return None;
            }
            mantissa = mantissa * 10 + i64::from(b - b'0');
        }
        Some(())
    };
    push(first)?;
    let mut groups = 0;
    for g in parts {
        if g.len() != 3 {
            return None;
        }
        push(g)?;
        groups += 1;
    }
    let scale = match frac {
        Some(f) if !f.is_empty() => {
            push(f)?;
            f.len() as u32
        }
        Some(_) => return None,
        None => 0,
    };
    // One group and no decimals reads two ways; no group at all is not this shape.
    if groups == 0 || (groups == 1 && frac.is_none()) {
        return None;
    }
    let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale);
    Some(Reading::Exact {
        value,
        evidence: Some(convention),
    })
}

/// `-?digits([.,]digits)?` with at most 18 digits and a fraction that is not three digits long
/// (three would also read as a thousands group: the slow path settles those). Every row's
/// amount comes here: the digits are taken in one tight loop up to the mark and one after it
/// (a plain `14143000` cost 176 instructions when each byte also asked whether a mark had been
/// seen).
fn fast_reading(cell: &[u8]) -> Option<Reading> {
    let (negative, body) = match cell.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, cell),
    };
    // 18 digits and a mark at most; a longer cell goes to the full rules.
    if body.len() > 19 {
        return None;
    }
    let (int, int_len) = digits_of(body);
    if int_len == 0 {
        return None;
    }
    let (mantissa, scale, evidence) = match body.get(int_len) {
        None => (int, 0, None),
        Some(&mark @ (b'.' | b',')) => {
            let frac = &body[int_len + 1..];
            let (digits, frac_len) = digits_of(frac);
            // `12.`, `1.250` (a thousands group too) or anything after the fraction.
            if frac_len != frac.len() || frac_len == 0 || frac_len == 3 {
                return None;
            }
            let convention = match mark {
                b'.' => Convention::En,
                _ => Convention::Vi,
            };
            // Both parts hold 18 digits together at most (checked below): no overflow here.
            let shifted = int.wrapping_mul(10u64.wrapping_pow(frac_len as u32));
            (
                shifted.wrapping_add(digits),
                frac_len as u32,
                Some(convention),
            )
        }
        Some(_) => return None,
    };
    if body.len() - usize::from(evidence.is_some()) > 18 {
        return None;
    }
    // 18 digits are below 10^18, within an `i64`.
    let mantissa = mantissa as i64;
    let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale);
    Some(Reading::Exact { value, evidence })
}

/// The value of the ASCII digits `bytes` starts with, and how many there are. At most 19 are
/// ever read here (a `u64` holds them).
#[inline(always)]
fn digits_of(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    let mut n = 0;
    for &b in bytes {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        n += 1;
    }
    (value, n)
}

/// Parse one amount cell (already trimmed or not; surrounding space is ignored).
pub fn parse_amount(cell: &str) -> Result<Amount, NumberError> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Err(NumberError::Empty);
    }
    // Fast path: plain ASCII digits, the shape of every machine export.
    if cell.len() <= 18 && cell.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = cell
            .parse()
            .map_err(|_| NumberError::Unreadable(cell.to_string()))?;
        return Ok(Amount {
            reading: Reading::Exact {
                value: Decimal::from(n),
                evidence: None,
            },
            currency: false,
        });
    }
    // Decomposed accents (`trie\u{323}\u{302}u` from Unikey's "Unicode tổ hợp" or a decoded
    // Windows-1258 file) and odd spaces are put right as in every other value. Messages quote the
    // cell as it was typed.
    let text = normalize(cell);
    read_accounting(&text).map_err(|fail| match fail {
        Fail::Unreadable => NumberError::Unreadable(cell.to_string()),
        Fail::TooLarge => NumberError::TooLarge(cell.to_string()),
    })
}

/// Why a normalized cell is no amount; the caller names the cell as typed.
enum Fail {
    Unreadable,
    TooLarge,
}

/// The forms accounting sheets write around an amount: `(500.000)` and `500.000-` are negative
/// (the scale word and currency mark may stand inside the parentheses or after them), and a
/// lone `-`, with or without a currency mark, is zero (Excel's accounting format prints zero so).
/// A sign inside the parentheses or before a trailing `-` is refused: it would be two signs.
fn read_accounting(text: &str) -> Result<Amount, Fail> {
    let starts_with_digit = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    if let Some(rest) = text.strip_prefix('(') {
        let (inside, after) = rest.split_once(')').ok_or(Fail::Unreadable)?;
        let inside = inside.trim();
        if !starts_with_digit(inside) || after.contains(['(', ')']) {
            return Err(Fail::Unreadable);
        }
        return read_plain(&format!("{inside} {}", after.trim())).map(negated);
    }
    if let Some(inner) = text.strip_suffix('-')
        && !inner.is_empty()
    {
        let inner = inner.trim_end();
        if !starts_with_digit(inner) {
            return Err(Fail::Unreadable);
        }
        return read_plain(inner).map(negated);
    }
    read_plain(text)
}

/// `amount` with its sign turned (a zero stays a plain zero).
fn negated(amount: Amount) -> Amount {
    let neg = |d: Decimal| if d.is_zero() { d } else { -d };
    let reading = match amount.reading {
        Reading::Exact { value, evidence } => Reading::Exact {
            value: neg(value),
            evidence,
        },
        Reading::Ambiguous { vi, en } => Reading::Ambiguous {
            vi: neg(vi),
            en: neg(en),
        },
    };
    Amount { reading, ..amount }
}

/// An optional sign, the number, then an optional scale word and currency mark.
fn read_plain(text: &str) -> Result<Amount, Fail> {
    let body_len = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-' || c == '+'))
        .map_or(text.len(), |(i, _)| i);
    let (body, rest) = text.split_at(body_len);
    let (scale, currency) = parse_suffix(rest).ok_or(Fail::Unreadable)?;
    if body == "-" && scale == 0 {
        return Ok(Amount {
            reading: Reading::Exact {
                value: Decimal::ZERO,
                evidence: None,
            },
            currency,
        });
    }
    let reading = match parse_body(body, scale) {
        Some(Ok(reading)) => reading,
        Some(Err(())) => return Err(Fail::TooLarge),
        None => return Err(Fail::Unreadable),
    };
    Ok(Amount { reading, currency })
}

/// Reads what may follow the number: a scale word, then a currency mark (either may be absent).
/// Returns the power of ten and whether a currency mark was seen; `None` for anything else.
fn parse_suffix(rest: &str) -> Option<(u32, bool)> {
    let lower = rest.trim().to_lowercase();
    let mut words: &str = lower.trim();
    let mut scale = 0;
    let mut currency = false;
    // The currency mark comes last; it may be glued to the number (`500.000đ`).
    for mark in ["vnđ", "vnd", "đồng", "₫", "đ"] {
        if let Some(stripped) = words.strip_suffix(mark) {
            words = stripped.trim_end();
            currency = true;
            break;
        }
    }
    if !words.is_empty() {
        scale = match words.trim() {
            "nghìn" | "ngàn" | "k" => 3,
            "triệu" | "tr" => 6,
            "tỷ" | "tỉ" => 9,
            _ => return None,
        };
    }
    Some((scale, currency))
}

/// Interprets `-1.200.000,5`-shaped text under both conventions, times `10^power` (a scale
/// word). `None`: not a number; `Some(Err)`: a well-formed number an exact decimal cannot hold.
fn parse_body(body: &str, power: u32) -> Option<Result<Reading, ()>> {
    let (negative, digits) = match body.as_bytes().first()? {
        b'-' => (true, &body[1..]),
        b'+' => (false, &body[1..]),
        _ => (false, body),
    };
    // A second sign, or nothing after the sign, is no number: `read_with` takes digits and marks
    // only, so it refuses both.
    let vi = read_with(digits, b'.', b',', power);
    let en = read_with(digits, b',', b'.', power);
    let sign = |d: Decimal| if negative { -d } else { d };
    let reading = match (vi, en) {
        (Some(Ok(a)), Some(Ok(b))) if a == b => Reading::Exact {
            value: sign(a),
            evidence: None,
        },
        (Some(Ok(a)), Some(Ok(b))) => Reading::Ambiguous {
            vi: sign(a),
            en: sign(b),
        },
        (Some(Ok(a)), _) => Reading::Exact {
            value: sign(a),
            evidence: Some(Convention::Vi),
        },
        (_, Some(Ok(b))) => Reading::Exact {
            value: sign(b),
            evidence: Some(Convention::En),
        },
        (Some(Err(())), _) | (_, Some(Err(()))) => return Some(Err(())),
        (None, None) => return None,
    };
    Some(Ok(reading))
}

/// Reads unsigned `digits` with `group` as the thousands mark and `decimal` as the decimal mark,
/// times `10^power`. `None`: not well formed this way. `Some(Err)`: well formed but beyond
/// `Decimal`'s range or precision.
fn read_with(digits: &str, group: u8, decimal: u8, power: u32) -> Option<Result<Decimal, ()>> {
    let bytes = digits.as_bytes();
    let (int, frac) = match bytes.iter().position(|&b| b == decimal) {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    };
    if let Some(frac) = frac
        && (frac.is_empty() || !frac.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    if int.is_empty() {
        return None;
    }
    let mut whole: Vec<u8> = Vec::with_capacity(digits.len() + power as usize);
    if int.contains(&group) {
        for (i, part) in int.split(|&b| b == group).enumerate() {
            let ok = part.iter().all(u8::is_ascii_digit)
                && if i == 0 {
                    (1..=3).contains(&part.len()) && part[0] != b'0'
                } else {
                    part.len() == 3
                };
            if !ok {
                return None;
            }
            whole.extend_from_slice(part);
        }
    } else {
        if !int.iter().all(u8::is_ascii_digit) {
            return None;
        }
        whole.extend_from_slice(int);
    }
    // The scale word moves the decimal mark right. Leading zeros and trailing fractional zeros
    // say nothing about the value, so they are dropped before the digits are counted: only a
    // value that really does not fit is refused (`1,000…0` with 29 zeros is 1).
    let mut frac = frac.unwrap_or_default();
    for _ in 0..power {
        match frac.split_first() {
            Some((&d, rest)) => {
                whole.push(d);
                frac = rest;
            }
            None => whole.push(b'0'),
        }
    }
    let frac = &frac[..frac.len() - frac.iter().rev().take_while(|&&b| b == b'0').count()];
    let lead = whole.iter().take_while(|&&b| b == b'0').count();
    let whole = if lead == whole.len() {
        &b"0"[..]
    } else {
        &whole[lead..]
    };
    let mut plain = String::with_capacity(whole.len() + frac.len() + 1);
    plain.push_str(std::str::from_utf8(whole).ok()?);
    if !frac.is_empty() {
        plain.push('.');
        plain.push_str(std::str::from_utf8(frac).ok()?);
    }
    Some(
        Decimal::from_str_exact(&plain)
            .map(|d| d.normalize())
            .map_err(|_| ()),
    )
}

/// A file's convention from its unambiguous values: the one they all agree on, or none when they
/// disagree or there are none.
pub fn settle_convention(evidence: [u64; 2]) -> Option<Convention> {
    match evidence {
        [vi, 0] if vi > 0 => Some(Convention::Vi),
        [0, en] if en > 0 => Some(Convention::En),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn exact(cell: &str) -> (Decimal, Option<Convention>) {
        match parse_amount(cell).unwrap().reading {
            Reading::Exact { value, evidence } => (value, evidence),
            other => panic!("{cell}: {other:?}"),
        }
    }

    #[test]
    fn one_way_readings() {
        assert_eq!(exact("1.200.000"), (d("1200000"), Some(Convention::Vi)));
        assert_eq!(exact("106,8"), (d("106.8"), Some(Convention::Vi)));
        assert_eq!(exact("1,200,000"), (d("1200000"), Some(Convention::En)));
        assert_eq!(exact("106.8"), (d("106.8"), Some(Convention::En)));
        assert_eq!(
            exact("1.200.000,50"),
            (d("1200000.5"), Some(Convention::Vi))
        );
        assert_eq!(exact("1,200,000.5"), (d("1200000.5"), Some(Convention::En)));
        assert_eq!(exact("1200000"), (d("1200000"), None));
        assert_eq!(exact("-75.000.000"), (d("-75000000"), Some(Convention::Vi)));
        assert_eq!(exact("0.500"), (d("0.5"), Some(Convention::En)));
    }

    #[test]
    fn fast_path_agrees_with_the_full_rules() {
        for cell in [
            "0",
            "7",
            "1250000",
            "-106.8",
            "12,5",
            "0.5",
            "1.200",
            "12,500",
            "1.5e3",
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "999999999999999999",
            "9999999999999999999",
            "0.0001",
            "-0,25",
            "+5",
            "1,234567",
            "00012.50",
        ] {
            assert_eq!(
                parse_amount_bytes(cell.as_bytes()),
                parse_amount(cell),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn two_way_readings() {
        let a = parse_amount("1.200").unwrap().reading;
        assert_eq!(
            a,
            Reading::Ambiguous {
                vi: d("1200"),
                en: d("1.2")
            }
        );
        assert_eq!(a.settle(Some(Convention::Vi)), Some(d("1200")));
        assert_eq!(a.settle(None), None);
        let b = parse_amount("12,500").unwrap().reading;
        assert_eq!(b.settle(Some(Convention::En)), Some(d("12500")));
        assert_eq!(b.settle(Some(Convention::Vi)), Some(d("12.5")));
    }

    #[test]
    fn marks_and_scale_words() {
        assert_eq!(exact("106,8 triệu").0, d("106800000"));
        assert_eq!(exact("106,8 triệu đồng").0, d("106800000"));
        assert_eq!(exact("2 tỷ").0, d("2000000000"));
        assert_eq!(exact("5 nghìn").0, d("5000"));
        assert_eq!(exact("1.200.000đ").0, d("1200000"));
        assert_eq!(exact("1.200.000 VNĐ").0, d("1200000"));
        assert!(parse_amount("500 ₫").unwrap().currency);
        assert!(!parse_amount("500").unwrap().currency);
    }

    #[test]
    fn accounting_forms() {
        assert_eq!(exact("(1.500.000)"), (d("-1500000"), Some(Convention::Vi)));
        assert_eq!(
            exact("( 106,8 triệu )"),
            (d("-106800000"), Some(Convention::Vi))
        );
        assert_eq!(exact("(2 tỷ) đồng").0, d("-2000000000"));
        assert!(parse_amount("(2 tỷ) đồng").unwrap().currency);
        assert_eq!(exact("1.500.000-"), (d("-1500000"), Some(Convention::Vi)));
        assert_eq!(exact("5 triệu -").0, d("-5000000"));
        assert_eq!(exact("-"), (Decimal::ZERO, None));
        assert_eq!(exact(" - "), (Decimal::ZERO, None));
        assert!(parse_amount("- đ").unwrap().currency);
        assert_eq!(exact("(0)").0, Decimal::ZERO);
        assert!(!exact("(0)").0.is_sign_negative());
        for bad in [
            "(-5)",
            "(+5)",
            "-5-",
            "+5-",
            "--",
            "()",
            "(5",
            "(5)(6)",
            "(5)-",
            "- k",
            "(5 đ) đ",
        ] {
            assert!(
                matches!(parse_amount(bad), Err(NumberError::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn decomposed_words_read_and_are_quoted_as_typed() {
        use unicode_normalization::UnicodeNormalization;
        for (cell, want) in [
            ("3 triệu", "3000000"),
            ("2 tỷ", "2000000000"),
            ("5 nghìn", "5000"),
        ] {
            let nfd: String = cell.nfd().collect();
            assert_ne!(nfd, cell);
            assert_eq!(exact(&nfd).0, d(want), "{nfd:?}");
        }
        let nfd: String = "75 triệu đồng".nfd().collect();
        assert!(parse_amount(&nfd).unwrap().currency);
        let bad: String = "3 triệu cái".nfd().collect();
        assert_eq!(
            parse_amount(&bad),
            Err(NumberError::Unreadable(bad.clone()))
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            "abc",
            "1..2",
            "1.2.3,4,5",
            "1.23.456",
            "12,",
            "--5",
            "1 200",
            "5 cái",
            "1.234.5",
        ] {
            assert!(
                matches!(parse_amount(bad), Err(NumberError::Unreadable(_))),
                "{bad}"
            );
        }
        assert_eq!(parse_amount(" "), Err(NumberError::Empty));
        assert!(matches!(
            parse_amount("99999999999999999999999999999999"),
            Err(NumberError::TooLarge(_))
        ));
        assert!(matches!(
            parse_amount("79228162514264337593543950335 tỷ"),
            Err(NumberError::TooLarge(_))
        ));
    }
}

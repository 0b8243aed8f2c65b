//! Exact sums. Every total in danvan is an [`Exact`] made here: one accumulator for the groups of
//! a reading thread, the amounts that read two ways, the lines and totals of a report and the
//! summaries `merge` adds up, so there is one rule for all of them.
//!
//! `rust_decimal` keeps 28 to 29 significant digits, and its addition silently drops decimals
//! when a sum needs more (`1e27 + 0.001` is `1e27`), so whether a total was rounded would depend
//! on the order of the additions: on threads, chunks and files. An [`Exact`] is instead a 256-bit
//! integer count of `10^-scale`, the scale being the largest of the amounts added. Integer
//! addition is associative, and 256 bits hold any sum of up to 2^63 amounts that are each a
//! `Decimal` (at most 2^96 at scale 28, so 2^190 units): a sum never rounds, never overflows in
//! practice and never depends on order. Only at the end is it turned into a `Decimal` to print,
//! and that either fits exactly or is refused ([`Exact::to_decimal`]).

use anyhow::anyhow;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// The largest scale a `Decimal` has, and so an [`Exact`].
const MAX_SCALE: u32 = 28;

/// An exact sum: the integer `hi:lo` (256 bits, two's complement) times `10^-scale`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exact {
    lo: Halves,
    hi: Halves,
    scale: u32,
}

/// 128 bits kept as two 64-bit halves, low first: aligned to 8 bytes where a `u128` is to 16,
/// so that a sum takes 40 bytes, not 48, and a group's running total with its row count 48,
/// not 64 (the peak of 2,000,000 distinct units 29 MiB lower, each page of it one the system
/// must fill). Only kept so: every operation is on the `u128` or `i128` it is.
#[derive(Debug, Clone, Copy, Default)]
struct Halves([u64; 2]);

impl Halves {
    const ZERO: Halves = Halves([0; 2]);

    #[inline(always)]
    fn of(v: u128) -> Halves {
        Halves([v as u64, (v >> 64) as u64])
    }

    #[inline(always)]
    fn get(self) -> u128 {
        u128::from(self.0[0]) | u128::from(self.0[1]) << 64
    }
}

/// A sum past 2^255 units: it would take more than 2^63 amounts, so it is never met in
/// practice, but it is an error rather than a wrapped total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

impl From<Overflow> for anyhow::Error {
    fn from(_: Overflow) -> Self {
        too_large()
    }
}

/// The error for a sum that passes what danvan can add up exactly.
pub fn too_large() -> anyhow::Error {
    anyhow!("a total passes 2^255 units, the most danvan can add up exactly")
}

/// `10^k` for every scale a `Decimal` has (0 to 28).
pub(crate) const POW10_I128: [i128; 29] = {
    let mut p = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// Powers of ten that fit in a `u64` (10^0 to 10^19), for scaling by steps.
pub(crate) const POW10_U64: [u64; 20] = {
    let mut p = [0u64; 20];
    let mut i = 0;
    while i < 20 {
        p[i] = POW10_I128[i] as u64;
        i += 1;
    }
    p
};

impl Exact {
    /// The low 128 bits.
    #[inline(always)]
    fn lo(&self) -> u128 {
        self.lo.get()
    }

    /// The high 128 bits, the sign among them.
    #[inline(always)]
    fn hi(&self) -> i128 {
        self.hi.get() as i128
    }

    pub const ZERO: Exact = Exact {
        lo: Halves::ZERO,
        hi: Halves::ZERO,
        scale: 0,
    };

    /// Adds one amount. The common cases are one 256-bit addition: an amount of the scale the
    /// sum already has (most amounts are whole numbers), or of a scale at most 9 below it (a
    /// whole number into a sum with decimals), whose units then fit an `i128` (2^96 · 10^9).
    #[inline]
    pub fn add(&mut self, d: Decimal) -> Result<(), Overflow> {
        let (m, scale) = (d.mantissa(), d.scale());
        let units = if scale == self.scale {
            m
        } else if scale < self.scale && self.scale - scale <= 9 {
            m * POW10_U64[(self.scale - scale) as usize] as i128
        } else {
            return self.add_exact(&Exact::from(d));
        };
        self.add_units(units as u128, if units < 0 { -1 } else { 0 })
    }

    /// Adds another exact sum.
    pub fn add_exact(&mut self, other: &Exact) -> Result<(), Overflow> {
        let mut other = *other;
        if other.scale > self.scale {
            self.rescale(other.scale)?;
        } else {
            other.rescale(self.scale)?;
        }
        self.add_units(other.lo(), other.hi())
    }

    #[inline]
    fn add_units(&mut self, lo: u128, hi: i128) -> Result<(), Overflow> {
        let (lo, carry) = self.lo().overflowing_add(lo);
        let hi = self
            .hi()
            .checked_add(hi)
            .and_then(|h| h.checked_add(carry as i128))
            .ok_or(Overflow)?;
        (self.lo, self.hi) = (Halves::of(lo), Halves::of(hi as u128));
        Ok(())
    }

    pub fn is_zero(&self) -> bool {
        self.lo() == 0 && self.hi() == 0
    }

    fn is_negative(&self) -> bool {
        self.hi() < 0
    }

    /// The magnitude as four 64-bit limbs, least significant first.
    fn magnitude(&self) -> [u64; 4] {
        let (mut lo, mut hi) = (self.lo(), self.hi() as u128);
        if self.is_negative() {
            // Two's complement negation of the 256-bit value.
            lo = !lo;
            hi = !hi;
            let (l, c) = lo.overflowing_add(1);
            lo = l;
            hi = hi.wrapping_add(c as u128);
        }
        [lo as u64, (lo >> 64) as u64, hi as u64, (hi >> 64) as u64]
    }

    /// The value `sign × limbs`, or `None` past 2^255.
    fn from_magnitude(negative: bool, limbs: [u64; 4], scale: u32) -> Option<Exact> {
        if limbs[3] >> 63 != 0 {
            return None;
        }
        let mut lo = limbs[0] as u128 | (limbs[1] as u128) << 64;
        let mut hi = limbs[2] as u128 | (limbs[3] as u128) << 64;
        if negative {
            lo = !lo;
            hi = !hi;
            let (l, c) = lo.overflowing_add(1);
            lo = l;
            hi = hi.wrapping_add(c as u128);
        }
        Some(Exact {
            lo: Halves::of(lo),
            hi: Halves::of(hi),
            scale,
        })
    }

    /// The same value at a larger scale: the integer times `10^(to - scale)`.
    fn rescale(&mut self, to: u32) -> Result<(), Overflow> {
        let mut limbs = self.magnitude();
        let mut left = to.saturating_sub(self.scale);
        while left > 0 {
            let step = left.min(19);
            let factor = POW10_U64[step as usize];
            let mut carry = 0u128;
            for limb in limbs.iter_mut() {
                let p = *limb as u128 * factor as u128 + carry;
                *limb = p as u64;
                carry = p >> 64;
            }
            if carry != 0 {
                return Err(Overflow);
            }
            left -= step;
        }
        *self =
            Exact::from_magnitude(self.is_negative(), limbs, to.max(self.scale)).ok_or(Overflow)?;
        Ok(())
    }

    /// The same value with no trailing zero decimals.
    fn normalized(&self) -> Exact {
        let negative = self.is_negative();
        let mut limbs = self.magnitude();
        let mut scale = self.scale;
        while scale > 0 {
            let (q, r) = div_small(limbs, 10);
            if r != 0 {
                break;
            }
            limbs = q;
            scale -= 1;
        }
        Exact::from_magnitude(negative, limbs, scale).unwrap_or(*self)
    }

    /// The sum as a `Decimal` if one holds it exactly (at most 2^96 − 1 units at its smallest
    /// scale), else `None`: it needs more digits than danvan can print exactly.
    pub fn to_decimal(&self) -> Option<Decimal> {
        let n = self.normalized();
        // Within i128 when the high half is only the sign of the low half.
        let v = n.lo() as i128;
        let in_i128 = n.hi() == if v < 0 { -1 } else { 0 };
        if !in_i128 {
            return None;
        }
        Decimal::try_from_i128_with_scale(v, n.scale).ok()
    }
}

/// `limbs / d` and the remainder.
fn div_small(limbs: [u64; 4], d: u64) -> ([u64; 4], u64) {
    let mut q = [0u64; 4];
    let mut r = 0u128;
    for i in (0..4).rev() {
        let cur = (r << 64) | limbs[i] as u128;
        q[i] = (cur / d as u128) as u64;
        r = cur % d as u128;
    }
    (q, r as u64)
}

impl Exact {
    /// The sum `units × 10^-scale` (a scale past a `Decimal`'s 28 is taken as 28).
    pub fn from_units(units: i128, scale: u32) -> Exact {
        Exact {
            lo: Halves::of(units as u128),
            hi: Halves::of(if units < 0 { u128::MAX } else { 0 }),
            scale: scale.min(MAX_SCALE),
        }
    }
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        Exact::from_units(d.mantissa(), d.scale())
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        let sign = |e: &Exact| {
            if e.is_negative() {
                -1
            } else if e.is_zero() {
                0
            } else {
                1
            }
        };
        let by_sign = sign(self).cmp(&sign(other));
        if by_sign != Ordering::Equal || sign(self) == 0 {
            return by_sign;
        }
        let scale = self.scale.max(other.scale);
        let (mut a, mut b) = (*self, *other);
        match (a.rescale(scale), b.rescale(scale)) {
            (Ok(()), Ok(())) => (a.hi(), a.lo()).cmp(&(b.hi(), b.lo())),
            // Only a value past 2^255 units fails to rescale: it is the larger in magnitude.
            (Err(_), _) => Ordering::Greater.then(by_sign_of(self)),
            (_, Err(_)) => Ordering::Less.then(by_sign_of(self)),
        }
    }
}

/// Flips an ordering of magnitudes into one of values for negative numbers.
fn by_sign_of(e: &Exact) -> Ordering {
    if e.is_negative() {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl fmt::Display for Exact {
    /// Every digit, plainly (`-1000000000000000000000000000.001`): no rounding, no grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.normalized();
        let mut limbs = n.magnitude();
        let mut digits = Vec::new();
        while limbs != [0; 4] {
            let (q, r) = div_small(limbs, 10);
            digits.push(b'0' + r as u8);
            limbs = q;
        }
        digits.reverse();
        write_point(f, n.is_negative(), &digits, n.scale as usize)
    }
}

/// Writes a number from its digits (most significant first, none when it is zero): `-` when
/// `negative`, then the digits with a point `scale` of them from the right, after `0.` and
/// zeros when there are fewer digits than that. What [`Exact`] and [`Plain`] both write.
fn write_point(
    f: &mut fmt::Formatter<'_>,
    negative: bool,
    digits: &[u8],
    scale: usize,
) -> fmt::Result {
    fn ascii(digits: &[u8]) -> &str {
        std::str::from_utf8(digits).unwrap_or_default()
    }
    if negative {
        f.write_str("-")?;
    }
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        f.write_str(ascii(int))?;
        if !frac.is_empty() {
            f.write_str(".")?;
            f.write_str(ascii(frac))?;
        }
        return Ok(());
    }
    f.write_str("0")?;
    if scale > 0 {
        f.write_str(".")?;
        for _ in digits.len()..scale {
            f.write_str("0")?;
        }
        f.write_str(ascii(digits))?;
    }
    Ok(())
}

/// An amount as programs read it, the same in every language: `1234567.5` (no grouping, `.` as
/// the decimal mark, no trailing zeros). Never rounded. `merge` reads exactly this form back.
pub fn plain(d: Decimal) -> String {
    Plain(d).to_string()
}

/// [`plain`] as a [`std::fmt::Display`], to write into a buffer without a `String` of its own.
pub struct Plain(pub Decimal);

impl std::fmt::Display for Plain {
    /// The digits written here rather than by `rust_decimal`'s `Display`, which cost a third of
    /// writing a summary of millions of lines: the mantissa's digits in 64-bit steps, then the
    /// point where the scale puts it. What `{}` of the normalized decimal writes, byte for byte
    /// (tested).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_zero() {
            return f.write_str("0");
        }
        let d = self.0.normalize();
        // A mantissa of 96 bits has at most 29 digits.
        let mut digits = [0u8; 32];
        let mut at = digits.len();
        let mut m = d.mantissa().unsigned_abs();
        while m > 0 {
            // Nineteen digits at a time by one 128-bit division, then 64-bit ones.
            let mut chunk = (m % 10u128.pow(19)) as u64;
            m /= 10u128.pow(19);
            let mut written = 0;
            while chunk > 0 || (m > 0 && written < 19) {
                at -= 1;
                digits[at] = b'0' + (chunk % 10) as u8;
                chunk /= 10;
                written += 1;
            }
        }
        write_point(f, d.is_sign_negative(), &digits[at..], d.scale() as usize)
    }
}

/// A percentage as programs read it: two decimals, `24.82`.
pub fn plain_percent(d: Decimal) -> String {
    format!("{:.2}", d)
}

/// The value a spreadsheet probably meant when `d` looks like binary floating point leaking
/// into a CSV (`0.30000000000000004` for 0.3, `1250000.0000000002` for 1250000): `d` has
/// decimals and 16 or more significant digits, which is past what a float holds, and the float
/// nearest to it, written with 15 significant digits (what spreadsheets show), is a much
/// shorter number (at most 12 significant digits, so the digits dropped are a run of zeros or
/// nines and some noise). `None` for anything else, such as a long value that is simply precise.
pub fn float_artifact(d: Decimal) -> Option<Decimal> {
    let d = d.normalize();
    if d.scale() == 0 {
        return None;
    }
    let digits = d.mantissa().unsigned_abs().to_string().len();
    if digits < 16 {
        return None;
    }
    let float: f64 = d.to_string().parse().ok()?;
    let meant = Decimal::from_scientific(&format!("{float:.14e}"))
        .ok()?
        .normalize();
    let meant_digits = meant.mantissa().unsigned_abs().to_string().len();
    (meant != d && meant_digits <= 12 && meant.scale() < d.scale()).then_some(meant)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sum is 40 bytes, aligned to 8: a group's running total with its row count is 48
    /// (what the memory of millions of groups was measured with).
    #[test]
    fn a_sum_takes_forty_bytes() {
        assert_eq!(std::mem::size_of::<Exact>(), 40);
        assert_eq!(std::mem::align_of::<Exact>(), 8);
        assert_eq!(std::mem::size_of::<crate::aggregate::Acc>(), 48);
    }
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// `Plain` writes what `rust_decimal` writes of the normalized decimal, for every
        /// mantissa a decimal holds (small ones, with zeros inside, and the widest) and scale.
        #[test]
        fn plain_writes_what_the_decimal_writes(
            mantissa in proptest::prop_oneof![
                -1_000_000i128..1_000_000,
                proptest::num::i128::ANY.prop_map(|m| m % (1i128 << 96)),
                (0u32..29).prop_map(|k| 10i128.pow(k)),
                (0u32..10).prop_map(|k| 10i128.pow(19) * (1 + i128::from(k)) + 7),
            ],
            scale in 0u32..=28,
        ) {
            let d = Decimal::from_i128_with_scale(mantissa, scale);
            let want = if d.is_zero() { "0".to_string() } else { d.normalize().to_string() };
            proptest::prop_assert_eq!(Plain(d).to_string(), want);
        }
    }
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn sum(values: &[&str]) -> Exact {
        let mut e = Exact::ZERO;
        for v in values {
            e.add(d(v)).unwrap();
        }
        e
    }

    #[test]
    fn prints_plainly() {
        assert_eq!(plain(d("106800000.00")), "106800000");
        assert_eq!(plain(d("-0.0")), "0");
        assert_eq!(plain(d("-1234.50")), "-1234.5");
        assert_eq!(plain_percent(d("5")), "5.00");
        assert_eq!(plain_percent(d("24.8")), "24.80");
    }

    #[test]
    fn adds_exactly_where_a_decimal_rounds() {
        let s = sum(&["1000000000000", "0.30000000000000004", "-1000000000000"]);
        assert_eq!(s.to_decimal(), Some(d("0.30000000000000004")));
        let s = sum(&["1e27", "0.001", "-1e27"].map(|v| {
            // `Decimal::from_str` does not read exponents; spell them out.
            match v {
                "1e27" => "1000000000000000000000000000",
                "-1e27" => "-1000000000000000000000000000",
                x => x,
            }
        }));
        assert_eq!(s.to_decimal(), Some(d("0.001")));
        let big = "10000000000000000000000000000";
        let mut ten = vec![big];
        ten.extend(["0.6"; 10]);
        let s = sum(&ten);
        assert_eq!(s.to_string(), "10000000000000000000000000006");
        assert_eq!(s.to_decimal(), Some(d("10000000000000000000000000006")));
    }

    #[test]
    fn order_never_changes_a_sum() {
        let values = [
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "-79228162514264337593543950335",
            "1.5",
            "-0.25",
        ];
        let forward = sum(&values);
        let mut reversed = values;
        reversed.reverse();
        assert_eq!(forward, sum(&reversed));
        assert_eq!(
            forward.to_decimal(),
            Some(d("1.2500000000000000000000000001"))
        );
        // Sums of sums agree with one sum.
        let mut halves = sum(&values[..2]);
        halves.add_exact(&sum(&values[2..])).unwrap();
        assert_eq!(halves, forward);
    }

    #[test]
    fn a_sum_beyond_a_decimal_is_kept_exactly_and_refused_only_when_printed() {
        let max = "79228162514264337593543950335";
        let s = sum(&[max, max]);
        assert_eq!(s.to_string(), "158456325028528675187087900670");
        assert_eq!(s.to_decimal(), None);
        assert_eq!(
            sum(&[max, max, &format!("-{max}")]).to_decimal(),
            Some(Decimal::MAX)
        );
        assert_eq!(sum(&[&format!("-{max}")]).to_decimal(), Some(Decimal::MIN));
        // 29 significant digits with a decimal: exact, but no Decimal holds it.
        let s = sum(&["10000000000000000000000000000", "0.5"]);
        assert_eq!(s.to_string(), "10000000000000000000000000000.5");
        assert_eq!(s.to_decimal(), None);
        let s = sum(&["1000000000000000000000000000", "0.001"]);
        assert_eq!(s.to_decimal(), None);
        assert_eq!(sum(&["-0.5", "0.25"]).to_string(), "-0.25");
        assert_eq!(sum(&[]).to_string(), "0");
        assert_eq!(sum(&["1.10", "-1.1"]).to_decimal(), Some(Decimal::ZERO));
    }

    #[test]
    fn compares_by_value_whatever_the_scale() {
        assert_eq!(sum(&["1.50"]), sum(&["1.5"]));
        assert!(sum(&["-2"]) < sum(&["-1.5"]));
        assert!(sum(&["0.001"]) > sum(&["0"]));
        assert!(
            sum(&["79228162514264337593543950335", "1"]) > sum(&["79228162514264337593543950335"])
        );
    }

    #[test]
    fn float_artifacts_are_told_from_precise_values() {
        assert_eq!(float_artifact(d("0.30000000000000004")), Some(d("0.3")));
        assert_eq!(float_artifact(d("1250000.0000000002")), Some(d("1250000")));
        assert_eq!(float_artifact(d("0.7999999999999999")), Some(d("0.8")));
        assert_eq!(
            float_artifact(d("-1234.5600000000002")),
            Some(d("-1234.56"))
        );
        for fine in [
            "0.3",
            "1250000",
            "123456789012.34567",
            "0.1234567890123456789",
            "1.5",
        ] {
            assert_eq!(float_artifact(d(fine)), None, "{fine}");
        }
    }
}

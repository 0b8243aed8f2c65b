//! What an amount counts. Three canonical codes (`VND`, `workday`, `m2`) with the spellings clerks
//! use for them; any other word is a measure of its own. Totals of different measures are never
//! added together, so the measure is always part of a group's key.

use crate::domain::text::normalize;
use std::borrow::Cow;

pub const VND: &str = "VND";
pub const WORKDAY: &str = "workday";
pub const M2: &str = "m2";

/// The canonical code for a measure cell (already or not yet normalized). Empty means VND.
pub fn canonical_measure(cell: &str) -> Cow<'_, str> {
    let text = normalize(cell);
    if text.is_empty() {
        return Cow::Borrowed(VND);
    }
    let lower = text.to_lowercase();
    match lower.as_str() {
        "vnd" | "vnđ" | "đồng" | "đ" | "₫" | "dong" => Cow::Borrowed(VND),
        "workday" | "workdays" | "ngày công" | "ngày-công" | "công" => Cow::Borrowed(WORKDAY),
        "m2" | "m²" | "mét vuông" | "met vuong" => Cow::Borrowed(M2),
        _ => text,
    }
}

/// A measure's Vietnamese name, for tables and messages in Vietnamese; a measure that is no
/// canonical code is named as written.
pub fn vietnamese_name(measure: &str) -> &str {
    match measure {
        VND => "đồng",
        WORKDAY => "ngày công",
        M2 => "m²",
        other => other,
    }
}

/// Display order: the canonical measures first, then the others alphabetically.
pub fn measure_rank(measure: &str) -> (u8, &str) {
    match measure {
        VND => (0, ""),
        WORKDAY => (1, ""),
        M2 => (2, ""),
        other => (3, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for s in ["", "VND", "VNĐ", "đồng", "đ", "₫", " vnđ "] {
            assert_eq!(canonical_measure(s), VND, "{s}");
        }
        for s in ["workday", "ngày công", "Ngày  công"] {
            assert_eq!(canonical_measure(s), WORKDAY, "{s}");
        }
        for s in ["m2", "m²", "mét vuông"] {
            assert_eq!(canonical_measure(s), M2, "{s}");
        }
        assert_eq!(canonical_measure(" tấn  gạo "), "tấn gạo");
    }
}

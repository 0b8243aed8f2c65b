//! A locale: how numbers and labels look to people, and the order of text keys. Only
//! presentation knows it; machine formats (CSV, JSON) never depend on it.

use crate::domain::order::{CodePoints, TextOrder};
use crate::domain::{Dim, Value, amount};
use rust_decimal::Decimal;

/// The words a table for people uses.
pub struct Labels {
    /// The grand-total line.
    pub total: &'static str,
    /// The head of a pivot's line-total column.
    pub line_total: &'static str,
    /// The head of the rows column.
    pub rows: &'static str,
    /// The head of a share column.
    pub share: &'static str,
    /// A value the ledger left empty.
    pub none: &'static str,
    /// The "others" line of a top-N cut, given how many groups it adds up.
    pub others: fn(usize) -> String,
    /// A dimension's name in a head.
    pub dim: fn(Dim) -> &'static str,
    /// The head of a count of registered models.
    pub models: &'static str,
    /// The head of a target.
    pub target: &'static str,
    /// The head of what was mobilized, given its measure.
    pub mobilized: fn(&str) -> String,
    /// The head of progress toward a target.
    pub progress: &'static str,
    /// The head of a change from the previous column, given the column's name.
    pub change: fn(&str) -> String,
    /// The head of that change in percent.
    pub change_pct: fn(&str) -> String,
    /// In a tree, the line of rows booked on a place itself, given the place's name.
    pub direct: fn(&str) -> String,
}

/// English, with the machine names of dimensions (what `--by` takes).
pub const EN: Labels = Labels {
    total: "Total",
    line_total: "total",
    rows: "rows",
    share: "%",
    none: "(none)",
    others: |n| format!("({n} other{})", if n == 1 { "" } else { "s" }),
    dim: Dim::name,
    models: "models",
    target: "target",
    mobilized: |m| {
        if m == crate::domain::measure::VND {
            "mobilized".to_string()
        } else {
            m.to_string()
        }
    },
    progress: "% of target",
    change: |c| format!("{c} change"),
    change_pct: |c| format!("{c} change %"),
    direct: |p| format!("{p} (direct)"),
};

/// How a table for people looks.
pub struct Locale {
    pub labels: &'static Labels,
    /// Groups thousands (`,` in English).
    pub group: char,
    /// Separates decimals (`.` in English).
    pub decimal: char,
    pub order: &'static dyn TextOrder,
}

impl Locale {
    pub fn en() -> Locale {
        Locale {
            labels: &EN,
            group: ',',
            decimal: '.',
            order: &CodePoints,
        }
    }

    /// An exact amount with thousands grouped (`1,234,567.5`); never rounded.
    pub fn amount(&self, d: Decimal) -> String {
        let text = amount::plain(d);
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
        self.push_grouped(int, &mut out);
        if let Some(f) = frac {
            out.push(self.decimal);
            out.push_str(f);
        }
        out
    }

    /// A count of rows or groups, grouped like amounts (`200,000`).
    pub fn count(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        self.push_grouped(&digits, &mut out);
        out
    }

    /// Appends the digits `int`, thousands grouped.
    fn push_grouped(&self, int: &str, out: &mut String) {
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(self.group);
            }
            out.push(c);
        }
    }

    /// A percentage with two decimals (`24.82`).
    pub fn percent(&self, d: Decimal) -> String {
        amount::plain_percent(d).replace('.', &self.decimal.to_string())
    }

    /// A label value as people read it: empty values named, periods and paths as written.
    pub fn value(&self, v: &Value) -> String {
        if v.is_empty() {
            self.labels.none.to_string()
        } else {
            v.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn english_numbers() {
        let d = |s| Decimal::from_str(s).unwrap();
        let en = Locale::en();
        assert_eq!(en.amount(d("1030000000")), "1,030,000,000");
        assert_eq!(en.amount(d("-1234.50")), "-1,234.5");
        assert_eq!(en.amount(d("999")), "999");
        assert_eq!(en.amount(d("-0.0")), "0");
        assert_eq!(en.percent(d("5")), "5.00");
        assert_eq!(en.count(200_000), "200,000");
        assert_eq!(en.count(999), "999");
        assert_eq!(en.count(0), "0");
        assert_eq!(en.count(1_000), "1,000");
        let vi = Locale {
            group: '.',
            decimal: ',',
            ..Locale::en()
        };
        assert_eq!(vi.amount(d("481000000")), "481.000.000");
        assert_eq!(vi.amount(d("106.8")), "106,8");
        assert_eq!(vi.percent(d("24.824")), "24,82");
    }
}

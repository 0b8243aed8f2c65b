//! Generated ledgers for the property tests of `summary` (tests/summary/properties.rs) and
//! `merge` (tests/merge.rs): rows with every date and amount form, measure, spelling and quoted
//! note a clerk writes, each reading only one way, and the CSV file they make.

use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Row {
    date: (u32, u32, u32),
    date_style: u8,
    /// Amount in hundredths.
    cents: i64,
    amount_style: u8,
    measure: &'static str,
    unit: &'static str,
    area: &'static str,
    field: &'static str,
    source: &'static str,
    note: &'static str,
}

const UNITS: &[&str] = &[
    "Hội Phụ nữ",
    "Ho\u{302}\u{323}i Phu\u{323} nu\u{31b}\u{303}",
    " Đoàn  Thanh niên",
    "MTTQ",
    "",
];
const AREAS: &[&str] = &[
    "Yên Giang/Khu 1",
    "Yên Giang / Khu 3",
    "Liên Hòa/Thôn 1",
    "",
];
const FIELDS: &[&str] = &["Văn hóa", "Xã hội", ""];
const SOURCES: &[&str] = &["Nhân dân", "Doanh nghiệp", ""];
const MEASURES: &[&str] = &["", "VNĐ", "ngày công", "m2"];
const NOTES: &[&str] = &["", "\"a, b\"", "\"dòng 1\ndòng 2\"", "\"nói \"\"khéo\"\"\""];

pub fn row() -> impl Strategy<Value = Row> {
    (
        (2023u32..=2025, 1u32..=12, 1u32..=28, 0u8..4),
        (-1_000_000_000i64..100_000_000_000, 0u8..3),
        (0..MEASURES.len(), 0..UNITS.len(), 0..AREAS.len()),
        (0..FIELDS.len(), 0..SOURCES.len(), 0..NOTES.len()),
    )
        .prop_map(|((y, m, d, ds), (cents, st), (me, u, a), (f, s, n))| Row {
            date: (y, m, d),
            date_style: ds,
            cents,
            amount_style: st,
            measure: MEASURES[me],
            unit: UNITS[u],
            area: AREAS[a],
            field: FIELDS[f],
            source: SOURCES[s],
            note: NOTES[n],
        })
}

impl Row {
    pub fn amount(&self) -> Decimal {
        Decimal::new(self.cents, 2)
    }

    /// The amount as a clerk might write it; every form reads only one way.
    fn amount_text(&self) -> String {
        let d = self.amount().normalize();
        let plain = d.to_string();
        match self.amount_style {
            // Vietnamese decimal comma (`1234,5`), quoted because it holds the delimiter.
            1 if plain.contains('.') => format!("\"{}\"", plain.replace('.', ",")),
            2 if d.fract().is_zero() => format!("{plain} đ").replace(" đ", "đ"),
            _ => plain,
        }
    }

    fn date_text(&self) -> String {
        let (y, m, d) = self.date;
        match self.date_style {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{d:02}/{m:02}/{y}"),
            2 => format!("{d}/{m}/{y}"),
            _ => format!("{d:02}.{m:02}.{y}"),
        }
    }

    pub fn measure_code(&self) -> &'static str {
        match self.measure {
            "" | "VNĐ" => "VND",
            "ngày công" => "workday",
            other => other,
        }
    }

    fn line(&self) -> String {
        // A currency mark only goes with money.
        let amount = if self.measure_code() == "VND" {
            self.amount_text()
        } else {
            self.amount().normalize().to_string()
        };
        format!(
            "{},{},{},{},{},{},{},{}\n",
            self.date_text(),
            amount,
            self.measure,
            self.unit,
            self.area,
            self.field,
            self.source,
            self.note
        )
    }
}

pub fn ledger(rows: &[Row]) -> String {
    let mut s = String::from("date,amount,measure,unit,area,field,source,note\n");
    for r in rows {
        s.push_str(&r.line());
    }
    s
}

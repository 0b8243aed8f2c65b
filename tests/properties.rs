//! Invariants an accountant would check, on generated ledgers run through the real binary:
//! totals grouped by any dimension add up to the grand total per measure (computed here in
//! memory, exactly); and the answer never depends on threads or on where chunks are cut.

mod common;
use common::Work;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct Row {
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

fn row() -> impl Strategy<Value = Row> {
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
    fn amount(&self) -> Decimal {
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

    fn measure_code(&self) -> &'static str {
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

fn ledger(rows: &[Row]) -> String {
    let mut s = String::from("date,amount,measure,unit,area,field,source,note\n");
    for r in rows {
        s.push_str(&r.line());
    }
    s
}

/// Parses danvan's long CSV into (key columns, measure, total, count).
fn parse(out: &str) -> Vec<(Vec<String>, String, Decimal, u64)> {
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let width = rdr.headers().unwrap().len();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let key = (0..width - 3).map(|i| r[i].to_string()).collect();
            (
                key,
                r[width - 3].to_string(),
                r[width - 2].parse().unwrap(),
                r[width - 1].parse().unwrap(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn totals_by_any_dimension_add_up_to_the_grand_total(rows in prop::collection::vec(row(), 1..60)) {
        let w = Work::new();
        w.file("l.csv", ledger(&rows));
        let mut grand: BTreeMap<&str, (Decimal, u64)> = BTreeMap::new();
        for r in &rows {
            let e = grand.entry(r.measure_code()).or_default();
            e.0 += r.amount();
            e.1 += 1;
        }
        for dim in ["unit", "area", "field", "source", "model", "year", "quarter", "month"] {
            let run = w.run(&["summary", "l.csv", "--by", dim, "--format", "csv"]);
            prop_assert_eq!(run.code, 0, "{}", run.stderr);
            let mut sums: BTreeMap<String, (Decimal, u64)> = BTreeMap::new();
            for (_, measure, total, count) in parse(&run.stdout) {
                let e = sums.entry(measure).or_default();
                e.0 += total;
                e.1 += count;
            }
            let want: BTreeMap<String, (Decimal, u64)> =
                grand.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            prop_assert_eq!(sums, want, "--by {}", dim);
            prop_assert_eq!(run.tally(), format!("rows read {0} = counted {0} + filtered 0 + rejected 0", rows.len()));
        }
    }

    #[test]
    fn threads_and_chunk_boundaries_never_change_the_answer(
        rows in prop::collection::vec(row(), 1..80),
        bad in prop::collection::vec(0usize..80, 0..5),
        chunk in 1usize..300,
    ) {
        let mut text = ledger(&rows);
        // Break a few lines' dates so problems (and their line numbers) are compared too.
        for b in bad {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let starts: Vec<usize> = (1..lines.len()).filter(|&i| lines[i].starts_with("20") || lines[i].as_bytes()[0].is_ascii_digit()).collect();
            if starts.is_empty() { break; }
            let i = starts[b % starts.len()];
            let mut owned: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            owned[i] = format!("99{}", &owned[i][2..]);
            text = owned.concat();
        }
        let w = Work::new();
        w.file("l.csv", &text);
        let chunk = chunk.to_string();
        for cmd in [
            vec!["summary", "l.csv", "--by", "unit,area,month", "--format", "csv", "--skip-invalid"],
            vec!["check", "l.csv"],
        ] {
            let base = w.run(&[cmd.clone(), vec!["--threads", "1"]].concat());
            for extra in [vec!["--threads", "2", "--chunk-bytes", chunk.as_str()], vec!["--threads", "1", "--chunk-bytes", chunk.as_str()], vec!["--threads", "2"]] {
                let other = w.run(&[cmd.clone(), extra.clone()].concat());
                prop_assert_eq!(&other.stdout, &base.stdout, "{:?}", extra);
                prop_assert_eq!(&other.stderr, &base.stderr, "{:?}", extra);
                prop_assert_eq!(other.code, base.code);
            }
        }
    }

    #[test]
    fn merging_summaries_equals_summarizing_everything(
        a in prop::collection::vec(row(), 1..40),
        b in prop::collection::vec(row(), 1..40),
        by in prop::sample::select(vec!["unit", "area,month", "field,source,year", "quarter"]),
    ) {
        let w = Work::new();
        w.file("a.csv", ledger(&a));
        w.file("b.csv", ledger(&b));
        w.run(&["summary", "a.csv", "--by", by, "--format", "csv", "-q", "-o", "sa.csv"]).ok();
        w.run(&["summary", "b.csv", "--by", by, "--format", "csv", "-q", "-o", "sb.csv"]).ok();
        let whole = w.run(&["summary", "a.csv", "b.csv", "--by", by, "--format", "csv", "-q"]);
        // Two summaries can be identical (same rows); that is not a mistake here.
        let merged = w.run(&["merge", "sa.csv", "sb.csv", "--allow-duplicates", "-q"]);
        prop_assert_eq!(merged.code, 0, "{}", merged.stderr);
        prop_assert_eq!(merged.stdout, whole.stdout);
    }
}

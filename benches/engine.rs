//! Microbenchmarks of the hot path, one stage at a time: reading numbers and dates, splitting a
//! chunk into records, turning records into contributions, adding them up, and the whole engine
//! on a file. Run with `cargo bench`; compare runs of the same machine, not absolute numbers.

use danvan::aggregate::Grouping;
use danvan::aggregate::LocalGroups;
use danvan::domain::Dim;
use danvan::engine::{self, Plan};
use danvan::ledger::LEDGER_COLUMNS;
use danvan::ledger::chunk::Chunk;
use danvan::ledger::date::parse_date_bytes;
use danvan::ledger::dialect::HeaderMap;
use danvan::ledger::number::{parse_amount, parse_amount_bytes};
use danvan::ledger::record::for_each_record;
use danvan::ledger::row::{Layout, Needs, Outcome, RowReader};
use danvan::ledger::source::Source;
use danvan::ledger::table::ReadOptions;
use danvan::select::Selection;
use divan::{Bencher, black_box};
use std::sync::Arc;

fn main() {
    divan::main();
}

const HEADER: &str = "date,model,unit,area,field,source,amount,measure,note";
const UNITS: [&str; 5] = [
    "Ủy ban MTTQ phường Yên Giang",
    "Hội Liên hiệp Phụ nữ thị xã Quảng Yên",
    "Đoàn Thanh niên xã Liên Hòa",
    "Hội Nông dân phường Cộng Hòa",
    "Hội Cựu chiến binh phường Hà An",
];

/// `rows` ledger lines (without the header) in the machine style, deterministic.
fn ledger_body(rows: usize) -> String {
    let mut out = String::with_capacity(rows * 120);
    let mut x: u64 = 2024;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let note = if i % 200 == 0 {
            "\"có dấu phẩy, và \"\"ngoặc\"\"\""
        } else {
            ""
        };
        out.push_str(&format!(
            "2024-{:02}-{:02},QY-2024-{:03},{},Yên Giang/Khu {},Văn hóa,Nhân dân,{}000,VND,{}\n",
            1 + r % 12,
            1 + r % 28,
            r % 138,
            UNITS[r % UNITS.len()],
            1 + r % 8,
            1 + r % 500_000,
            note
        ));
    }
    out
}

/// About 1 MiB of ledger lines, as the engine's chunks are.
fn chunk() -> Chunk {
    Chunk {
        data: ledger_body(9_000).into_bytes(),
        first_line: 2,
    }
}

fn layout() -> Layout {
    let cells: Vec<String> = HEADER.split(',').map(String::from).collect();
    let map = HeaderMap::build(&cells, LEDGER_COLUMNS).expect("header");
    Layout::new(Arc::from("bench.csv"), 0, map, None)
}

const AMOUNTS: [&str; 6] = [
    "1250000",
    "106.8",
    "1.200.000",
    "106,8 triệu",
    "-75000000",
    "12,5",
];

#[divan::bench]
fn amount_fast_path(b: Bencher) {
    b.bench(|| {
        for a in AMOUNTS {
            let _ = black_box(parse_amount_bytes(black_box(a.as_bytes())));
        }
    });
}

#[divan::bench]
fn amount_full_rules(b: Bencher) {
    b.bench(|| {
        for a in AMOUNTS {
            let _ = black_box(parse_amount(black_box(a)));
        }
    });
}

#[divan::bench]
fn dates(b: Bencher) {
    let cells: [&[u8]; 4] = [b"2024-03-15", b"15/03/2024", b"5/3/2024", b"15.03.2024"];
    b.bench(|| {
        for c in cells {
            let _ = black_box(parse_date_bytes(black_box(c)));
        }
    });
}

#[divan::bench]
fn split_one_mib(b: Bencher) {
    let chunk = chunk();
    b.counter(divan::counter::BytesCount::new(chunk.data.len()))
        .bench(|| {
            let mut fields = 0usize;
            for_each_record(&chunk, b',', "bench.csv", |r, _| {
                fields += r.len();
                Ok(())
            })
            .expect("split");
            fields
        });
}

#[divan::bench]
fn rows_to_contributions(b: Bencher) {
    let chunk = chunk();
    let layout = layout();
    b.counter(divan::counter::ItemsCount::new(9_000usize))
        .bench_local(|| {
            let mut reader = RowReader::new(None, Needs::ALL, Default::default());
            let mut valid = 0usize;
            for_each_record(&chunk, b',', "bench.csv", |r, _| {
                if let Outcome::Valid { .. } = reader.read(r, &layout) {
                    valid += 1;
                }
                Ok(())
            })
            .expect("read");
            valid
        });
}

#[divan::bench]
fn aggregate_by_unit_area_year(b: Bencher) {
    let chunk = chunk();
    let layout = layout();
    let mut reader = RowReader::new(None, Needs::ALL, Default::default());
    let mut rows = Vec::new();
    for_each_record(&chunk, b',', "bench.csv", |r, _| {
        if let Outcome::Valid { row, .. } = reader.read(r, &layout) {
            rows.push(row);
        }
        Ok(())
    })
    .expect("read");
    let grouping = Grouping {
        dims: vec![Dim::Unit, Dim::Area, Dim::Year],
        depth: None,
    };
    b.counter(divan::counter::ItemsCount::new(rows.len()))
        .bench_local(|| {
            let mut groups = LocalGroups::new(grouping.clone());
            for row in &rows {
                groups.add(row, &mut reader.interner).expect("add");
            }
        });
}

#[divan::bench(args = [1, 2])]
fn engine_200k_rows(b: Bencher, threads: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ledger.csv");
    std::fs::write(&path, format!("{HEADER}\n{}", ledger_body(200_000))).expect("write");
    let sources = [Source::from_arg(&path.to_string_lossy())];
    let opts = ReadOptions::default();
    b.counter(divan::counter::ItemsCount::new(200_000usize))
        .bench(|| {
            let plan = Plan {
                grouping: Grouping {
                    dims: vec![Dim::Unit, Dim::Area, Dim::Year],
                    depth: None,
                },
                selection: Selection::default(),
                observe: None,
                aliases: Default::default(),
                keep_rejects: false,
                threads,
                progress: false,
                hash_files: false,
                symbols: false,
                sums: true,
            };
            engine::read(&sources, &opts, None, plan)
                .expect("read")
                .tally
        });
}

/// 200,000 distinct names, shuffled, in Vietnamese order (a sort key per name, then byte
/// comparison): the cost `summary` pays for a report with that many lines (docs/performance.md
/// gives the figure; it must stay under 0.5 s).
#[divan::bench(sample_count = 10)]
fn sort_200k_names_in_vietnamese_order(b: Bencher) {
    use danvan::domain::Value;
    use danvan::domain::order::sort_by_label;
    let initials = [
        "Đ", "Ư", "Ủ", "A", "Ă", "Â", "Ô", "Ơ", "D", "U", "H", "T", "Y",
    ];
    let mut x: u64 = 7;
    let labels: Vec<Vec<Value>> = (0..200_000)
        .map(|i| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) as usize;
            vec![Value::Text(format!(
                "{}ội {} khu {}",
                initials[r % initials.len()],
                r % 977,
                i
            ))]
        })
        .collect();
    let order = &*danvan::present::collation::VIETNAMESE;
    b.counter(divan::counter::ItemsCount::new(labels.len()))
        .with_inputs(|| labels.clone())
        .bench_local_values(|mut lines| {
            sort_by_label(order, &mut lines, |l| l.as_slice());
            lines
        });
}

//! `danvan models`: registered models counted by unit, area, field or year, with target,
//! mobilized and percent of target; `--list` model by model; the area tree of models; notes for
//! a registry without targets and models nobody contributed to; usage errors. Every `models`
//! test belongs here, with the property that `models` and `summary --by model` agree.

mod common;

use common::{Work, sample};
use proptest::prelude::*;

const REGISTRY: &str = "id,name,unit,year,area,target\n\
    M1,Một,A,2024,X/1,200\n\
    M2,Hai,B,2024,X/2,\n\
    M3,Ba,A,2025,Y,1000\n";

const LEDGER: &str = "date,model,amount,measure\n\
    2024-01-02,M1,100,\n\
    2024-02-02,M1,5,ngày công\n\
    2024-03-02,M2,50,\n\
    2024-04-01,M2,3,m2\n";

fn work() -> Work {
    let w = Work::new();
    w.file("r.csv", REGISTRY).file("l.csv", LEDGER);
    w
}

/// The plan against actual of [`REGISTRY`] and [`LEDGER`] by unit, as CSV: work-days and m² are
/// their own columns, never added to VND; a group without a target has an empty percent; M3's
/// target counts though nobody gave.
fn is_the_fixtures_plan_by_unit(r: &common::Run) {
    assert_eq!(
        r.ok(),
        "unit,models,target,mobilized,percent,workday,m2\n\
         A,2,1200,100,8.33,5,\n\
         B,1,,50,,,3\n"
    );
    assert_eq!(
        r.stderr,
        "note: 1 model with no contribution: M3\n\
         rows read 4 = counted 4 + filtered 0 + rejected 0\n"
    );
}

#[test]
fn the_sample_by_unit_shows_plan_against_actual() {
    let w = Work::new();
    let r = w.run(&[
        "models",
        "--models",
        &sample("models.csv"),
        &sample("contributions.csv"),
    ]);
    assert_eq!(
        r.ok(),
        "\
┌───────────────────────────────────────┬────────┬───────────────┬───────────────┬─────────────┐
│ unit                                  ┆ models ┆        target ┆     mobilized ┆ % of target │
╞═══════════════════════════════════════╪════════╪═══════════════╪═══════════════╪═════════════╡
│ Đoàn Thanh niên xã Liên Hòa           ┆      1 ┆    75,000,000 ┆    75,000,000 ┆      100.00 │
│ Hội Liên hiệp Phụ nữ thị xã Quảng Yên ┆      1 ┆   500,000,000 ┆   481,000,000 ┆       96.20 │
│ Thôn 1 xã Liên Hòa                    ┆      1 ┆   350,000,000 ┆   352,000,000 ┆      100.57 │
│ UBND phường Yên Giang                 ┆      1 ┆               ┆             0 ┆             │
│ Ủy ban MTTQ phường Yên Giang          ┆      1 ┆ 1,000,000,000 ┆ 1,030,000,000 ┆      103.00 │
│ Total                                 ┆      5 ┆ 1,925,000,000 ┆ 1,938,000,000 ┆      100.68 │
└───────────────────────────────────────┴────────┴───────────────┴───────────────┴─────────────┘
"
    );
    assert_eq!(
        r.stderr,
        "note: 1 model with no contribution: YG-UBND-01\n\
         rows read 9 = counted 9 + filtered 0 + rejected 0\n"
    );
}

#[test]
fn csv_is_the_by_dimensions_then_models_target_mobilized_percent_and_other_measures() {
    let w = work();
    let r = w.run(&["models", "--models", "r.csv", "l.csv", "--format", "csv"]);
    is_the_fixtures_plan_by_unit(&r);
}

/// `--header-row N` is about the ledgers: a registry whose header is on line 1 is still read
/// from line 1 when the ledger's header is on line 3, under two title rows as an office sheet has
/// (were the registry read from its line 3, a model row would be taken for its header).
#[test]
fn header_row_names_the_ledgers_header_never_the_registrys() {
    let w = Work::new();
    w.file("r.csv", REGISTRY).file(
        "l.csv",
        format!("SỔ THEO DÕI ĐÓNG GÓP,,,\nNăm 2024,,,\n{LEDGER}"),
    );
    let r = w.run(&[
        "models",
        "--models",
        "r.csv",
        "l.csv",
        "--header-row",
        "3",
        "--format",
        "csv",
    ]);
    is_the_fixtures_plan_by_unit(&r);
}

/// `--column COLUMN=HEADER` is about the ledgers: a ledger whose amount is headed `Giá trị quy
/// đổi` is read by the name given, and the registry beside it by its own standard headers. (Today
/// only the ledger reader looks at `--column`; this holds the registry apart should another
/// reader start to.)
#[test]
fn a_column_named_by_hand_is_the_ledgers_never_the_registrys() {
    let w = Work::new();
    w.file("r.csv", REGISTRY)
        .file("l.csv", LEDGER.replacen("amount", "Giá trị quy đổi", 1));
    let r = w.run(&[
        "models",
        "--models",
        "r.csv",
        "l.csv",
        "--column",
        "amount=Giá trị quy đổi",
        "--format",
        "csv",
    ]);
    is_the_fixtures_plan_by_unit(&r);
}

#[test]
fn list_shows_each_model_and_where_filters_models_and_rows_alike() {
    let w = work();
    let r = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--list", "--format", "csv", "--where", "unit=a",
    ]);
    assert_eq!(
        r.ok(),
        "model,name,unit,year,target,mobilized,percent,workday\n\
         M1,Một,A,2024,200,100,50.00,5\n\
         M3,Ba,A,2025,1000,0,0.00,\n"
    );
    assert_eq!(
        r.tally(),
        "rows read 4 = counted 2 + filtered 2 + rejected 0"
    );
}

#[test]
fn where_on_the_year_keeps_the_models_registered_that_year() {
    // `--where year=2024` is a period, written any way `--period` takes it: the models
    // registered in 2024 and their rows, never none (as it once gave).
    let w = work();
    for year in ["2024", " 2024 "] {
        let r = w.run(&[
            "models",
            "--models",
            "r.csv",
            "l.csv",
            "--list",
            "--format",
            "csv",
            "--where",
            &format!("year={year}"),
        ]);
        assert_eq!(
            r.ok(),
            "model,name,unit,year,target,mobilized,percent,workday,m2\n\
             M1,Một,A,2024,200,100,50.00,5,\n\
             M2,Hai,B,2024,,50,,,3\n",
            "{year:?}"
        );
    }
}

#[test]
fn without_ledgers_models_are_counted_with_their_targets() {
    let w = work();
    let r = w.run(&[
        "models", "--models", "r.csv", "--by", "year", "--format", "csv",
    ]);
    assert_eq!(r.ok(), "year,models,target\n2024,2,200\n2025,1,1000\n");
    assert_eq!(r.stderr, "");
}

#[test]
fn a_registry_without_targets_says_once_that_percent_needs_one() {
    let w = Work::new();
    w.file("r.csv", "id,name,unit,year\nM1,Một,A,2024\n")
        .file("l.csv", "date,model,amount\n2024-01-02,M1,100\n");
    let r = w.run(&["models", "--models", "r.csv", "l.csv", "--format", "csv"]);
    assert_eq!(r.ok(), "unit,models,target,mobilized,percent\nA,1,,100,\n");
    assert_eq!(
        r.stderr,
        "note: no model has a target, so there is no percent; add a `target` (Chỉ tiêu) column \
         to the registry\n\
         rows read 1 = counted 1 + filtered 0 + rejected 0\n"
    );
}

#[test]
fn by_area_tree_adds_up_each_place_from_the_places_below() {
    let w = work();
    let r = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--by", "area", "--tree", "-q",
    ]);
    assert_eq!(
        r.ok(),
        "\
┌───────┬────────┬────────┬───────────┬─────────────┬─────────┬────┐
│ area  ┆ models ┆ target ┆ mobilized ┆ % of target ┆ workday ┆ m2 │
╞═══════╪════════╪════════╪═══════════╪═════════════╪═════════╪════╡
│ X     ┆      2 ┆    200 ┆       150 ┆       75.00 ┆       5 ┆  3 │
│   1   ┆      1 ┆    200 ┆       100 ┆       50.00 ┆       5 ┆    │
│   2   ┆      1 ┆        ┆        50 ┆             ┆         ┆  3 │
│ Y     ┆      1 ┆  1,000 ┆         0 ┆        0.00 ┆         ┆    │
│ Total ┆      3 ┆  1,200 ┆       150 ┆       12.50 ┆       5 ┆  3 │
└───────┴────────┴────────┴───────────┴─────────────┴─────────┴────┘
"
    );
    let csv = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--by", "area", "--tree", "--format", "csv",
    ]);
    assert_eq!(
        csv.ok(),
        "area,level,models,target,mobilized,percent,workday,m2\n\
         X,1,2,200,150,75.00,5,3\n\
         X/1,2,1,200,100,50.00,5,\n\
         X/2,2,1,,50,,,3\n\
         Y,1,1,1000,0,0.00,,\n"
    );
}

#[test]
fn json_names_every_column_and_gives_amounts_as_exact_strings() {
    let w = work();
    let r = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--by", "year", "--format", "json", "-q",
    ]);
    assert_eq!(
        r.ok(),
        r#"{
  "by": [
    "year"
  ],
  "rows": [
    {
      "key": {
        "year": "2024"
      },
      "models": 2,
      "target": "200",
      "mobilized": "150",
      "percent": "75.00",
      "workday": "5",
      "m2": "3"
    },
    {
      "key": {
        "year": "2025"
      },
      "models": 1,
      "target": "1000",
      "mobilized": "0",
      "percent": "0.00",
      "workday": null,
      "m2": null
    }
  ],
  "total": {
    "models": 3,
    "target": "1200",
    "mobilized": "150",
    "percent": "12.50",
    "workday": "5",
    "m2": "3"
  }
}
"#
    );
}

#[test]
fn usage_errors_say_what_to_write_instead() {
    let w = work();
    for (flags, message) in [
        (
            vec!["--by", "source"],
            "models are counted by unit, area, field or year, not source; write for example --by unit,year",
        ),
        (
            vec!["--by", "unit", "--tree"],
            "--tree shows the area hierarchy: use it with --by area",
        ),
        (
            vec!["--by", "area", "--tree", "--list"],
            "--list shows models one by one; leave out --tree",
        ),
    ] {
        let mut args = vec!["models", "--models", "r.csv", "l.csv"];
        args.extend(&flags);
        let r = w.run(&args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", format!("danvan: {message}\n").as_str()),
            "{flags:?}"
        );
    }
    // The registry is required.
    let r = w.run(&["models", "l.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--models <FILE>"), "{}", r.stderr);
}

#[test]
fn rows_naming_an_unknown_model_are_rejected_never_added_to_a_group() {
    let w = work();
    w.file(
        "bad.csv",
        "date,model,amount\n2024-01-02,M9,100\n2024-01-03,M1,1\n",
    );
    let r = w.run(&["models", "--models", "r.csv", "bad.csv", "--format", "csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("bad.csv:2: model:"), "{}", r.stderr);
    let r = w.run(&[
        "models",
        "--models",
        "r.csv",
        "bad.csv",
        "--format",
        "csv",
        "--skip-invalid",
        "-q",
    ]);
    assert_eq!(
        r.ok(),
        "unit,models,target,mobilized,percent\nA,2,1200,1,0.08\nB,1,,0,\n"
    );
}

/// Parses CSV output into (first column, column named `col`) pairs.
fn column(out: &str, col: &str) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let at = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == col)
        .unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[at].to_string())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// What `models --list` says each model mobilized is what `summary --by model` adds up.
    #[test]
    fn mobilized_equals_the_summary_by_model(
        rows in prop::collection::vec((0usize..4, -1_000_000i64..10_000_000, 0u8..3), 1..40)
    ) {
        let w = Work::new();
        w.file("r.csv", "id,name,unit,year\nM0,a,A,2024\nM1,b,B,2024\nM2,c,A,2024\nM3,d,C,2024\n");
        let mut ledger = String::from("date,model,amount\n");
        for (m, cents, style) in &rows {
            let amount = match style {
                0 => format!("{}", cents / 100),
                1 => format!("{}.{:02}", cents / 100, (cents % 100).abs()),
                _ => format!("\"{}\"", cents / 100),
            };
            let amount = if *cents < 0 && cents / 100 == 0 && *style == 1 {
                format!("-{amount}")
            } else {
                amount
            };
            ledger.push_str(&format!("2024-05-01,M{m},{amount}\n"));
        }
        w.file("l.csv", &ledger);
        let models = w.run(&["models", "--models", "r.csv", "l.csv", "--list", "--format", "csv", "-q"]);
        let summary = w.run(&["summary", "--models", "r.csv", "l.csv", "--by", "model", "--format", "csv", "-q"]);
        let mobilized: Vec<(String, String)> = column(models.ok(), "mobilized")
            .into_iter()
            .filter(|(_, v)| v != "0")
            .collect();
        let totals = column(summary.ok(), "total");
        prop_assert_eq!(mobilized, totals.into_iter().filter(|(_, v)| v != "0").collect::<Vec<_>>());
    }
}

#[test]
fn models_in_vietnamese_and_in_millions() {
    let w = Work::new();
    let r = w.run(&[
        "models",
        "--models",
        &sample("models.csv"),
        &sample("contributions.csv"),
        "--lang",
        "vi",
        "--in",
        "million",
        "--format",
        "md",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "| Đơn vị | Số mô hình | Chỉ tiêu (triệu đồng) | Đã vận động (triệu đồng) | % chỉ tiêu |\n\
             | --- | ---: | ---: | ---: | ---: |\n\
             | Đoàn Thanh niên xã Liên Hòa | 1 | 75 | 75 | 100,00 |\n\
             | Hội Liên hiệp Phụ nữ thị xã Quảng Yên | 1 | 500 | 481 | 96,20 |\n\
             | Thôn 1 xã Liên Hòa | 1 | 350 | 352 | 100,57 |\n\
             | UBND phường Yên Giang | 1 |  | 0 |  |\n\
             | Ủy ban MTTQ phường Yên Giang | 1 | 1.000 | 1.030 | 103,00 |\n\
             | **Tổng cộng** | **5** | **1.925** | **1.938** | **100,68** |\n",
            "ghi chú: 1 mô hình chưa có đóng góp: YG-UBND-01\n\
             ghi chú: số tiền hiện theo triệu đồng, đã làm tròn, nên các số hiện ra có thể \
             không cộng đúng bằng tổng hiện ra (tổng được tính trước khi làm tròn)\n\
             đã đọc 9 dòng = tính 9 + lọc 0 + loại 0\n"
        )
    );
    // CSV keeps the machine names and exact amounts.
    let r = w.run(&[
        "models",
        "--models",
        &sample("models.csv"),
        &sample("contributions.csv"),
        "--lang",
        "vi",
        "--in",
        "million",
        "--format",
        "csv",
        "-q",
    ]);
    assert!(r.ok().starts_with("unit,models,target,"), "{}", r.stdout);
    assert!(r.stdout.contains(",481000000,"), "{}", r.stdout);
}

/// `models --excel`: the wide CSV with a BOM, CRLF, and in Vietnamese `;` and the decimal comma
/// in the percent.
#[test]
fn excel_csv_of_models_in_vietnamese() {
    let w = work();
    let r = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--excel", "-q", "--lang", "vi",
    ]);
    assert_eq!(
        r.ok(),
        "\u{feff}unit;models;target;mobilized;percent;workday;m2\r\n\
         A;2;1200;100;8,33;5;\r\n\
         B;1;;50;;;3\r\n"
    );
}

/// Issue 13: `models -o FILE.xlsx` writes the plan against actual as numbers, as the CSV gives.
#[test]
fn xlsx_of_models_holds_the_csv_figures_as_numbers() {
    let w = work();
    let csv = w.run(&[
        "models", "--models", "r.csv", "l.csv", "--format", "csv", "-q",
    ]);
    assert_eq!(
        csv.ok(),
        "unit,models,target,mobilized,percent,workday,m2\nA,2,1200,100,8.33,5,\nB,1,,50,,,3\n"
    );
    w.run(&["models", "--models", "r.csv", "l.csv", "-o", "m.xlsx", "-q"])
        .ok();
    let book = common::workbook(&w.path("m.xlsx"));
    use calamine::Data::{Empty as E, Float as F, String as S};
    let s = |t: &str| S(t.into());
    assert_eq!(
        book,
        vec![(
            "Models".to_string(),
            vec![
                vec![
                    s("unit"),
                    s("models"),
                    s("target"),
                    s("mobilized"),
                    s("% of target"),
                    s("workday"),
                    s("m2")
                ],
                vec![s("A"), F(2.0), F(1200.0), F(100.0), F(8.33), F(5.0), E],
                vec![s("B"), F(1.0), E, F(50.0), E, E, F(3.0)],
                vec![
                    s("Total"),
                    F(3.0),
                    F(1200.0),
                    F(150.0),
                    F(12.5),
                    F(5.0),
                    F(3.0)
                ],
            ]
        )]
    );
}

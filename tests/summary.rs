//! `danvan summary`: its options on the sample and on small ledgers, with whole-output
//! comparisons, and snapshots of every renderer (a format change shows up as a reviewed diff);
//! the request (`--period`, `--where`, `--sort`, `--top`, `--percent`) and amounts and headers
//! as clerks write them, end to end through the binary; invalid data (SPEC §3): refusal with
//! nothing written, the first 20 problems, `--skip-invalid`, `--rejects`, the reconciliation
//! line; usage errors and exit codes; and, in tests/summary/properties.rs, property tests over
//! generated ledgers. A test whose subject is what `summary` prints, refuses or exits with
//! belongs here; how a cell or a file is read belongs in tests/reading.rs, and the guarantees
//! on its output files and pipes in tests/trust.rs.

mod common;
use common::{BAD, Work, sample};

// Property tests: generated ledgers against totals and a model of the README.
#[path = "summary/properties.rs"]
mod properties;

// The area tree, change between periods and renamed places.
#[path = "summary/hierarchy.rs"]
mod hierarchy;

fn run_sample(args: &[&str]) -> String {
    let w = Work::new();
    let (ledger, models) = (sample("contributions.csv"), sample("models.csv"));
    let mut all = vec!["summary", ledger.as_str(), "--models", models.as_str()];
    all.extend_from_slice(args);
    let r = w.run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.tally(),
        "rows read 9 = counted 9 + filtered 0 + rejected 0"
    );
    r.stdout
}

#[test]
fn the_article_figures_come_out_of_the_sample() {
    let out = run_sample(&["--by", "unit", "--format", "csv"]);
    assert!(
        out.contains("Hội Liên hiệp Phụ nữ thị xã Quảng Yên,VND,481000000,3\n"),
        "{out}"
    );
    assert!(
        out.contains("Ủy ban MTTQ phường Yên Giang,VND,1030000000,4\n"),
        "{out}"
    );
    let table = run_sample(&[]);
    assert!(
        table.contains("481,000,000") && table.contains("1,030,000,000"),
        "{table}"
    );
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!(run_sample(&["--by", "unit"]));
}

#[test]
fn csv_snapshot() {
    insta::assert_snapshot!(run_sample(&["--by", "area,source", "--format", "csv"]));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(run_sample(&[
        "--by",
        "unit",
        "--format",
        "json",
        "--percent",
        "--top",
        "2",
        "--sort",
        "total"
    ]));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(run_sample(&[
        "--by",
        "unit",
        "--format",
        "markdown",
        "--columns",
        "quarter"
    ]));
}

#[test]
fn pivot_csv_snapshot() {
    insta::assert_snapshot!(run_sample(&[
        "--by",
        "unit",
        "--columns",
        "month",
        "--format",
        "csv"
    ]));
}

const LEDGER: &str = "date,amount,measure,unit,area,field,source,model\n\
    2024-01-15,100,,A,Yên Giang/Khu 1,Văn hóa,Nhân dân,M1\n\
    2024-02-15,200,,A,Yên Giang/Khu 3,Văn hóa,Doanh nghiệp,M1\n\
    2024-04-15,5,ngày công,A,Yên Giang/Khu 3,Văn hóa,Nhân dân,M1\n\
    2024-07-15,50,,B,Liên Hòa/Thôn 1,Xã hội,Nhân dân,M2\n\
    2025-01-15,25,,B,Liên Hòa/Thôn 2,,,\n\
    2024-12-31,1000,m2,C,Yên Giang 2,Kinh tế,Nhà hảo tâm,\n";

fn run_small(args: &[&str]) -> String {
    let w = Work::new();
    w.file("l.csv", LEDGER);
    let mut all = vec!["summary", "l.csv", "--quiet"];
    all.extend_from_slice(args);
    w.run(&all).ok().to_string()
}

#[test]
fn by_every_dimension() {
    assert_eq!(
        run_small(&["--by", "year,quarter,month", "--format", "csv"]),
        "year,quarter,month,measure,total,count\n\
         2024,2024-Q1,2024-01,VND,100,1\n\
         2024,2024-Q1,2024-02,VND,200,1\n\
         2024,2024-Q2,2024-04,workday,5,1\n\
         2024,2024-Q3,2024-07,VND,50,1\n\
         2024,2024-Q4,2024-12,m2,1000,1\n\
         2025,2025-Q1,2025-01,VND,25,1\n"
    );
    assert_eq!(
        run_small(&["--by", "field,source,model", "--format", "csv"]),
        "field,source,model,measure,total,count\n\
         ,,,VND,25,1\n\
         Kinh tế,Nhà hảo tâm,,m2,1000,1\n\
         Văn hóa,Doanh nghiệp,M1,VND,200,1\n\
         Văn hóa,Nhân dân,M1,VND,100,1\n\
         Văn hóa,Nhân dân,M1,workday,5,1\n\
         Xã hội,Nhân dân,M2,VND,50,1\n"
    );
}

#[test]
fn depth_cuts_area_paths() {
    assert_eq!(
        run_small(&["--by", "area", "--depth", "1", "--format", "csv"]),
        "area,measure,total,count\n\
         Liên Hòa,VND,75,2\n\
         Yên Giang,VND,300,2\n\
         Yên Giang,workday,5,1\n\
         Yên Giang 2,m2,1000,1\n"
    );
}

#[test]
fn period_keeps_rows_in_range() {
    assert_eq!(
        run_small(&["--period", "2024-Q1", "--format", "csv"]),
        "unit,measure,total,count\nA,VND,300,2\n"
    );
    assert_eq!(
        run_small(&["--period", "2024-02..2024-07", "--format", "csv"]),
        "unit,measure,total,count\nA,VND,200,1\nA,workday,5,1\nB,VND,50,1\n"
    );
    assert_eq!(
        run_small(&["--period", "2025", "--format", "csv"]),
        "unit,measure,total,count\nB,VND,25,1\n"
    );
}

#[test]
fn where_matches_after_normalization_and_area_by_prefix() {
    assert_eq!(
        run_small(&[
            "--where",
            "area=  yên giang ",
            "--by",
            "area",
            "--format",
            "csv"
        ]),
        "area,measure,total,count\nYên Giang/Khu 1,VND,100,1\nYên Giang/Khu 3,VND,200,1\nYên Giang/Khu 3,workday,5,1\n"
    );
    assert_eq!(
        run_small(&[
            "--where",
            "unit=A",
            "--where",
            "unit=C",
            "--where",
            "measure=VNĐ",
            "--format",
            "csv"
        ]),
        "unit,measure,total,count\nA,VND,300,2\n"
    );
}

#[test]
fn columns_pivot_one_measure() {
    assert_eq!(
        run_small(&["--columns", "year", "--format", "csv"]),
        "unit,2024,2025,total\nA,300,,300\nB,50,25,75\n"
    );
    assert_eq!(
        run_small(&["--columns", "year", "--measure", "m2", "--format", "csv"]),
        "unit,2024,total\nC,1000,1000\n"
    );
    assert_eq!(
        run_small(&["--columns", "measure", "--format", "csv"]),
        "unit,VND,workday,m2\nA,300,5,\nB,75,,\nC,,,1000\n"
    );
}

#[test]
fn sort_top_and_percent() {
    assert_eq!(
        run_small(&["--sort", "total", "--format", "csv"]),
        "unit,measure,total,count\nA,VND,300,2\nA,workday,5,1\nB,VND,75,2\nC,m2,1000,1\n"
    );
    assert_eq!(
        run_small(&[
            "--sort",
            "total",
            "--top",
            "1",
            "--percent",
            "--format",
            "csv"
        ]),
        "unit,measure,total,count,percent\nA,VND,300,2,80.00\nA,workday,5,1,100.00\n"
    );
    let table = run_small(&["--sort", "total", "--top", "1", "--percent"]);
    assert!(table.contains("(2 others)"), "{table}");
}

#[test]
fn a_pivot_says_which_measures_it_leaves_out_and_wide_csv_keeps_percent() {
    let w = Work::new();
    w.file("l.csv", LEDGER);
    let r = w.run(&[
        "summary",
        "l.csv",
        "--columns",
        "year",
        "--percent",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.ok(),
        "unit,2024,2024 %,2025,2025 %,total\nA,300,80.00,,,300\nB,50,13.33,25,6.67,75\n"
    );
    assert!(
        r.stderr
            .contains("note: the columns show VND only; not shown: workday (1 rows), m2 (1 rows)"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- small ledgers, whole outputs

/// Runs `danvan summary ARGS` in a fresh folder holding `files`: (exit code, stdout, stderr).
fn summary_with(files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let w = Work::new();
    for (name, text) in files {
        w.file(name, text);
    }
    let mut all = vec!["summary"];
    all.extend_from_slice(args);
    let r = w.run(&all);
    (r.code, r.stdout, r.stderr)
}

/// A successful run: exit 0, this output, and only the reconciliation line on stderr.
fn success(stdout: &str, read: u64, counted: u64, filtered: u64) -> (i32, String, String) {
    (
        0,
        stdout.to_string(),
        format!("rows read {read} = counted {counted} + filtered {filtered} + rejected 0\n"),
    )
}

/// Three units whose order by key (A, B, C) differs from their order by total (B, C, A).
const THREE: &str = "date,amount,unit\n\
    2024-01-01,60,A\n\
    2024-01-02,40,A\n\
    2024-01-03,100,B\n\
    2024-01-04,200,B\n\
    2024-01-05,200,C\n";

#[test]
fn top_n_of_exactly_n_groups_has_no_others_line() {
    let three = [("l.csv", THREE)];
    let all_three = "\
┌───────┬─────┬──────┐
│ unit  ┆ VND ┆ rows │
╞═══════╪═════╪══════╡
│ B     ┆ 300 ┆    2 │
│ C     ┆ 200 ┆    1 │
│ A     ┆ 100 ┆    2 │
│ Total ┆ 600 ┆    5 │
└───────┴─────┴──────┘
";
    for top in ["3", "4"] {
        assert_eq!(
            summary_with(&three, &["l.csv", "--sort", "total", "--top", top]),
            success(all_three, 5, 5, 0),
            "--top {top}"
        );
    }
    assert_eq!(
        summary_with(
            &three,
            &["l.csv", "--sort", "total", "--top", "3", "--format", "csv"]
        ),
        success(
            "unit,measure,total,count\nB,VND,300,2\nC,VND,200,1\nA,VND,100,2\n",
            5,
            5,
            0
        )
    );
}

#[test]
fn top_n_of_n_plus_one_groups_adds_up_the_last_in_one_line() {
    let three = [("l.csv", THREE)];
    assert_eq!(
        summary_with(&three, &["l.csv", "--sort", "total", "--top", "2"]),
        success(
            "\
┌────────────┬─────┬──────┐
│ unit       ┆ VND ┆ rows │
╞════════════╪═════╪══════╡
│ B          ┆ 300 ┆    2 │
│ C          ┆ 200 ┆    1 │
│ (1 others) ┆ 100 ┆    2 │
│ Total      ┆ 600 ┆    5 │
└────────────┴─────┴──────┘
",
            5,
            5,
            0
        )
    );
    // Without --sort total, the first N by key.
    assert_eq!(
        summary_with(&three, &["l.csv", "--top", "2"]),
        success(
            "\
┌────────────┬─────┬──────┐
│ unit       ┆ VND ┆ rows │
╞════════════╪═════╪══════╡
│ A          ┆ 100 ┆    2 │
│ B          ┆ 300 ┆    2 │
│ (1 others) ┆ 200 ┆    1 │
│ Total      ┆ 600 ┆    5 │
└────────────┴─────┴──────┘
",
            5,
            5,
            0
        )
    );
    assert_eq!(
        summary_with(
            &three,
            &["l.csv", "--sort", "total", "--top", "2", "--percent"]
        ),
        success(
            "\
┌────────────┬─────┬────────┬──────┐
│ unit       ┆ VND ┆      % ┆ rows │
╞════════════╪═════╪════════╪══════╡
│ B          ┆ 300 ┆  50.00 ┆    2 │
│ C          ┆ 200 ┆  33.33 ┆    1 │
│ (1 others) ┆ 100 ┆  16.67 ┆    2 │
│ Total      ┆ 600 ┆ 100.00 ┆    5 │
└────────────┴─────┴────────┴──────┘
",
            5,
            5,
            0
        )
    );
    // CSV leaves the rest out: no "others" line.
    assert_eq!(
        summary_with(
            &three,
            &["l.csv", "--sort", "total", "--top", "2", "--format", "csv"]
        ),
        success(
            "unit,measure,total,count\nB,VND,300,2\nC,VND,200,1\n",
            5,
            5,
            0
        )
    );
}

/// Money ranks the units D, B, C, A; work-days rank them A, C, B (and D has none).
const TWO_MEASURES: &str = "date,amount,measure,unit\n\
    2024-01-01,100,,A\n\
    2024-01-01,30,ngày công,A\n\
    2024-01-01,300,VNĐ,B\n\
    2024-01-01,10,workday,B\n\
    2024-01-01,200,đồng,C\n\
    2024-01-01,20,công,C\n\
    2024-01-01,400,,D\n";

#[test]
fn sort_total_ranks_by_the_measure_asked_for() {
    let l = [("l.csv", TWO_MEASURES)];
    assert_eq!(
        summary_with(&l, &["l.csv", "--sort", "total", "--format", "csv"]),
        success(
            "unit,measure,total,count\n\
             D,VND,400,1\n\
             B,VND,300,1\n\
             B,workday,10,1\n\
             C,VND,200,1\n\
             C,workday,20,1\n\
             A,VND,100,1\n\
             A,workday,30,1\n",
            7,
            7,
            0
        )
    );
    let by_workdays = "\
┌───────┬───────┬─────────┬──────┐
│ unit  ┆   VND ┆ workday ┆ rows │
╞═══════╪═══════╪═════════╪══════╡
│ A     ┆   100 ┆      30 ┆    2 │
│ C     ┆   200 ┆      20 ┆    2 │
│ B     ┆   300 ┆      10 ┆    2 │
│ D     ┆   400 ┆         ┆    1 │
│ Total ┆ 1,000 ┆      60 ┆    7 │
└───────┴───────┴─────────┴──────┘
";
    for measure in ["workday", "ngày công", "WORKDAYS"] {
        assert_eq!(
            summary_with(&l, &["l.csv", "--sort", "total", "--measure", measure]),
            success(by_workdays, 7, 7, 0),
            "--measure {measure}"
        );
    }
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--sort",
                "total",
                "--measure",
                "workday",
                "--top",
                "2"
            ]
        ),
        success(
            "\
┌────────────┬───────┬─────────┬──────┐
│ unit       ┆   VND ┆ workday ┆ rows │
╞════════════╪═══════╪═════════╪══════╡
│ A          ┆   100 ┆      30 ┆    2 │
│ C          ┆   200 ┆      20 ┆    2 │
│ (2 others) ┆   700 ┆      10 ┆    3 │
│ Total      ┆ 1,000 ┆      60 ┆    7 │
└────────────┴───────┴─────────┴──────┘
",
            7,
            7,
            0
        )
    );
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--sort",
                "total",
                "--measure",
                "workday",
                "--top",
                "2",
                "--format",
                "csv"
            ]
        ),
        success(
            "unit,measure,total,count\nA,VND,100,1\nA,workday,30,1\nC,VND,200,1\nC,workday,20,1\n",
            7,
            7,
            0
        )
    );
}

#[test]
fn negative_grouped_amounts_subtract() {
    let files = [
        (
            "a.csv",
            "date,amount,unit\n\
             2024-01-01,1.000.000,A\n\
             2024-01-02,-75.000.000,A\n\
             2024-01-03,\"2.500.000,5\",B\n",
        ),
        (
            "b.csv",
            "date;amount;unit\n\
             2024-01-04;-1,200,000.25;C\n\
             2024-01-05;-3,000,000;C\n",
        ),
    ];
    assert_eq!(
        summary_with(&files, &["a.csv", "b.csv"]),
        success(
            "\
┌───────┬────────────────┬──────┐
│ unit  ┆            VND ┆ rows │
╞═══════╪════════════════╪══════╡
│ A     ┆    -74,000,000 ┆    2 │
│ B     ┆    2,500,000.5 ┆    1 │
│ C     ┆  -4,200,000.25 ┆    2 │
│ Total ┆ -75,699,999.75 ┆    5 │
└───────┴────────────────┴──────┘
",
            5,
            5,
            0
        )
    );
    assert_eq!(
        summary_with(&files, &["a.csv", "b.csv", "--format", "csv"]),
        success(
            "unit,measure,total,count\nA,VND,-74000000,2\nB,VND,2500000.5,1\nC,VND,-4200000.25,2\n",
            5,
            5,
            0
        )
    );
}

#[test]
fn a_leading_plus_is_read() {
    let l = [(
        "l.csv",
        "Ngày;Số tiền;Đơn vị\n\
         01/01/2024;+1.200.000;A\n\
         02/01/2024;+5;A\n\
         03/01/2024;+2,5;B\n\
         04/01/2024;+106,8 triệu;B\n\
         05/01/2024;+1.200;A\n",
    )];
    assert_eq!(
        summary_with(&l, &["l.csv", "--format", "csv"]),
        success(
            "unit,measure,total,count\nA,VND,1201205,3\nB,VND,106800002.5,2\n",
            5,
            5,
            0
        )
    );
}

#[test]
fn percentages_round_exact_halves_away_from_zero() {
    // Shares of 800: 1 is 0.125%, 3 is 0.375%, 797 is 99.625%, -1 is -0.125%.
    let l = [(
        "l.csv",
        "date,amount,unit\n\
         2024-01-01,1,A\n\
         2024-01-01,3,B\n\
         2024-01-01,797,C\n\
         2024-01-01,-1,D\n",
    )];
    assert_eq!(
        summary_with(&l, &["l.csv", "--percent", "--format", "csv"]),
        success(
            "unit,measure,total,count,percent\n\
             A,VND,1,1,0.13\n\
             B,VND,3,1,0.38\n\
             C,VND,797,1,99.63\n\
             D,VND,-1,1,-0.13\n",
            4,
            4,
            0
        )
    );
    assert_eq!(
        summary_with(&l, &["l.csv", "--percent"]),
        success(
            "\
┌───────┬─────┬────────┬──────┐
│ unit  ┆ VND ┆      % ┆ rows │
╞═══════╪═════╪════════╪══════╡
│ A     ┆   1 ┆   0.13 ┆    1 │
│ B     ┆   3 ┆   0.38 ┆    1 │
│ C     ┆ 797 ┆  99.63 ┆    1 │
│ D     ┆  -1 ┆  -0.13 ┆    1 │
│ Total ┆ 800 ┆ 100.00 ┆    4 │
└───────┴─────┴────────┴──────┘
",
            4,
            4,
            0
        )
    );
    // In a pivot the shares are of the whole pivot's total (800 again).
    let pivot = [(
        "p.csv",
        "date,amount,unit\n\
         2024-01-01,1,A\n\
         2025-01-01,3,A\n\
         2024-01-01,797,B\n\
         2025-01-01,-1,B\n",
    )];
    assert_eq!(
        summary_with(
            &pivot,
            &["p.csv", "--columns", "year", "--percent", "--format", "csv"]
        ),
        success(
            "unit,2024,2024 %,2025,2025 %,total\nA,1,0.13,3,0.38,4\nB,797,99.63,-1,-0.13,796\n",
            4,
            4,
            0
        )
    );
}

#[test]
fn blank_lines_before_a_semicolon_header_are_skipped() {
    let blank = [(
        "blank.csv",
        "\n\nNgày;Số tiền;Đơn vị\n15/03/2024;1.200.000;A\nxx;5;A\n16/03/2024;300.000;B\n",
    )];
    assert_eq!(
        summary_with(&blank, &["blank.csv", "--skip-invalid", "--format", "csv"]),
        (
            0,
            "unit,measure,total,count\nA,VND,1200000,1\nB,VND,300000,1\n".to_string(),
            "warning: skipped: blank.csv:5: Ngày: cannot read \"xx\" as a date (write day first: \
             15/03/2024, or 2024-03-15)\n\
             rows read 3 = counted 2 + filtered 0 + rejected 1\n"
                .to_string()
        )
    );
}

#[test]
fn empty_semicolon_rows_before_the_header_are_skipped() {
    let semicolons = [(
        "semis.csv",
        ";;;;\r\n;;\r\nNgày;Số tiền;Đơn vị\r\n15/03/2024;2.000.000;A\r\n",
    )];
    assert_eq!(
        summary_with(&semicolons, &["semis.csv", "--format", "csv"]),
        success("unit,measure,total,count\nA,VND,2000000,1\n", 1, 1, 0)
    );
}

// ---------------------------------------------------------------- the request: --period, --where

/// One row per edge of a month or quarter, amounts in powers of two so every total names its rows.
const DAYS: &str = "date,amount,unit\n\
    2024-03-14,1,A\n\
    2024-03-15,2,A\n\
    2024-03-16,4,A\n\
    2024-09-30,8,A\n\
    2024-10-01,16,A\n\
    2024-11-30,32,A\n\
    2024-12-01,64,A\n\
    31/12/2024,128,A\n\
    2025-01-01,256,A\n\
    2023-12-31,512,A\n";

/// What `summary` prints for one unit A with this total and row count, out of DAYS' 10 rows.
fn days_result(total: u64, count: u64) -> (i32, String, String) {
    let stdout = if count == 0 {
        "unit,measure,total,count\n".to_string()
    } else {
        format!("unit,measure,total,count\nA,VND,{total},{count}\n")
    };
    success(&stdout, 10, count, 10 - count)
}

#[test]
fn period_forms_select_the_right_days() {
    let l = [("l.csv", DAYS)];
    for (period, total, count) in [
        ("2024-12", 192, 2),
        ("2024-Q4", 240, 4),
        ("2024-Q3", 8, 1),
        ("2024-03-15", 2, 1),
        ("2024-03-15..2024-03-15", 2, 1),
        ("2024-03-15..2024-03-16", 6, 2),
        ("2024-Q1..2024-03-15", 3, 2),
        ("2024", 255, 8),
        ("2023-12..2024-03-14", 513, 2),
        ("2024-09..2024-10", 24, 2),
        ("2024-10-01..2024-12", 240, 4),
        ("2024-12-31..2025", 384, 2),
        ("2024-02", 0, 0),
    ] {
        assert_eq!(
            summary_with(&l, &["l.csv", "--period", period, "--format", "csv"]),
            days_result(total, count),
            "--period {period}"
        );
    }
}

#[test]
fn where_on_period_dimensions_matches_their_printed_form() {
    let l = [("l.csv", DAYS)];
    for (filters, total, count) in [
        (&["quarter=2024-Q4"][..], 240, 4),
        (&["quarter=2024-q4"][..], 240, 4),
        (&["quarter=2024-Q3"][..], 8, 1),
        (&["month=2024-09"][..], 8, 1),
        (&["month=2024-12"][..], 192, 2),
        (&["year=2024"][..], 255, 8),
        (&["year=2025", "year=2023"][..], 768, 2),
        (&["year=2024", "month=2024-03"][..], 7, 3),
        (&["quarter=2024-Q3", "month=2024-10"][..], 0, 0),
        (&["month=2024-3"][..], 0, 0),
    ] {
        let mut args = vec!["l.csv", "--format", "csv"];
        for f in filters {
            args.extend(["--where", f]);
        }
        assert_eq!(
            summary_with(&l, &args),
            days_result(total, count),
            "{filters:?}"
        );
    }
    // --period and --where together: both must hold.
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--period",
                "2024-03..2024-10",
                "--where",
                "quarter=2024-Q1",
                "--format",
                "csv"
            ]
        ),
        days_result(7, 3)
    );
}

#[test]
fn period_and_where_both_hold_for_amounts_that_read_two_ways() {
    // `1.200` reads two ways; the file's `1.000.000` settles it as 1200 (vi).
    let l = [(
        "l.csv",
        "date,amount,unit\n\
         2024-01-10,1.000.000,A\n\
         2024-01-11,1.200,A\n\
         2024-01-12,1.200,B\n\
         2024-02-01,1.200,A\n\
         2024-02-02,1.200,B\n\
         2023-12-31,2.500,A\n",
    )];
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv", "--period", "2024-01", "--where", "unit=A", "--format", "csv"
            ]
        ),
        success("unit,measure,total,count\nA,VND,1001200,2\n", 6, 2, 4)
    );
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--where",
                "month=2024-02",
                "--where",
                "unit=b",
                "--format",
                "csv"
            ]
        ),
        success("unit,measure,total,count\nB,VND,1200,1\n", 6, 1, 5)
    );
    assert_eq!(
        summary_with(&l, &["l.csv", "--by", "unit,month", "--format", "csv"]),
        success(
            "unit,month,measure,total,count\n\
             A,2023-12,VND,2500,1\n\
             A,2024-01,VND,1001200,2\n\
             A,2024-02,VND,1200,1\n\
             B,2024-01,VND,1200,1\n\
             B,2024-02,VND,1200,1\n",
            6,
            6,
            0
        )
    );
}

#[test]
fn where_twice_on_one_dimension_means_either_value() {
    let l = [(
        "l.csv",
        "date,amount,unit\n\
         2024-01-01,1,A\n\
         2024-01-01,2,B\n\
         2024-01-01,4,C\n\
         2024-01-01,8,Thôn 1   xã Liên Hòa\n",
    )];
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv", "--where", "unit=a", "--where", "unit=C", "--format", "csv"
            ]
        ),
        success("unit,measure,total,count\nA,VND,1,1\nC,VND,4,1\n", 4, 2, 2)
    );
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--where",
                "unit=thôn 1  xã liên hòa",
                "--where",
                "unit= b ",
                "--format",
                "csv"
            ]
        ),
        success(
            "unit,measure,total,count\nB,VND,2,1\nThôn 1 xã Liên Hòa,VND,8,1\n",
            4,
            2,
            2
        )
    );
}

const AREAS: &str = "date,amount,area\n\
    2024-01-01,1,Yên Giang\n\
    2024-01-01,2,Yên Giang/Khu 3\n\
    2024-01-01,4,Yên Giang / Khu 3 / Tổ 1\n\
    2024-01-01,8,Yên Giang/Khu 30\n\
    2024-01-01,16,Yên Giang 2\n\
    2024-01-01,32,Yên Giang 2/Khu 3\n\
    2024-01-01,64,Liên Hòa/Thôn 1\n";

#[test]
fn where_area_matches_the_area_and_below_level_by_level() {
    let l = [("l.csv", AREAS)];
    let header = "area,measure,total,count\n";
    for (filters, lines, counted) in [
        (
            &["area=yên giang"][..],
            "Yên Giang,VND,1,1\n\
             Yên Giang/Khu 3,VND,2,1\n\
             Yên Giang/Khu 3/Tổ 1,VND,4,1\n\
             Yên Giang/Khu 30,VND,8,1\n",
            4,
        ),
        (
            &["area=YÊN GIANG/khu 3"][..],
            "Yên Giang/Khu 3,VND,2,1\nYên Giang/Khu 3/Tổ 1,VND,4,1\n",
            2,
        ),
        (
            &["area= Yên Giang /Khu 3/ Tổ 1"][..],
            "Yên Giang/Khu 3/Tổ 1,VND,4,1\n",
            1,
        ),
        (
            &["area=Yên Giang 2"][..],
            "Yên Giang 2,VND,16,1\nYên Giang 2/Khu 3,VND,32,1\n",
            2,
        ),
        (&["area=Khu 3"][..], "", 0),
        (&["area=Yên"][..], "", 0),
        (&["area=Yên Giang/Khu"][..], "", 0),
        (
            // Decomposed (NFD) spelling of Liên Hòa, and a second area: either matches.
            &["area=Lie\u{302}n Ho\u{300}a", "area=Yên Giang 2/Khu 3"][..],
            "Liên Hòa/Thôn 1,VND,64,1\nYên Giang 2/Khu 3,VND,32,1\n",
            2,
        ),
    ] {
        let mut args = vec!["l.csv", "--by", "area", "--format", "csv"];
        for f in filters {
            args.extend(["--where", f]);
        }
        assert_eq!(
            summary_with(&l, &args),
            success(&format!("{header}{lines}"), 7, counted, 7 - counted),
            "{filters:?}"
        );
    }
    // The filter looks at the whole path; --depth only cuts what is shown.
    assert_eq!(
        summary_with(
            &l,
            &[
                "l.csv",
                "--by",
                "area",
                "--depth",
                "1",
                "--where",
                "area=Yên Giang/Khu 3",
                "--format",
                "csv"
            ]
        ),
        success("area,measure,total,count\nYên Giang,VND,6,2\n", 7, 2, 5)
    );
}

// ---------------------------------------------------------------- invalid data

#[test]
fn summary_refuses_invalid_data_and_writes_nothing() {
    let w = Work::new();
    w.file("bad.csv", BAD);
    let r = w.run(&["summary", "bad.csv", "-o", "out.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(!w.exists("out.csv"));
    assert!(
        r.stderr
            .starts_with("bad.csv:3: Ngày: \"31/02/2024\" is not a real date\n"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was written"));
    assert_eq!(
        r.tally(),
        "rows read 7 = counted 2 + filtered 0 + rejected 5"
    );
    // Refused output leaves an earlier file as it was.
    w.file("old.csv", "keep me");
    let r = w.run(&["summary", "bad.csv", "-o", "old.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(w.read("old.csv"), "keep me");
}

#[test]
fn only_the_first_twenty_problems_are_printed_then_a_count() {
    let w = Work::new();
    let mut text = String::from("date,amount\n");
    for _ in 0..25 {
        text.push_str("2024-01-01,x\n");
    }
    w.file("many.csv", text);
    let r = w.run(&["summary", "many.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.matches("cannot read").count(), 20);
    assert!(r.stderr.contains("… and 5 more problems"), "{}", r.stderr);
}

#[test]
fn skip_invalid_sums_the_valid_rows_and_warns() {
    let w = Work::new();
    w.file("bad.csv", BAD);
    let r = w.run(&["summary", "bad.csv", "--skip-invalid", "--format", "csv"]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nA,VND,100,1\nB,VND,50,1\n"
    );
    assert!(
        r.stderr
            .contains("warning: skipped: bad.csv:4: Số tiền: cannot read \"abc\""),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.tally(),
        "rows read 7 = counted 2 + filtered 0 + rejected 5"
    );
}

#[test]
fn rejects_file_keeps_each_rejected_row_with_file_line_and_reason() {
    let w = Work::new();
    w.file("bad.csv", BAD);
    let r = w.run(&[
        "summary",
        "bad.csv",
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
        "--quiet",
    ]);
    r.ok();
    assert_eq!(
        w.read("rejects.csv"),
        "Ngày,Số tiền,Đơn vị,file,line,reason\n\
         31/02/2024,5,A,bad.csv,3,\"Ngày: \"\"31/02/2024\"\" is not a real date\"\n\
         2024-01-03,abc,B,bad.csv,4,\"Số tiền: cannot read \"\"abc\"\" as a number\"\n\
         ,300,Tổng cộng,bad.csv,5,\"Ngày: typed totals row (\"\"Tổng cộng\"\"): remove it, danvan adds up the rows itself\"\n\
         2024-01-05,7,,bad.csv,6,row: has 2 fields but the header has 3\n\
         2024-01-06,1.200,B,bad.csv,8,\"Số tiền: \"\"1.200\"\" reads two ways: 1200 (vi: '.' groups, ',' is the decimal mark) or 1.2 (en: ',' groups, '.' is the decimal mark) and nothing in the file settles it; give --number-format vi or en\"\n"
    );
    // A row with more fields than the header keeps them all, in `extra` columns.
    w.file("wide.csv", "date,amount\n2024-01-01,1,x,y\n");
    w.run(&["check", "wide.csv", "--rejects", "r.csv"]);
    assert_eq!(
        w.read("r.csv"),
        "date,amount,extra 1,extra 2,file,line,reason\n\
         2024-01-01,1,x,y,wide.csv,2,row: has 4 fields but the header has 2\n"
    );
}

#[test]
fn every_row_is_counted_filtered_or_rejected() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,amount,unit\n2023-12-31,1,A\n2024-01-01,2,A\n2024-02-01,4,B\nxx,8,B\n2024-03-01,16,B\n",
    );
    let r = w.run(&[
        "summary",
        "l.csv",
        "--period",
        "2024",
        "--where",
        "unit=b",
        "--skip-invalid",
        "--format",
        "csv",
    ]);
    assert_eq!(r.ok(), "unit,measure,total,count\nB,VND,20,2\n");
    assert_eq!(
        r.tally(),
        "rows read 5 = counted 2 + filtered 2 + rejected 1"
    );
    let quiet = w.run(&["summary", "l.csv", "--skip-invalid", "--quiet"]);
    assert_eq!(quiet.stderr, "");
}

// ---------------------------------------------------------------- usage errors and exit codes

#[test]
fn missing_required_column_is_exit_two() {
    let w = Work::new();
    w.file("l.csv", "date,unit\n2024-01-01,A\n");
    let r = w.run(&["summary", "l.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("l.csv:1: missing required column(s): amount"),
        "{}",
        r.stderr
    );
}

#[test]
fn unreadable_input_and_usage_errors_are_exit_two() {
    let w = Work::new();
    let r = w.run(&["summary", "nope.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "danvan: nope.csv: cannot open: No such file or directory (os error 2)\n"
        )
    );
    w.file("l.csv", "date,amount\n2024-01-01,1\n");
    let period = |p: &str| {
        format!(
            "cannot read period {p:?}; write 2024, 2024-Q3, 2024-11, 2024-03-15 or 2024-01..2024-06"
        )
    };
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--by", "colour"],
            "unknown dimension \"colour\"; use one of unit, area, field, source, model, year, \
             quarter, month, measure"
                .into(),
        ),
        (
            vec!["--by", "unit,UNIT"],
            "unit is named twice in --by".into(),
        ),
        (
            vec!["--by", "measure"],
            "measure is always part of the grouping; leave it out of --by".into(),
        ),
        (
            vec!["--by", " , "],
            "--by needs at least one dimension".into(),
        ),
        (
            vec!["--columns", "unit"],
            "--columns unit is also in --by; a dimension is either lines or columns".into(),
        ),
        (vec!["--depth", "0"], "--depth must be at least 1".into()),
        (
            vec!["--sort", "size"],
            "--sort \"size\": use key or total".into(),
        ),
        (vec!["--period", "2024-Q7"], period("2024-Q7")),
        (vec!["--period", "2024-Q0"], period("2024-Q0")),
        (vec!["--period", "2024-13"], period("2024-13")),
        (vec!["--period", "2024-00"], period("2024-00")),
        (vec!["--period", "2024-02-30"], period("2024-02-30")),
        (vec!["--period", "1800"], period("1800")),
        (vec!["--period", "1899"], period("1899")),
        (vec!["--period", "2101"], period("2101")),
        (vec!["--period", "24"], period("24")),
        (vec!["--period", "1899..2024"], period("1899")),
        (vec!["--period", "2024..2101-01"], period("2101-01")),
        (
            vec!["--period", "2024-06..2024-01"],
            "period \"2024-06..2024-01\" ends before it starts".into(),
        ),
        (
            vec!["--period", "2024-03-16..2024-03-15"],
            "period \"2024-03-16..2024-03-15\" ends before it starts".into(),
        ),
        (
            vec!["--format", "pdf"],
            "unknown format \"pdf\"; use table, csv, json, markdown, html or xlsx".into(),
        ),
        (
            vec!["--where", "unit"],
            "--where takes DIM=VALUE, got \"unit\"".into(),
        ),
        (
            vec!["--where", "colour=red"],
            "unknown dimension \"colour\"; use one of unit, area, field, source, model, year, \
             quarter, month, measure"
                .into(),
        ),
        (
            vec!["--number-format", "fr"],
            "--number-format \"fr\": use vi or en".into(),
        ),
        (
            vec!["--encoding", "klingon"],
            "unknown encoding \"klingon\"; use a WHATWG name such as windows-1258, utf-8 or \
             utf-16le"
                .into(),
        ),
        (
            vec!["--delimiter", "x"],
            "--delimiter \"x\": use ',', ';', 'tab' or '|'".into(),
        ),
        (
            vec!["--threads", "0"],
            "--threads must be at least 1".into(),
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["summary", "l.csv"];
        args.extend(&flags);
        let r = w.run(&args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", format!("danvan: {message}\n").as_str()),
            "{flags:?}"
        );
    }
    // The edges of the year range are periods like any other.
    for edge in ["1900", "2100", "2100-12", "2100-Q4", "2100-12-31"] {
        let r = w.run(&["summary", "l.csv", "--period", edge, "--format", "csv"]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (
                0,
                "unit,measure,total,count\n",
                "rows read 1 = counted 0 + filtered 1 + rejected 0\n"
            ),
            "--period {edge}"
        );
    }
    // clap's own usage errors.
    let r = w.run(&["summary"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "error: the following required arguments were not provided:\n  <FILE>...\n\n\
             Usage: danvan summary <FILE>...\n\nFor more information, try '--help'.\n"
        )
    );
    let r = w.run(&["summary", "l.csv", "--top", "many"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "error: invalid value 'many' for '--top <N>': invalid digit found in string\n\n\
             For more information, try '--help'.\n"
        )
    );
}

/// Issue 13: `--format xlsx` (or `-o FILE.xlsx`) writes a workbook whose totals are numbers,
/// equal to the CSV output's, with a bold header row that stays in view; text that looks like a
/// formula stays text.
#[test]
fn xlsx_holds_the_csv_totals_as_numbers_under_a_bold_frozen_header() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,unit,amount,measure\n\
         2024-01-01,=HYPERLINK(\"http://x\"),106.8,\n\
         2024-01-02,B,1200000,\n\
         2024-01-03,B,3,ngày công\n\
         2024-01-04,B,-0.25,ngày công\n",
    );
    let csv = w.run(&["summary", "l.csv", "--format", "csv", "-q", "--raw"]);
    w.run(&["summary", "l.csv", "-o", "s.xlsx", "-q"]).ok();
    let book = common::workbook(&w.path("s.xlsx"));
    assert_eq!(book.len(), 1);
    let (name, rows) = &book[0];
    assert_eq!(name, "Summary");
    use calamine::Data::{Empty as E, Float as F, String as S};
    assert_eq!(
        rows,
        &vec![
            vec![
                S("unit".into()),
                S("VND".into()),
                S("workday".into()),
                S("rows".into())
            ],
            vec![S("=HYPERLINK(\"http://x\")".into()), F(106.8), E, F(1.0)],
            vec![S("B".into()), F(1_200_000.0), F(2.75), F(3.0)],
            vec![S("Total".into()), F(1_200_106.8), F(2.75), F(4.0)],
        ]
    );
    // Every total of the CSV output is the number in the workbook.
    for line in csv.ok().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (unit, measure, total) = (f[0], f[f.len() - 3], f[f.len() - 2]);
        let unit = unit.trim_matches('"').replace("\"\"", "\"");
        let row = rows.iter().find(|r| r[0] == S(unit.clone())).unwrap();
        let col = rows[0]
            .iter()
            .position(|h| *h == S(measure.into()))
            .unwrap();
        assert_eq!(row[col], F(total.parse().unwrap()), "{line}");
    }
    let sheet = common::workbook_part(&w.path("s.xlsx"), "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(!sheet.contains("<f>"), "no formula: {sheet}");
    let styles = common::workbook_part(&w.path("s.xlsx"), "xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
    assert!(styles.contains("formatCode=\"#,##0.0\""), "{styles}");
    assert!(styles.contains("formatCode=\"#,##0.00\""), "{styles}");
}

/// Issue 13: a spreadsheet keeps 15 digits; a total it could not keep exactly is refused with
/// the cell named, never written as another figure.
#[test]
fn xlsx_refuses_a_total_a_spreadsheet_would_round() {
    let w = Work::new();
    w.file("l.csv", "date,unit,amount\n2024-01-01,A,1234567890123456\n");
    let r = w.run(&["summary", "l.csv", "-o", "s.xlsx", "-q"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "danvan: s.xlsx: cannot write: sheet \"Summary\", cell B2: 1,234,567,890,123,456 has more \
         digits than a spreadsheet keeps (15); use --format csv for the exact figures\n"
    );
    assert!(!w.exists("s.xlsx"));
}

/// Issue 13: `--format html` (or `-o FILE.html`) is one self-contained page with the table, its
/// text escaped.
#[test]
fn html_is_one_page_with_the_table_and_escaped_text() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,unit,amount\n2024-01-01,<b>A</b>,1200000\n2024-01-02,B,5\n",
    );
    w.run(&["summary", "l.csv", "-o", "s.html", "-q"]).ok();
    let html = w.read("s.html");
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{html}"
    );
    assert!(
        html.contains(
            "<tbody><tr class=\"\"><td class=\"\">&lt;b&gt;A&lt;/b&gt;</td><td class=\"n\">1,200,000</td>\
             <td class=\"n\">1</td></tr><tr class=\"\"><td class=\"\">B</td><td class=\"n\">5</td>\
             <td class=\"n\">1</td></tr><tr class=\"total\"><td class=\"\">Total</td>\
             <td class=\"n\">1,200,005</td><td class=\"n\">2</td></tr></tbody>"
        ),
        "{html}"
    );
    assert!(!html.contains("<b>") && !html.contains("http"), "{html}");
}

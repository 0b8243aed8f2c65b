//! `summary`'s options on the sample and on small ledgers, with whole-output comparisons, and
//! snapshots of every renderer (a format change shows up as a reviewed diff).

mod common;
use common::{Work, sample};

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

//! `danvan merge`: summaries merged equal the summary of their ledgers, by any grouping (on small
//! ledgers and as a property over generated ones); mismatched columns, the same summary twice and
//! bad lines are refused, naming the file and line, with nothing written. Every `merge` test
//! belongs here.

mod common;
use common::Work;
use common::generated::{ledger, row};
use proptest::prelude::*;

const A: &str =
    "date,amount,unit,measure\n2024-01-01,5,Xã A,\n2024-01-02,2.5,Xã B,m2\n2024-01-03,0.1,Xã A,\n";
const B: &str = "date,amount,unit\n2024-01-01,7,Xã B\n2024-03-01,0.2,Xã A\n";

#[test]
fn merge_of_summaries_equals_the_summary_of_both_ledgers() {
    let w = Work::new();
    w.file("a.csv", A).file("b.csv", B);
    for args in [
        vec!["--by", "unit"],
        vec!["--by", "unit,month"],
        vec!["--by", "year"],
    ] {
        let mut sa = vec!["summary", "a.csv", "--format", "csv", "-q", "-o", "sa.csv"];
        sa.extend(&args);
        w.run(&sa).ok();
        let mut sb = vec!["summary", "b.csv", "--format", "csv", "-q", "-o", "sb.csv"];
        sb.extend(&args);
        w.run(&sb).ok();
        let mut both = vec!["summary", "a.csv", "b.csv", "--format", "csv", "-q"];
        both.extend(&args);
        let whole = w.run(&both).ok().to_string();
        let merged = w.run(&["merge", "sa.csv", "sb.csv"]);
        assert_eq!(merged.ok(), whole, "{args:?}");
        assert_eq!(merged.tally(), {
            let n = w.read("sa.csv").lines().count() + w.read("sb.csv").lines().count() - 2;
            format!("rows read {n} = counted {n} + filtered 0 + rejected 0")
        });
    }
}

#[test]
fn merge_refuses_mismatched_columns_and_duplicates() {
    let w = Work::new();
    w.file("a.csv", A);
    w.run(&["summary", "a.csv", "--format", "csv", "-q", "-o", "s1.csv"])
        .ok();
    w.run(&[
        "summary",
        "a.csv",
        "--by",
        "unit,year",
        "--format",
        "csv",
        "-q",
        "-o",
        "s2.csv",
    ])
    .ok();
    let r = w.run(&["merge", "s1.csv", "s2.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("s2.csv:1: the columns unit,year,measure,total,count differ from s1.csv's"),
        "{}",
        r.stderr
    );
    std::fs::copy(w.path("s1.csv"), w.path("copy.csv")).unwrap();
    for pair in [["s1.csv", "s1.csv"], ["s1.csv", "copy.csv"]] {
        let r = w.run(&["merge", pair[0], pair[1]]);
        assert_eq!(r.code, 2);
        assert!(
            r.stderr
                .contains(&format!("{}: the same summary as s1.csv", pair[1])),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
    let r = w.run(&["merge", "s1.csv", "copy.csv", "--allow-duplicates", "-q"]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nXã A,VND,10.2,4\nXã B,m2,5,2\n"
    );
}

#[test]
fn merge_names_bad_lines_and_writes_nothing() {
    let w = Work::new();
    w.file(
        "s.csv",
        "unit,measure,total,count\nA,VND,1.200.000,1\nB,VND,5,x\nC,VND,7,1\n",
    );
    let r = w.run(&["merge", "s.csv", "-o", "out.csv"]);
    assert_eq!(r.code, 1);
    assert!(!w.exists("out.csv"));
    assert!(
        r.stderr
            .contains("s.csv:2: total: \"1.200.000\" is not a plain decimal"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("s.csv:3: count: \"x\" is not a whole number"),
        "{}",
        r.stderr
    );
    w.file("wide.csv", "unit,2024,2025,total\nA,1,2,3\n");
    let r = w.run(&["merge", "wide.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a long summary CSV"), "{}", r.stderr);
}

#[test]
fn merge_reads_periods_a_spreadsheet_saved_again_as_the_same_period() {
    // Issue 9 point 6: a month column opened and saved again by Excel comes back as `03/2024`,
    // `01/04/2024` or `Mar-24`; each is the same month as `2024-03`, never a second group.
    let w = Work::new();
    w.file(
        "a.csv",
        "unit,month,measure,total,count\nXã A,2024-03,VND,5,1\nXã A,2024-04,VND,1,1\n",
    );
    w.file(
        "b.csv",
        "\u{feff}unit;month;measure;total;count\r\nXã A;03/2024;VND;7;2\r\nXã A;01/04/2024;VND;2;1\r\n",
    );
    w.file(
        "c.csv",
        "unit,month,measure,total,count\nXã A,Mar-24,VND,10,1\n",
    );
    let r = w.run(&["merge", "a.csv", "b.csv", "c.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,month,measure,total,count\nXã A,2024-03,VND,22,4\nXã A,2024-04,VND,3,2\n",
            "rows read 5 = counted 5 + filtered 0 + rejected 0\n"
        )
    );
    // Quarters and years the same way.
    w.file(
        "q1.csv",
        "year,quarter,measure,total,count\n2024,2024-Q1,VND,1,1\n",
    );
    w.file(
        "q2.csv",
        "year,quarter,measure,total,count\nNăm 2024,Quý I/2024,VND,2,1\n2024,Q1-2024,VND,4,1\n",
    );
    let r = w.run(&["merge", "q1.csv", "q2.csv", "-q"]);
    assert_eq!(
        r.ok(),
        "year,quarter,measure,total,count\n2024,2024-Q1,VND,7,3\n"
    );
    // A period that reads as none refuses its line; nothing is written.
    w.file(
        "d.csv",
        "unit,month,measure,total,count\nXã A,Mar-2x,VND,1,1\nXã A,2024-13,VND,1,1\n",
    );
    let r = w.run(&["merge", "a.csv", "d.csv", "-o", "out.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "d.csv:2: month: cannot read \"Mar-2x\" as a month; write 2024-03 (or 03/2024, Mar-24)\n\
             d.csv:3: month: cannot read \"2024-13\" as a month; write 2024-03 (or 03/2024, Mar-24)\n\
             danvan: 2 problem(s) in the summaries; nothing was written\n\
             rows read 4 = counted 2 + filtered 0 + rejected 2\n"
        )
    );
    assert!(!w.exists("out.csv"));
    // A year Excel turned into a date is no year (2024 as a date is 16/07/1905).
    w.file("y.csv", "year,measure,total,count\n16/07/1905,VND,1,1\n");
    let r = w.run(&["merge", "y.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "y.csv:2: year: cannot read \"16/07/1905\" as a year; write a year of four digits: 2024\n"
        ),
        "{}",
        r.stderr
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

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

#[test]
fn merge_sums_exactly_whatever_the_order_of_the_files() {
    // 1e27 + 0.001 used to merge to 1e27, and MAX + 1 − MAX was exit 2 or 1 by file order.
    let w = Work::new();
    let max = "79228162514264337593543950335";
    let s = |total: &str| format!("unit,measure,total,count\nA,VND,{total},1\n");
    w.file("big.csv", s(max))
        .file("one.csv", s("1"))
        .file("minus.csv", s(&format!("-{max}")));
    for order in [
        ["big.csv", "one.csv", "minus.csv"],
        ["big.csv", "minus.csv", "one.csv"],
        ["one.csv", "big.csv", "minus.csv"],
        ["minus.csv", "one.csv", "big.csv"],
    ] {
        let mut args = vec!["merge", "-q"];
        args.extend(order);
        let r = w.run(&args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "unit,measure,total,count\nA,VND,1,3\n", ""),
            "{order:?}"
        );
    }
    w.file("e27.csv", s("1000000000000000000000000000"))
        .file("milli.csv", s("0.001"));
    let r = w.run(&["merge", "e27.csv", "milli.csv", "-q"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "danvan: the total of unit \"A\" in VND is 1000000000000000000000000000.001, which \
             needs more digits than danvan can print exactly (at most \
             79228162514264337593543950335 and 28 decimals); nothing was written\n"
        )
    );
}

#[test]
fn a_total_above_the_decimal_maximum_says_so() {
    let w = Work::new();
    w.file(
        "s.csv",
        "unit,measure,total,count\nA,VND,79228162514264337593543950336,1\nB,VND,1.200.000,1\n",
    );
    let r = w.run(&["merge", "s.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "s.csv:2: total: \"79228162514264337593543950336\" has more digits than danvan can add \
             up exactly (at most 79228162514264337593543950335 and 28 decimals)\n\
             s.csv:3: total: \"1.200.000\" is not a plain decimal like 1234567.5\n\
             danvan: 2 problem(s) in the summaries; nothing was written\n\
             rows read 2 = counted 0 + filtered 0 + rejected 2\n"
        )
    );
}

#[test]
fn aliases_put_an_old_name_and_its_new_name_in_one_group() {
    let w = Work::new();
    w.file(
        "a.csv",
        "area,measure,total,count\nPhường Yên Giang,VND,100,2\nLiên Hòa,VND,5,1\n",
    )
    .file("b.csv", "area,measure,total,count\nYên Giang,VND,40,1\n")
    .file(
        "x.csv",
        "dimension,from,to\narea,Phường Yên Giang,Yên Giang\n",
    );
    let r = w.run(&["merge", "a.csv", "b.csv", "--aliases", "x.csv"]);
    assert_eq!(
        r.ok(),
        "area,measure,total,count\nLiên Hòa,VND,5,1\nYên Giang,VND,140,3\n"
    );
    // The alias file is an input like the others: never an output.
    let r = w.run(&[
        "merge",
        "a.csv",
        "b.csv",
        "--aliases",
        "x.csv",
        "-o",
        "x.csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn merge_speaks_vietnamese_and_scales_only_tables() {
    let w = Work::new();
    w.file(
        "s.csv",
        "unit,measure,total,count\nA,VND,1500000,1\nB,VND,1.200.000,1\n",
    );
    let r = w.run(&["merge", "s.csv", "--lang", "vi"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "s.csv:3: total: \"1.200.000\" không phải số thập phân viết thường như 1234567.5\n\
             danvan: các bảng tổng hợp có 1 lỗi; chưa ghi gì\n\
             đã đọc 2 dòng = tính 1 + lọc 0 + loại 1\n"
        )
    );
    w.file(
        "a.csv",
        "unit,measure,total,count\nĐoàn,VND,1500000,1\nHội,VND,2250000,2\n",
    );
    w.file("b.csv", "unit,measure,total,count\nAn,VND,500000,1\n");
    // CSV (merge's default) stays exact, with a warning; a table is scaled, in Vietnamese order.
    let r = w.run(&["merge", "a.csv", "b.csv", "--in", "million"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,measure,total,count\nAn,VND,500000,1\nĐoàn,VND,1500000,1\nHội,VND,2250000,2\n",
            "warning: --in changes only tables and Markdown; CSV and JSON keep every amount \
             exact, in đồng\n\
             rows read 3 = counted 3 + filtered 0 + rejected 0\n"
        )
    );
    let r = w.run(&[
        "merge", "a.csv", "b.csv", "--in", "million", "--lang", "vi", "--format", "md", "-q",
    ]);
    assert_eq!(
        r.ok(),
        "| Đơn vị | triệu đồng | Số dòng |\n\
         | --- | ---: | ---: |\n\
         | An | 0,5 | 1 |\n\
         | Đoàn | 1,5 | 1 |\n\
         | Hội | 2,25 | 2 |\n\
         | **Tổng cộng** | **4,25** | **4** |\n"
    );
}

/// `merge` reads `--excel` summaries back (BOM, CRLF, `;` with decimal commas, or `,` with
/// points) to the same totals as the analyst's CSV, and writes Excel's CSV again on request.
#[test]
fn merge_reads_excel_summaries_in_either_language_and_writes_them() {
    let w = Work::new();
    w.file("a.csv", A).file("b.csv", B);
    let excel = ["--by", "unit", "--excel", "-q"];
    w.run(
        &[
            &["summary", "a.csv", "-o", "sa.csv", "--lang", "vi"][..],
            &excel,
        ]
        .concat(),
    )
    .ok();
    w.run(
        &[
            &["summary", "b.csv", "-o", "sb.csv", "--lang", "en"][..],
            &excel,
        ]
        .concat(),
    )
    .ok();
    assert_eq!(
        w.read("sa.csv"),
        "\u{feff}unit;measure;total;count\r\nXã A;VND;5,1;2\r\nXã B;m2;2,5;1\r\n"
    );
    assert_eq!(
        w.read("sb.csv"),
        "\u{feff}unit,measure,total,count\r\nXã A,VND,0.2,1\r\nXã B,VND,7,1\r\n"
    );
    let r = w.run(&["merge", "sa.csv", "sb.csv"]);
    assert_eq!(
        (r.ok(), r.tally()),
        (
            "unit,measure,total,count\nXã A,VND,5.3,3\nXã B,VND,7,1\nXã B,m2,2.5,1\n",
            "rows read 4 = counted 4 + filtered 0 + rejected 0"
        )
    );
    let r = w.run(&["merge", "sa.csv", "sb.csv", "--excel", "-q", "--lang", "vi"]);
    assert_eq!(
        r.ok(),
        "\u{feff}unit;measure;total;count\r\nXã A;VND;5,3;3\r\nXã B;VND;7;1\r\nXã B;m2;2,5;1\r\n"
    );
    // In a `;` file the decimal mark is the comma: a point is refused, naming the mark to use.
    w.file("bad.csv", "unit;measure;total;count\nXã A;VND;5.3;3\n");
    let r = w.run(&["merge", "bad.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "bad.csv:2: total: \"5.3\" is not a plain decimal like 1234567,5\n\
             danvan: 1 problem(s) in the summaries; nothing was written\n\
             rows read 1 = counted 0 + filtered 0 + rejected 1\n"
        )
    );
}

//! SPEC §3 and the exit codes: nothing is lost silently, invalid data is refused (or skipped
//! when asked), every problem names its file, line and column, outputs are whole or absent.

mod common;
use common::Work;

const BAD: &str = "Ngày,Số tiền,Đơn vị\n\
    2024-01-01,100,A\n\
    31/02/2024,5,A\n\
    2024-01-03,abc,B\n\
    ,300,Tổng cộng\n\
    2024-01-05,7\n\
    \n\
    2024-01-06,\"1.200\",B\n\
    2024-01-07,50,B\n";

#[test]
fn check_lists_every_problem_with_file_line_column_then_a_count() {
    let w = Work::new();
    w.file("bad.csv", BAD);
    let r = w.run(&["check", "bad.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "bad.csv:3: Ngày: \"31/02/2024\" is not a real date\n\
         bad.csv:4: Số tiền: cannot read \"abc\" as a number\n\
         bad.csv:5: Ngày: typed totals row (\"Tổng cộng\"): remove it, danvan adds up the rows itself\n\
         bad.csv:6: row: has 2 fields but the header has 3\n\
         bad.csv:8: Số tiền: \"1.200\" reads two ways: 1200 (vi: '.' groups, ',' is the decimal mark) or 1.2 (en: ',' groups, '.' is the decimal mark) and nothing in the file settles it; give --number-format vi or en\n\
         5 problems, 0 warnings\n"
    );
    assert_eq!(
        r.tally(),
        "rows read 7 = counted 2 + filtered 0 + rejected 5"
    );
}

#[test]
fn check_on_clean_data_exits_zero() {
    let w = Work::new();
    w.file("ok.csv", "date,amount\n2024-01-01,1\n");
    let r = w.run(&["check", "ok.csv"]);
    assert_eq!(r.ok(), "0 problems, 0 warnings\n");
}

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
            "unknown format \"pdf\"; use table, csv, json or markdown".into(),
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

#[test]
fn output_never_overwrites_an_input() {
    let w = Work::new();
    let ledger = "date,amount\n2024-01-01,1\n";
    w.file("l.csv", ledger);
    let r = w.run(&["summary", "l.csv", "-o", "l.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("never writes over an input"),
        "{}",
        r.stderr
    );
    assert_eq!(w.read("l.csv"), ledger);
    let r = w.run(&["summary", "l.csv", "--rejects", "./l.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(w.read("l.csv"), ledger);
}

#[test]
fn output_file_is_written_whole_with_format_from_extension_and_no_temp_left() {
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\n");
    w.file("out.csv", "old");
    let r = w.run(&["summary", "l.csv", "-o", "out.csv"]);
    assert_eq!(r.ok(), "");
    assert_eq!(w.read("out.csv"), "unit,measure,total,count\nA,VND,1,1\n");
    w.run(&["summary", "l.csv", "-o", "out.json"]).ok();
    assert!(
        w.read("out.json")
            .starts_with("{\n  \"by\": [\n    \"unit\"\n  ],")
    );
    let leftovers: Vec<_> = std::fs::read_dir(w.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn output_into_a_missing_folder_is_exit_two_and_writes_nothing() {
    let w = Work::new();
    w.file("l.csv", "date,amount\n2024-01-01,1\n");
    let r = w.run(&["summary", "l.csv", "-o", "no/such/dir/out.csv"]);
    assert_eq!(r.code, 2);
    assert!(!w.exists("no"));
}

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let w = Work::new();
    // 50,000 groups make about 1 MB of CSV, far more than a pipe holds (64 KiB), so danvan is
    // still writing when the reader goes away.
    let mut text = String::from("date,amount,unit\n");
    for i in 0..50_000 {
        text.push_str(&format!("2024-01-01,1,unit {i:05}\n"));
    }
    w.file("big.csv", text);
    let bin = assert_cmd::cargo::cargo_bin("danvan");
    let mut child = Command::new(bin)
        .args(["summary", "big.csv", "--format", "csv"])
        .current_dir(w.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(first, "unit,measure,total,count\n");
    // Nearly all of the output is still unread, so danvan cannot have finished writing it.
    assert!(
        child.try_wait().unwrap().is_none(),
        "danvan ended before the pipe was closed"
    );
    drop(out);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!((status.code(), stderr.as_str()), (Some(0), ""));
}

#[test]
fn empty_and_header_only_files_are_not_errors() {
    let w = Work::new();
    w.file("empty.csv", "");
    w.file("header.csv", "date,amount\n");
    let r = w.run(&["summary", "empty.csv", "header.csv", "--format", "csv"]);
    assert_eq!(r.ok(), "unit,measure,total,count\n");
    assert!(
        r.stderr
            .contains("empty.csv:1: file: warning: the file is empty")
    );
    assert_eq!(
        r.tally(),
        "rows read 0 = counted 0 + filtered 0 + rejected 0"
    );
}

#[test]
fn check_warns_about_spellings_unused_models_and_duplicates_without_failing() {
    let w = Work::new();
    w.file(
        "models.csv",
        "id,name,unit,year\nM1,A,Hội Phụ nữ,2024\nM2,B,Hội Nông dân,2024\n",
    );
    w.file(
        "l.csv",
        "date,amount,unit,model\n2024-01-01,1,Hội Phụ nữ,M1\n2024-01-02,1,hội phụ nữ,\n2024-01-01,1,Hội Phụ nữ,M1\n2024-01-03,1,Hoi Phu Nu,\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "models.csv"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        r.stdout,
        "models.csv:3: id: warning: model \"M2\" has no contributions\n\
         l.csv:3: unit: warning: spellings differ only in case or accents: \"Hội Phụ nữ\" (2 rows, first at l.csv:2), \"hội phụ nữ\" (1 rows, first at l.csv:3), \"Hoi Phu Nu\" (1 rows, first at l.csv:5)\n\
         l.csv:4: row: warning: same as line 2: a duplicate row?\n\
         0 problems, 3 warnings\n"
    );
}

#[test]
fn check_warns_when_a_file_writes_numbers_both_ways() {
    let w = Work::new();
    w.file(
        "mix.csv",
        "date,Số tiền\n2024-01-01,1.500.000\n2024-01-02,106.8\n",
    );
    let r = w.run(&["check", "mix.csv"]);
    assert_eq!(
        r.ok(),
        "mix.csv:1: Số tiền: warning: numbers are written both ways: 1 like 1.200.000 or 106,8 (vi), 1 like 1,200,000 or 106.8 (en); each reads only one way, but check the file\n\
         0 problems, 1 warning\n"
    );
}

//! `danvan check`: its listing of every problem by file, line and column, the count line, its
//! warnings (spellings, unused models, duplicates, numbers written both ways) and its exit codes.
//! A test whose subject is `check` belongs here; problems as `summary` refuses, skips or rejects
//! them are in tests/summary.rs, hostile files (run through both commands) in tests/trust.rs.

mod common;
use common::{BAD, Work};

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
         l.csv:3: unit: warning: spellings differ only in case or accents: \"Hội Phụ nữ\" (2 rows, first at l.csv:2), \"hội phụ nữ\" (1 row, first at l.csv:3), \"Hoi Phu Nu\" (1 row, first at l.csv:5)\n\
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

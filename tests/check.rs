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

#[test]
fn check_names_floating_point_leftovers_and_summary_counts_them_as_written() {
    let w = Work::new();
    w.file(
        "f.csv",
        "date,Số tiền,unit\n\
         2024-01-01,0.30000000000000004,A\n\
         2024-01-02,1250000.0000000002,A\n\
         2024-01-03,\"0,7999999999999999\",B\n\
         2024-01-04,123456789012.34567,B\n\
         2024-01-05,0.3,B\n",
    );
    let r = w.run(&["check", "f.csv"]);
    assert_eq!(
        r.ok(),
        "f.csv:1: Số tiền: warning: numbers are written both ways: 1 like 1.200.000 or 106,8 \
         (vi), 4 like 1,200,000 or 106.8 (en); each reads only one way, but check the file\n\
         f.csv:2: Số tiền: warning: \"0.30000000000000004\" looks like a spreadsheet's \
         floating-point leftover; it probably meant 0.3 (danvan counts it as written)\n\
         f.csv:3: Số tiền: warning: \"1250000.0000000002\" looks like a spreadsheet's \
         floating-point leftover; it probably meant 1250000 (danvan counts it as written)\n\
         f.csv:4: Số tiền: warning: \"0,7999999999999999\" looks like a spreadsheet's \
         floating-point leftover; it probably meant 0.8 (danvan counts it as written)\n\
         0 problems, 4 warnings\n"
    );
    let r = w.run(&["summary", "f.csv", "--format", "csv", "-q"]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nA,VND,1250000.30000000020000004,2\nB,VND,123456789013.4456699999999999,3\n"
    );
}

#[test]
fn check_speaks_vietnamese_under_lang_vi() {
    let w = Work::new();
    w.file("bad.csv", BAD);
    let r = w.run(&["check", "bad.csv", "--lang", "vi"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "bad.csv:3: Ngày: \"31/02/2024\" không phải là ngày có thật\n\
         bad.csv:4: Số tiền: không đọc được \"abc\" thành số\n\
         bad.csv:5: Ngày: dòng tổng gõ tay (\"Tổng cộng\"): hãy xóa đi, danvan tự cộng các dòng\n\
         bad.csv:6: dòng: có 2 ô nhưng dòng tiêu đề có 3\n\
         bad.csv:8: Số tiền: \"1.200\" đọc được hai cách: 1200 (vi: '.' tách hàng nghìn, ',' là \
         dấu thập phân) hoặc 1,2 (en: ',' tách hàng nghìn, '.' là dấu thập phân) và trong tệp \
         không có gì để quyết định; hãy dùng --number-format vi hoặc en\n\
         5 lỗi, 0 cảnh báo\n"
    );
    assert_eq!(r.stderr, "đã đọc 7 dòng = tính 2 + lọc 0 + loại 5\n");
    // Warnings too: unused models, duplicates, a unit that is not its model's, spellings.
    w.file(
        "m.csv",
        "id,name,unit,year\nMH-1,Đường,Thôn 1,2024\nMH-2,Cầu,Thôn 2,2024\n",
    );
    w.file(
        "l.csv",
        "date,amount,model,unit\n\
         2024-01-01,1.000.000,MH-1,Thôn 1\n\
         2024-01-01,1.000.000,MH-1,Thôn 1\n\
         2024-01-02,5,MH-1,thôn 1\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "m.csv", "--lang", "vi"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "m.csv:3: id: cảnh báo: mô hình \"MH-2\" chưa có đóng góp nào\n\
             l.csv:3: dòng: cảnh báo: giống hệt dòng 2: dòng bị trùng?\n\
             l.csv:4: unit: cảnh báo: \"thôn 1\" khác với đơn vị \"Thôn 1\" của mô hình MH-1\n\
             l.csv:4: unit: cảnh báo: các cách viết chỉ khác nhau ở chữ hoa, chữ thường hoặc \
             dấu: \"Thôn 1\" (2 dòng, lần đầu ở l.csv:2), \"thôn 1\" (1 dòng, lần đầu ở l.csv:4)\n\
             0 lỗi, 4 cảnh báo\n"
        )
    );
    // The English count line says "1 problem" and "1 warning", in the singular.
    w.file("one.csv", "date,amount\nxx,1\n2024-01-01,1\n2024-01-01,1\n");
    let r = w.run(&["check", "one.csv"]);
    assert!(
        r.stdout.ends_with("\n1 problem, 1 warning\n"),
        "{}",
        r.stdout
    );
}

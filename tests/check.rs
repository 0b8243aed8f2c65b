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
         l.csv:3: unit: warning: spellings differ only in case or accents: \"Hội Phụ nữ\" (2 rows, first at l.csv:2), \"hội phụ nữ\" (1 row, first at l.csv:3), \"Hoi Phu Nu\" (1 row, first at l.csv:5); to count them as one, add to an --aliases file: unit,hội phụ nữ,Hội Phụ nữ; unit,Hoi Phu Nu,Hội Phụ nữ\n\
         l.csv:4: row: warning: same as line 2: a duplicate row?\n\
         0 problems, 3 warnings\n"
    );
}

#[test]
fn duplicates_read_from_standard_input_are_named_by_line() {
    // Rows written twice are read again to be compared field by field; standard input can be
    // read only once, so check keeps a copy of it: the same warnings as from a file. (Notes are
    // left out of the comparison; an amount is not.)
    let w = Work::new();
    let ledger = "date,amount,unit,note\n2024-01-01,1,A,x\n2024-01-02,2,B,y\n2024-01-01,1,A,x\n\
                  2024-01-02,3,B,y\n2024-01-02,2,B,z\n";
    let r = w.run_with_stdin(&["check", "-"], ledger.as_bytes());
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "<stdin>:4: row: warning: same as line 2: a duplicate row?\n\
             <stdin>:6: row: warning: same as line 3: a duplicate row?\n\
             0 problems, 2 warnings\n"
        ),
        "{}",
        r.stderr
    );
    w.file("l.csv", ledger);
    let file = w.run(&["check", "l.csv"]);
    assert_eq!(file.stdout, r.stdout.replace("<stdin>", "l.csv"));
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
         f.csv:5: Số tiền: warning: 123456789012.34567 is 1,000 times the median VND amount of \
         \"B\" (about 0.79) or more: a typo?\n\
         0 problems, 5 warnings\n"
    );
    let r = w.run(&["summary", "f.csv", "--format", "csv", "-q"]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nA,VND,1250000.30000000020000004,2\nB,VND,123456789013.4456699999999999,3\n"
    );
}

#[test]
fn check_warns_about_merged_cells_far_dates_huge_amounts_and_numbered_duplicates() {
    // Issue 9 point 14, on a sheet as an office exports it (BOM, `;`, CRLF, an STT column):
    // lines 3-4 lost their unit and area to cells merged in Excel; line 6 repeats line 5 but for
    // its number and note; 2052 is a typo among 2025; 9.500.000.000 has three zeros too many.
    // Line 11's missing area runs to the end of the file: no merge, no warning.
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}STT;Ngày;Đơn vị;Địa bàn;Số tiền;Ghi chú\r\n\
         1;05/03/2025;Hội Phụ nữ;Yên Giang/Khu 1;1.500.000;Quà Tết\r\n\
         2;05/03/2025;;;2.000.000;\r\n\
         3;06/03/2025;;;1.200.000;\r\n\
         4;08/03/2025;Đoàn Thanh niên;Yên Giang/Khu 2;800.000;\r\n\
         5;08/03/2025;Đoàn Thanh niên;Yên Giang/Khu 2;800.000;sửa loa\r\n\
         6;10/03/2052;Đoàn Thanh niên;Yên Giang/Khu 2;900.000;\r\n\
         7;11/03/2025;Đoàn Thanh niên;Yên Giang/Khu 2;9.500.000.000;\r\n\
         8;12/03/2025;Đoàn Thanh niên;;1.000.000;\r\n\
         9;13/03/2025;Đoàn Thanh niên;Yên Giang/Khu 2;1.000.000;\r\n\
         10;14/03/2025;Hội Nông dân;;2.000.000;\r\n",
    );
    let r = w.run(&["check", "l.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The same whatever the threads and chunks that read it.
    for (threads, chunk) in [("2", "40"), ("3", "90"), ("1", "33")] {
        let again = w.run(&[
            "check",
            "l.csv",
            "--threads",
            threads,
            "--chunk-bytes",
            chunk,
        ]);
        assert_eq!(
            again.stdout, r.stdout,
            "--threads {threads} --chunk-bytes {chunk}"
        );
    }
    // Whether `STT` is a known column is another rule's business (tests/reading.rs).
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.contains("columns not recognised") && l.starts_with("l.csv:"))
        .collect();
    assert_eq!(
        listed,
        [
            "l.csv:3: Đơn vị: warning: no unit on 2 rows (to line 4), while the rows around them \
             have one (lines 2 and 5): cells merged in Excel? Rows with no unit are added up under \
             (none)",
            "l.csv:3: Địa bàn: warning: no area on 2 rows (to line 4), while the rows around them \
             have one (lines 2 and 5): cells merged in Excel? Rows with no area are added up under \
             (none)",
            "l.csv:6: row: warning: same as line 5: a duplicate row?",
            "l.csv:7: Ngày: warning: 10/03/2052 is years away from every other date of this file \
             (which are in 2025): a typo?",
            "l.csv:8: Số tiền: warning: 9500000000 is 1,000 times the median VND amount of \
             \"Đoàn Thanh niên\" (about 1000000) or more: a typo?",
            "l.csv:9: Địa bàn: warning: no area on this row, while the rows around it have one \
             (lines 8 and 10): cells merged in Excel? Rows with no area are added up under (none)",
        ]
    );
    assert!(
        r.stdout.ends_with(" problems, 6 warnings\n")
            || r.stdout.ends_with(" problems, 7 warnings\n"),
        "{}",
        r.stdout
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
             dấu: \"Thôn 1\" (2 dòng, lần đầu ở l.csv:2), \"thôn 1\" (1 dòng, lần đầu ở l.csv:4); để tính là một, thêm vào \
             tệp --aliases: unit,thôn 1,Thôn 1\n\
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

#[test]
fn check_names_no_far_date_or_huge_amount_in_an_ordinary_sheet() {
    // Years next to each other are one stretch (2023-2025), two equal stretches say nothing,
    // and amounts of one size are not compared across units or measures.
    let w = Work::new();
    w.file(
        "l.csv",
        "Ngày;Đơn vị;Số tiền;ĐVT\r\n\
         05/03/2023;A;1.000.000;\r\n\
         05/03/2025;A;2.000.000;\r\n\
         05/03/2025;A;3.000.000;\r\n\
         05/03/2025;B;5.000.000.000;\r\n\
         05/03/2025;A;2;ngày công\r\n",
    );
    w.file(
        "m.csv",
        "date,amount,unit\n2010-01-01,1,A\n2020-01-01,2,A\n",
    );
    let r = w.run(&["check", "l.csv", "m.csv"]);
    assert_eq!(r.ok(), "0 problems, 0 warnings\n");
}

#[test]
fn check_says_once_that_a_file_is_read_twice_on_purpose() {
    // Issue 9 point 3: with --allow-duplicates, check says it once, not "same as" per row.
    let w = Work::new();
    let ledger = "date,amount,unit\n2024-01-01,1,A\n2024-01-02,2,A\n2024-01-02,2,A\n";
    w.file("a.csv", ledger);
    w.file("b.csv", ledger);
    let r = w.run(&["check", "a.csv", "b.csv", "--allow-duplicates"]);
    assert_eq!(
        r.ok(),
        "a.csv:4: row: warning: same as line 3: a duplicate row?\n\
         b.csv:1: file: warning: the same content as a.csv, given with --allow-duplicates: every \
         row of it is counted again, and its rows are not listed one by one as duplicates of \
         a.csv's\n\
         b.csv:4: row: warning: same as line 3: a duplicate row?\n\
         0 problems, 3 warnings\n"
    );
    // Three copies: the third is no duplicate of the second either.
    w.file("c.csv", ledger);
    let r = w.run(&["check", "a.csv", "b.csv", "c.csv", "--allow-duplicates"]);
    assert_eq!(
        r.ok(),
        "a.csv:4: row: warning: same as line 3: a duplicate row?\n\
         b.csv:1: file: warning: the same content as a.csv, given with --allow-duplicates: every \
         row of it is counted again, and its rows are not listed one by one as duplicates of \
         a.csv's (the same in 1 more file: c.csv)\n\
         b.csv:4: row: warning: same as line 3: a duplicate row?\n\
         c.csv:4: row: warning: same as line 3: a duplicate row?\n\
         0 problems, 4 warnings\n"
    );
}

/// The rows `check` counts for each spelling of a name, and its first row, are the rows that
/// hold it, counted here from the ledger itself: on a ledger long enough that the fast lane
/// adds nearly every row, where the field and the source are remembered apart from the rest of
/// the row (and, with a registry, the field stays with the model that may fill it); on one
/// thread and two.
#[test]
fn spellings_are_counted_row_by_row_however_the_rows_are_remembered() {
    const ROWS: usize = 6000;
    // Row `i` (line i + 2): its model and unit, field and source as written.
    let row = |i: usize| {
        let (model, unit) = [("M1", "Hội Phụ nữ"), ("", "Đoàn Thanh niên")][i % 2];
        let field = ["Xã hội", "xã hội", "Xa hoi", ""][i / 2 % 4];
        let source = ["Nhân dân", "nhân dân", "Doanh nghiệp", "NHÂN DÂN"][i / 8 % 4];
        (model, unit, field, source)
    };
    let w = Work::new();
    let mut ledger = String::from("date,model,unit,field,source,amount\n");
    for i in 0..ROWS {
        let (model, unit, field, source) = row(i);
        // Rows with M1 write its field or none: another would be a warning of its own.
        let field = if model == "M1" && !field.is_empty() {
            "Xã hội"
        } else {
            field
        };
        let date = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        ledger.push_str(&format!(
            "{date},{model},{unit},{field},{source},{}\n",
            i + 1
        ));
    }
    w.file("l.csv", &ledger);
    w.file(
        "models.csv",
        "id,name,unit,year,field\nM1,A,Hội Phụ nữ,2024,Xã hội\n",
    );
    for registry in [false, true] {
        // (column, spelling) -> (rows, first line), counted here.
        let mut want: std::collections::BTreeMap<(&str, String), (u64, usize)> = Default::default();
        for i in 0..ROWS {
            let (model, _, field, source) = row(i);
            let mut field = if model == "M1" && !field.is_empty() {
                "Xã hội"
            } else {
                field
            };
            if registry && model == "M1" && field.is_empty() {
                field = "Xã hội";
            }
            for (column, name) in [("field", field), ("source", source)] {
                if !name.is_empty() {
                    let e = want.entry((column, name.to_string())).or_insert((0, i + 2));
                    e.0 += 1;
                }
            }
        }
        // One spelling only: nothing to list.
        want.retain(|(_, name), _| name != "Doanh nghiệp");
        let mut args = vec!["check", "l.csv"];
        if registry {
            args.extend(["--models", "models.csv"]);
        }
        for threads in ["1", "2"] {
            let mut a = args.clone();
            a.extend(["--threads", threads]);
            let r = w.run(&a);
            assert_eq!(r.code, 0, "{}", r.stderr);
            // Every spelling listed, with its rows and first row.
            let mut got: std::collections::BTreeMap<(&str, String), (u64, usize)> =
                Default::default();
            let mut others = Vec::new();
            for line in r.stdout.lines() {
                let Some((head, list)) =
                    line.split_once("spellings differ only in case or accents: ")
                else {
                    others.push(line);
                    continue;
                };
                let column = if head.contains(": field: ") {
                    "field"
                } else {
                    "source"
                };
                let list = list.split("; to count them").next().unwrap_or_default();
                for item in list.split("), ") {
                    let (name, rest) = item.split_once(" (").unwrap();
                    let rows: u64 = rest.split(' ').next().unwrap().parse().unwrap();
                    let first: usize = rest
                        .rsplit(':')
                        .next()
                        .unwrap()
                        .trim_end_matches(')')
                        .parse()
                        .unwrap();
                    got.insert((column, name.trim_matches('"').to_string()), (rows, first));
                }
            }
            let case = format!("registry {registry}, {threads} threads");
            assert_eq!(got, want, "{case}");
            let others_want = match registry {
                true => vec!["0 problems, 2 warnings"],
                false => vec![
                    "l.csv:2: model: warning: rows name models (\"M1\"…) but no --models registry was given, so they are not checked",
                    "0 problems, 3 warnings",
                ],
            };
            assert_eq!(others, others_want, "{case}");
        }
    }
}

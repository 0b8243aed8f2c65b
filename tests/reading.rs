//! The reading rules of SPEC §1–§2: how files, numbers, dates, text and the registry are read.
//! One test per rule, each on a small ledger run through the real binary, comparing the whole
//! CSV output; then, at library level, the readers against independent models of the rules
//! (tests/reading/*_oracle.rs) and the fuzz harness over arbitrary bytes (tests/reading/fuzz.rs).
//! A test whose subject is how something is read belongs here, whichever command runs it.

mod common;
use common::Work;

// Oracles: the readers compared with independent models of the rules (library level, no binary).
#[path = "reading/date_oracle.rs"]
mod date_oracle;
#[path = "reading/number_oracle.rs"]
mod number_oracle;
#[path = "reading/record_oracle.rs"]
mod record_oracle;

// Fuzzing: the readers on arbitrary bytes never panic and agree with independent readings.
#[path = "reading/fuzz.rs"]
mod fuzz;

fn csv_by(w: &Work, file: &str, by: &str, extra: &[&str]) -> String {
    let mut args = vec!["summary", file, "--by", by, "--format", "csv", "--quiet"];
    args.extend_from_slice(extra);
    w.run(&args).ok().to_string()
}

#[test]
fn vietnamese_excel_export_semicolon_bom_crlf() {
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền;ĐVT;Ghi chú\r\n\
         15/03/2024;Hội Phụ nữ;1.200.000;VNĐ;\"Quà; Tết\"\r\n\
         16/03/2024;Hội Phụ nữ;800.000;đồng;\r\n\
         17/03/2024;Đoàn Thanh niên;106,8 triệu;;\r\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &[]),
        "unit,measure,total,count\n\
         Đoàn Thanh niên,VND,106800000,1\n\
         Hội Phụ nữ,VND,2000000,2\n"
    );
}

#[test]
fn headers_in_any_order_case_and_aliases_unknown_named_once() {
    let w = Work::new();
    w.file(
        "l.csv",
        "  SỐ TIỀN ,Extra,unit,DATE\n5,x,A,2024-01-01\n7,y,A,2024-01-02\n",
    );
    let r = w.run(&["summary", "l.csv", "--format", "csv"]);
    assert_eq!(r.ok(), "unit,measure,total,count\nA,VND,12,2\n");
    assert_eq!(
        r.stderr.matches("Extra").count(),
        1,
        "unknown column named once: {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("l.csv:1: header: warning: columns not recognised, ignored: \"Extra\"\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn tab_delimiter_detected_and_override() {
    let w = Work::new();
    w.file("t.tsv", "date\tamount\tunit\n2024-01-01\t1,5\tA, B\n");
    assert_eq!(
        csv_by(&w, "t.tsv", "unit", &[]),
        "unit,measure,total,count\n\"A, B\",VND,1.5,1\n"
    );
    // Header detection would pick ',' here; the override reads it as ';'.
    w.file("s.csv", "date;amount;unit,name\n2024-01-01;5;A,B\n");
    assert_eq!(
        csv_by(&w, "s.csv", "unit", &["--delimiter", ";"]),
        "unit,measure,total,count\n,VND,5,1\n"
    );
}

#[test]
fn quoted_fields_hold_delimiters_quotes_and_newlines() {
    let w = Work::new();
    w.file(
        "q.csv",
        "date,amount,unit,note\n\
         2024-01-01,10,\"Hội \"\"Phụ nữ\"\", xã A\",\"line one\nline two, still the note\"\n\
         2024-01-02,5,\"Hội \"\"Phụ nữ\"\", xã A\",\n",
    );
    assert_eq!(
        csv_by(&w, "q.csv", "unit", &[]),
        "unit,measure,total,count\n\"Hội \"\"Phụ nữ\"\", xã A\",VND,15,2\n"
    );
}

#[test]
fn decomposed_accents_and_spacing_are_one_group() {
    let w = Work::new();
    // "Hội Phụ nữ" spelled precomposed, decomposed (NFD), and with stray spaces.
    let nfd = "Ho\u{302}\u{323}i Phu\u{323} nu\u{31b}\u{303}";
    w.file(
        "n.csv",
        format!("date,amount,unit\n2024-01-01,1,Hội Phụ nữ\n2024-01-02,2,{nfd}\n2024-01-03,4,  Hội  Phụ\tnữ \n"),
    );
    assert_eq!(
        csv_by(&w, "n.csv", "unit", &[]),
        "unit,measure,total,count\nHội Phụ nữ,VND,7,3\n"
    );
}

#[test]
fn numbers_both_conventions_scale_words_and_currency_marks() {
    let w = Work::new();
    w.file(
        "v.csv",
        "date,amount\n2024-01-01,1.200.000\n2024-01-01,\"106,8 triệu\"\n2024-01-01,500.000đ\n\
         2024-01-01,2 tỷ\n2024-01-01,5 nghìn VNĐ\n2024-01-01,-200.000\n",
    );
    assert_eq!(
        csv_by(&w, "v.csv", "year", &[]),
        "year,measure,total,count\n2024,VND,2108305000,6\n"
    );
    w.file(
        "e.csv",
        "date,amount\n2024-01-01,\"1,200,000\"\n2024-01-01,106.8\n2024-01-01,\"1,000.25\"\n",
    );
    assert_eq!(
        csv_by(&w, "e.csv", "year", &[]),
        "year,measure,total,count\n2024,VND,1201107.05,3\n"
    );
}

#[test]
fn ambiguous_numbers_settled_by_the_files_own_values() {
    let w = Work::new();
    // 1.200 reads 1200 (vi) or 1.2 (en); 1.500.000 shows the file is Vietnamese.
    w.file(
        "vi.csv",
        "date,amount\n2024-01-01,1.200\n2024-01-02,1.500.000\n",
    );
    assert_eq!(
        csv_by(&w, "vi.csv", "year", &[]),
        "year,measure,total,count\n2024,VND,1501200,2\n"
    );
    // 12,500 reads 12500 (en) or 12.5 (vi); 3.75 shows the file is English.
    w.file(
        "en.csv",
        "date,amount\n2024-01-01,\"12,500\"\n2024-01-02,3.75\n",
    );
    assert_eq!(
        csv_by(&w, "en.csv", "year", &[]),
        "year,measure,total,count\n2024,VND,12503.75,2\n"
    );
}

#[test]
fn ambiguous_numbers_settled_by_the_flag_or_refused_naming_both_readings() {
    let w = Work::new();
    w.file("a.csv", "date,amount\n2024-01-01,1.200\n2024-01-02,7\n");
    assert_eq!(
        csv_by(&w, "a.csv", "year", &["--number-format", "vi"]),
        "year,measure,total,count\n2024,VND,1207,2\n"
    );
    assert_eq!(
        csv_by(&w, "a.csv", "year", &["--number-format", "en"]),
        "year,measure,total,count\n2024,VND,8.2,2\n"
    );
    let r = w.run(&["summary", "a.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("a.csv:2: amount: \"1.200\" reads two ways: 1200 (vi")
            && r.stderr.contains("or 1.2 (en"),
        "{}",
        r.stderr
    );
}

#[test]
fn dates_are_day_first_in_every_written_form() {
    let w = Work::new();
    w.file(
        "d.csv",
        "date,amount\n2024-03-15,1\n15/03/2024,2\n5/3/2024,4\n15-03-2024,8\n15.03.2024,16\n01/12/2024,32\n",
    );
    assert_eq!(
        csv_by(&w, "d.csv", "month", &[]),
        "month,measure,total,count\n2024-03,VND,31,5\n2024-12,VND,32,1\n"
    );
    w.file("bad.csv", "date,amount\n31/02/2024,1\n");
    let r = w.run(&["check", "bad.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("bad.csv:2: date: \"31/02/2024\" is not a real date"),
        "{}",
        r.stdout
    );
}

#[test]
fn measures_have_canonical_codes_and_never_mix() {
    let w = Work::new();
    w.file(
        "m.csv",
        "date,amount,measure\n2024-01-01,5,ngày công\n2024-01-01,3,workday\n2024-01-01,100,m²\n\
         2024-01-01,20,mét vuông\n2024-01-01,1000,\n2024-01-01,2000,VNĐ\n2024-01-01,2,tấn xi măng\n",
    );
    assert_eq!(
        csv_by(&w, "m.csv", "year", &[]),
        "year,measure,total,count\n2024,VND,3000,2\n2024,workday,8,2\n2024,m2,120,2\n2024,tấn xi măng,2,1\n"
    );
}

#[test]
fn registry_join_fills_unit_area_and_field_from_the_model() {
    let w = Work::new();
    w.file(
        "models.csv",
        "Mã;Tên mô hình;Đơn vị;Năm;Địa bàn;Lĩnh vực;Chỉ tiêu\n\
         M1;Đường làng;Thôn 1;2024;Liên Hòa/Thôn 1;Kinh tế;500.000.000\n\
         M2;Lan can;Đoàn Thanh niên;2024;Liên Hòa;Xã hội;\n",
    );
    w.file(
        "l.csv",
        "date,model,unit,amount\n2024-01-01,M1,,100\n2024-01-02,m1,,50\n2024-01-03,M2,,7\n2024-01-04,M2,Khác,1\n2024-01-05,,Lẻ,2\n",
    );
    assert_eq!(
        csv_by(
            &w,
            "l.csv",
            "unit,area,field,model",
            &["--models", "models.csv"]
        ),
        "unit,area,field,model,measure,total,count\n\
         Đoàn Thanh niên,Liên Hòa,Xã hội,M2,VND,7,1\n\
         Khác,Liên Hòa,Xã hội,M2,VND,1,1\n\
         Lẻ,,,,VND,2,1\n\
         Thôn 1,Liên Hòa/Thôn 1,Kinh tế,M1,VND,150,2\n"
    );
    // check warns that row 5's own unit differs from its model's.
    let r = w.run(&["check", "l.csv", "--models", "models.csv"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "l.csv:5: unit: warning: \"Khác\" differs from model M2's unit \"Đoàn Thanh niên\""
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn unknown_model_and_duplicate_registry_id_are_errors() {
    let w = Work::new();
    w.file(
        "models.csv",
        "id,name,unit,year\nM1,A,U,2024\nM1,B,V,2024\n",
    );
    w.file(
        "l.csv",
        "date,model,amount\n2024-01-01,M9,1\n2024-01-01,M1,2\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "models.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "models.csv:3: id: duplicate model id \"M1\" (first on line 2)\n\
         l.csv:2: model: model \"M9\" is not in the registry\n\
         2 problems, 0 warnings\n"
    );
}

#[test]
fn windows_1258_needs_the_flag_and_then_reads_like_utf8() {
    let w = Work::new();
    w.fixture("windows-1258.csv");
    let r = w.run(&["summary", "windows-1258.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("windows-1258.csv:1: column 1: text is not UTF-8")
            && r.stderr.contains("--encoding windows-1258"),
        "{}",
        r.stderr
    );
    assert_eq!(
        csv_by(
            &w,
            "windows-1258.csv",
            "unit",
            &["--encoding", "windows-1258"]
        ),
        "unit,measure,total,count\nĐoàn Thanh niên,VND,500000,1\nHội Phụ nữ,VND,2000000,2\n"
    );
}

#[test]
fn invalid_utf8_in_the_middle_names_its_line() {
    let w = Work::new();
    let mut bytes = b"date,amount,unit\n2024-01-01,1,A\n2024-01-01,1,A\n".to_vec();
    bytes.extend_from_slice(b"2024-01-01,1,H\xf4i\n");
    w.file("x.csv", bytes);
    let r = w.run(&["check", "x.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("x.csv:4: column 3: text is not UTF-8"),
        "{}",
        r.stderr
    );
}

#[test]
fn utf16_with_a_bom_is_decoded() {
    let w = Work::new();
    w.fixture("utf16.csv");
    assert_eq!(
        csv_by(&w, "utf16.csv", "unit", &[]),
        "unit,measure,total,count\nĐoàn Thanh niên,VND,500000,1\nHội Phụ nữ,VND,2000000,2\n"
    );
}

#[test]
fn standard_input_is_a_ledger_too() {
    let w = Work::new();
    let r = w.run_with_stdin(
        &["summary", "-", "--format", "csv", "--quiet"],
        b"date,amount,unit\n2024-01-01,3,A\n",
    );
    assert_eq!(r.ok(), "unit,measure,total,count\nA,VND,3,1\n");
}

#[test]
fn several_files_add_up_together() {
    let w = Work::new();
    w.file("a.csv", "date,amount,unit\n2024-01-01,3,A\n");
    w.file(
        "b.csv",
        "\u{feff}Ngày;Số tiền;Đơn vị\r\n02/01/2024;1.000.000;A\r\n",
    );
    let r = w.run(&["summary", "a.csv", "b.csv", "--format", "csv"]);
    assert_eq!(r.ok(), "unit,measure,total,count\nA,VND,1000003,2\n");
    assert_eq!(
        r.tally(),
        "rows read 2 = counted 2 + filtered 0 + rejected 0"
    );
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
fn registry_years_must_be_real_years_and_each_bad_one_is_said_once() {
    let w = Work::new();
    w.file(
        "models.csv",
        "id,name,unit,year\nM1,A,U,1899\nM2,B,U,2101\nM3,C,U,\nM4,D,U,1900\nM5,E,U,2100\nM6,F,U,năm 2024\n",
    );
    w.file(
        "l.csv",
        "date,model,amount\n2024-01-01,M4,1\n2024-01-01,M5,2\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "models.csv"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "models.csv:2: year: \"1899\" is not a year\n\
         models.csv:3: year: \"2101\" is not a year\n\
         models.csv:4: year: year is missing\n\
         models.csv:7: year: \"năm 2024\" is not a year\n\
         4 problems, 0 warnings\n"
    );
}

#[test]
fn registry_targets_that_read_two_ways_are_settled_by_the_registrys_other_targets() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,model,amount\n2024-01-01,M1,1\n2024-01-01,M2,2\n",
    );
    // `500.000.000` reads only the Vietnamese way, so `1.200` is 1200 there.
    w.file(
        "vi.csv",
        "id,name,unit,year,target\nM1,A,U,2024,500.000.000\nM2,B,U,2024,1.200\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "vi.csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "0 problems, 0 warnings\n"));
    // Nothing settles it: the target is a problem naming both readings.
    w.file(
        "amb.csv",
        "id,name,unit,year,target\nM1,A,U,2024,\nM2,B,U,2024,1.200\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "amb.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with(
            "amb.csv:3: target: \"1.200\" reads two ways: 1200 (vi: '.' groups, ',' is the \
             decimal mark) or 1.2 (en: ',' groups, '.' is the decimal mark)"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn area_paths_are_normalized_level_by_level() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,amount,area\n\
         2024-01-01,1,Yên Giang/Khu 3\n\
         2024-01-02,2, Yên Giang / Khu 3 \n\
         2024-01-03,4,Yên  Giang//Khu 3/\n\
         2024-01-04,8,Yên Giang/Khu 30\n\
         2024-01-05,16,Yên Giang\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "area", &[]),
        "area,measure,total,count\n\
         Yên Giang,VND,16,1\n\
         Yên Giang/Khu 3,VND,7,3\n\
         Yên Giang/Khu 30,VND,8,1\n"
    );
}

#[test]
fn quoted_line_breaks_in_a_semicolon_file_survive_any_chunk_size() {
    let w = Work::new();
    // A quote opens a field only at a field's start, which in this file is after a `;`: a
    // chunker that looked for `,` would cut the quoted notes at their line breaks.
    w.file(
        "l.csv",
        "Ngày;Số tiền;Đơn vị;Ghi chú\n\
         15/03/2024;1.200.000;A;\"dòng 1\n2/1/2024;9;B;x\"\n\
         16/03/2024;800.000;A;\"a;\n\"\"b\"\"\n\"\n\
         17/03/2024;5;B;\n",
    );
    let want = "unit,measure,total,count\nA,VND,2000000,2\nB,VND,5,1\n";
    for chunk in ["1", "7", "20", "45", "1000"] {
        assert_eq!(
            csv_by(
                &w,
                "l.csv",
                "unit",
                &["--chunk-bytes", chunk, "--threads", "2"]
            ),
            want,
            "--chunk-bytes {chunk}"
        );
    }
}

// ------------------------------------------------- issue 9: real office sheets (headers, files)

/// The amounts of a ledger whose amount header is `header`, each row twice so that the fast
/// lane (which adds a row that repeats one already proven) has its turn, on one thread.
fn scaled_total(w: &Work, header: &str, amounts: &[&str]) -> String {
    let mut text = format!("\u{feff}Ngày;Đơn vị;{header}\r\n");
    for a in amounts {
        for _ in 0..2 {
            text.push_str(&format!("05/03/2025;Hội Phụ nữ;{a}\r\n"));
        }
    }
    w.file("scaled.csv", text);
    csv_by(w, "scaled.csv", "unit", &["--threads", "1"])
}

/// Issue 9.1: `Số tiền (triệu đồng)` with `106,8` and `64,2` is 171,000,000 đồng, not 171.
#[test]
fn a_unit_of_scale_in_the_amount_header_scales_every_amount_exactly() {
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền (triệu đồng)\r\n\
         15/06/2024;Hội Phụ nữ;106,8\r\n\
         01/06/2024;Hội Phụ nữ;64,2\r\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &[]),
        "unit,measure,total,count\nHội Phụ nữ,VND,171000000,2\n"
    );
    for (header, total) in [
        ("Số tiền (nghìn đồng)", "2003000"),
        ("Số tiền (ngàn đồng)", "2003000"),
        ("Số tiền (1.000 đ)", "2003000"),
        ("Thành tiền (Tr.đ)", "2003000000"),
        ("Số tiền (triệu đồng)", "2003000000"),
        ("Số tiền (tỷ đồng)", "2003000000000"),
        ("Số tiền (đồng)", "2003"),
        ("Kinh phí (VNĐ)", "2003"),
    ] {
        assert_eq!(
            scaled_total(&w, header, &["1,5", "1.000"]),
            format!("unit,measure,total,count\nHội Phụ nữ,VND,{total},4\n"),
            "{header}"
        );
    }
}

/// The same raw row, `05/03/2025;A;2`, in each of `files` (name, amount header, how many
/// times), read by `summary` in that order on one thread (so one fast lane learns the row in
/// one file and meets it again in the next), as CSV.
fn one_row_in_files(files: &[(&str, &str, usize)]) -> String {
    let w = Work::new();
    let mut args = vec!["summary"];
    for &(name, header, times) in files {
        let rows = "05/03/2025;A;2\n".repeat(times);
        w.file(name, format!("Ngày;Đơn vị;{header}\n{rows}"));
        args.push(name);
    }
    args.extend(["--format", "csv", "--threads", "1"]);
    w.run(&args).ok().to_string()
}

#[test]
fn a_scaled_amount_is_never_a_remembered_unscaled_one() {
    // The fast lane learns the row in the first file and must still multiply it in the second
    // (and not multiply it in a third, plain again).
    let out = one_row_in_files(&[
        ("plain.csv", "Số tiền", 2),
        ("scaled.csv", "Số tiền (nghìn đồng)", 2),
        ("plain2.csv", "Số tiền", 1),
    ]);
    assert_eq!(out, "unit,measure,total,count\nA,VND,4006,5\n");
}

#[test]
fn a_row_of_a_file_counting_workdays_is_never_a_remembered_row_of_money() {
    // The same raw cells (no measure of their own) in a file of money, one of workdays and one
    // of square metres: the fast lane learns them in each file apart, as each header says what
    // they count.
    let out = one_row_in_files(&[
        ("money.csv", "Số tiền", 2),
        ("days.csv", "Số lượng (ngày công)", 3),
        ("land.csv", "Số lượng (m2)", 1),
        ("money2.csv", "Số tiền", 1),
    ]);
    assert_eq!(
        out,
        "unit,measure,total,count\nA,VND,6,3\nA,workday,6,3\nA,m2,2,1\n"
    );
}

/// A text the fast lane knows, in a month it has not met: the group of that month is made
/// from the known one, and a month `--period` leaves out makes no group at all (not even an
/// empty one). One thread, so the rows are met in this order.
#[test]
fn a_known_text_in_a_new_month_lands_in_that_month_and_a_month_left_out_in_none() {
    let w = Work::new();
    let row = |date: &str, amount: u32| format!("{date},M1,U,A/B,F,S,{amount},VND,\n");
    let body: String = [
        ("2024-01-05", 1),
        ("2024-01-06", 2),
        ("2023-05-06", 4),
        ("2024-02-06", 8),
        ("2024-01-07", 16),
        ("2024-02-07", 32),
    ]
    .iter()
    .map(|&(date, amount)| row(date, amount))
    .collect();
    w.file(
        "l.csv",
        format!("date,model,unit,area,field,source,amount,measure,note\n{body}"),
    );
    let by_month = |extra: &[&str]| {
        let mut args = vec!["summary", "l.csv", "--by", "model,month", "--format", "csv"];
        args.extend_from_slice(&["--threads", "1"]);
        args.extend_from_slice(extra);
        w.run(&args).ok().to_string()
    };
    assert_eq!(
        by_month(&["--period", "2024"]),
        "model,month,measure,total,count\nM1,2024-01,VND,19,3\nM1,2024-02,VND,40,2\n"
    );
    assert_eq!(
        by_month(&[]),
        "model,month,measure,total,count\nM1,2023-05,VND,4,1\nM1,2024-01,VND,19,3\n\
         M1,2024-02,VND,40,2\n"
    );
}

/// The fast lane and the raw-text caches look up fewer rows while nothing they learn comes back
/// (every unit new), and all of them again once values repeat: either way each row is added up
/// once, as written. One thread sees all three stretches: new, repeating, new again.
#[test]
fn new_values_then_repeated_ones_then_new_again_are_each_counted_once() {
    let w = Work::new();
    let mut body = String::from("date,unit,amount\n");
    let mut want = std::collections::BTreeMap::<String, (u64, u64)>::new();
    let rows = (0..20_000u64)
        .map(|i| (format!("U{i:05}"), i + 1))
        .chain((0..20_000u64).map(|i| (format!("R  {}", i % 7), 1)))
        .chain((20_000..30_000u64).map(|i| (format!("U{i:05}"), i + 1)));
    for (unit, amount) in rows {
        body.push_str(&format!("2025-03-05,{unit},{amount}\n"));
        let e = want.entry(unit.replace("  ", " ")).or_default();
        *e = (e.0 + amount, e.1 + 1);
    }
    w.file("l.csv", body);
    let out = csv_by(&w, "l.csv", "unit", &["--threads", "1"]);
    let mut got: Vec<&str> = out.lines().skip(1).collect();
    got.sort_unstable();
    let mut wanted: Vec<String> = want
        .iter()
        .map(|(unit, (total, count))| format!("{unit},VND,{total},{count}"))
        .collect();
    wanted.sort_unstable();
    assert_eq!(got, wanted);
}

#[test]
fn a_header_unit_danvan_does_not_know_stops_the_run_naming_it() {
    let w = Work::new();
    w.file(
        "usd.csv",
        "Tiêu đề;;\nNgày;Đơn vị;Số tiền (triệu USD)\n05/03/2025;A;1\n",
    );
    let r = w.run(&["summary", "usd.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "danvan: usd.csv:2: Số tiền (triệu USD): the unit \"triệu USD\" in this header is \
             not one danvan knows, so the amounts cannot be read right; use đồng, nghìn đồng, \
             triệu đồng or tỷ đồng (or a measure such as ngày công or m2), or write the \
             amounts in đồng and leave the unit out\n"
        )
    );
    // The registry's target column too.
    w.file("l.csv", "date,amount,model\n2024-01-01,1,M1\n");
    w.file(
        "models.csv",
        "id,name,unit,year,Chỉ tiêu (nghìn USD)\nM1,A,U,2024,5\n",
    );
    let r = w.run(&["check", "l.csv", "--models", "models.csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(
            "danvan: models.csv:1: Chỉ tiêu (nghìn USD): the unit \"nghìn USD\" in this header"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn in_a_scaled_column_a_cell_with_its_own_unit_or_a_row_of_another_measure_is_refused() {
    let w = Work::new();
    w.file(
        "l.csv",
        "Ngày;Đơn vị;Số tiền (nghìn đồng);ĐVT\n\
         05/03/2025;A;500;\n\
         05/03/2025;A;5 triệu;\n\
         05/03/2025;A;500.000đ;\n\
         05/03/2025;A;12;ngày công\n",
    );
    let r = w.run(&["check", "l.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "l.csv:3: Số tiền (nghìn đồng): \"5 triệu\" has a unit of its own, but the header \
             already says the amounts are in nghìn đồng; write the number alone\n\
             l.csv:4: Số tiền (nghìn đồng): \"500.000đ\" has a unit of its own, but the header \
             already says the amounts are in nghìn đồng; write the number alone\n\
             l.csv:5: Số tiền (nghìn đồng): the header says the amounts are in nghìn đồng, but \
             this row counts \"workday\"; put money and other measures in separate columns or \
             files\n\
             3 problems, 0 warnings\n"
        )
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &["--skip-invalid"]),
        "unit,measure,total,count\nA,VND,500000,1\n"
    );
}

#[test]
fn a_measure_in_the_amount_header_is_the_measure_of_rows_that_name_none() {
    let w = Work::new();
    w.file(
        "l.csv",
        "Ngày;Đơn vị;Số lượng (ngày công);ĐVT\n\
         05/03/2025;A;12;\n05/03/2025;A;12;\n05/03/2025;A;300;m2\n",
    );
    // Another file with the same raw rows, whose empty measure is VND.
    w.file("vnd.csv", "Ngày;Đơn vị;Số lượng;ĐVT\n05/03/2025;A;12;\n");
    assert_eq!(
        csv_by(&w, "vnd.csv", "unit", &["--threads", "1"]),
        "unit,measure,total,count\nA,VND,12,1\n"
    );
    let r = w.run(&[
        "summary",
        "vnd.csv",
        "l.csv",
        "--format",
        "csv",
        "--threads",
        "1",
        "-q",
    ]);
    assert_eq!(
        r.ok(),
        "unit,measure,total,count\nA,VND,12,1\nA,workday,24,2\nA,m2,300,1\n"
    );
}

/// Issue 9.7: title rows, empty rows and Excel's `;;;;;;` rows above the header.
const TITLED: &str = "\u{feff}UBND PHƯỜNG YÊN GIANG;;;;;\r\n\
    BẢNG TỔNG HỢP KINH PHÍ VẬN ĐỘNG, NĂM 2025;;;;;\r\n\
    ;;;;;\r\n\
    \r\n\
    STT;Ngày;Đơn vị;Số tiền;Ghi chú;\r\n\
    1;05/03/2025;Hội Phụ nữ;1.200.000;\"Quà; Tết\";\r\n\
    2;31/02/2025;Hội Phụ nữ;800.000;;\r\n\
    3;06/03/2025;Đoàn Thanh niên;500.000;;\r\n";

#[test]
fn the_header_is_found_below_title_and_empty_rows_and_lines_stay_physical() {
    let w = Work::new();
    w.file("titled.csv", TITLED);
    let r = w.run(&["check", "titled.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "titled.csv:5: header: warning: the header is on this line; the 4 lines above it \
             (titles and empty rows) were left out (give --header-row N if another line is the \
             header)\n\
             titled.csv:7: Ngày: \"31/02/2025\" is not a real date\n\
             1 problem, 1 warning\n"
        )
    );
    let r = w.run(&["summary", "titled.csv", "--skip-invalid", "--format", "csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,measure,total,count\nĐoàn Thanh niên,VND,500000,1\nHội Phụ nữ,VND,1200000,1\n",
            "titled.csv:5: header: warning: the header is on this line; the 4 lines above it \
             (titles and empty rows) were left out (give --header-row N if another line is the \
             header)\n\
             warning: skipped: titled.csv:7: Ngày: \"31/02/2025\" is not a real date\n\
             rows read 3 = counted 2 + filtered 0 + rejected 1\n"
        )
    );
}

#[test]
fn the_delimiter_comes_from_the_header_row_not_from_a_title_above_it() {
    let w = Work::new();
    // The title has more `,` than the header has `;`, and the header a `,` in a name.
    w.file(
        "l.csv",
        "Báo cáo, tổng hợp, đóng góp, năm 2025, phường Yên Giang, thị xã Quảng Yên\n\
         Ngày;Số tiền;Ghi chú (a, b)\n\
         05/03/2025;1.200.000;x\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "year", &[]),
        "year,measure,total,count\n2025,VND,1200000,1\n"
    );
    // Nothing names the columns within the first 50 lines: the first line with anything in it
    // is taken as the header, and its missing columns are named.
    let far = format!("{}Ngày;Số tiền\n05/03/2025;1\n", "tiêu đề;\n".repeat(50));
    w.file("far.csv", far);
    let r = w.run(&["summary", "far.csv"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "danvan: far.csv:1: missing required column(s): date, amount\n"
        )
    );
    assert_eq!(
        csv_by(&w, "far.csv", "year", &["--header-row", "51"]),
        "year,measure,total,count\n2025,VND,1,1\n"
    );
}

#[test]
fn header_row_names_the_header_line_and_refuses_one_that_is_not_there() {
    let w = Work::new();
    // Two rows that both name the columns: the search takes the first; --header-row the other.
    w.file(
        "two.csv",
        "Ngày;Số tiền;Ghi chú\nNgày;Số tiền;Đơn vị\n05/03/2025;1.000.000;A\n",
    );
    assert_eq!(
        csv_by(&w, "two.csv", "unit", &["--header-row", "2"]),
        "unit,measure,total,count\nA,VND,1000000,1\n"
    );
    let r = w.run(&["summary", "two.csv", "--header-row", "2", "--format", "csv"]);
    // Given by hand, the header's line needs no note.
    assert_eq!(
        r.stderr,
        "rows read 1 = counted 1 + filtered 0 + rejected 0\n"
    );
    for (row, message) in [
        (
            "9",
            "danvan: two.csv: --header-row 9: the file has only 3 lines\n",
        ),
        (
            "0",
            "danvan: --header-row \"0\": give the line number of the header, 1 or more\n",
        ),
    ] {
        let r = w.run(&["summary", "two.csv", "--header-row", row]);
        assert_eq!((r.code, r.stderr.as_str()), (2, message));
    }
    w.file("gap.csv", "tiêu đề\n\nNgày;Số tiền\n");
    let r = w.run(&["summary", "gap.csv", "--header-row", "2"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "danvan: gap.csv: --header-row 2: that line is empty\n")
    );
}

/// Issue 9.10: the header names clerks use.
#[test]
fn header_names_clerks_use_are_recognised_and_stt_is_left_out_without_a_warning() {
    let w = Work::new();
    for (date, unit, amount) in [
        ("Ngày tháng", "Tên đơn vị", "Thành tiền"),
        ("Ngày nộp", "Tên đơn vị", "Kinh phí"),
        ("Ngày tháng", "Đơn vị", "Tổng tiền"),
        ("Ngày nộp", "Tên đơn vị", "Số tiền đóng góp"),
    ] {
        w.file(
            "l.csv",
            format!("STT;{date};{unit};{amount}\n1;05/03/2025;A;1.500.000\n2;06/03/2025;A;500\n"),
        );
        let r = w.run(&["summary", "l.csv", "--format", "csv"]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (
                0,
                "unit,measure,total,count\nA,VND,1500500,2\n",
                "rows read 2 = counted 2 + filtered 0 + rejected 0\n"
            ),
            "{date} {unit} {amount}"
        );
    }
}

#[test]
fn a_column_is_named_by_hand_with_column() {
    let w = Work::new();
    w.file(
        "l.csv",
        "Ngày;Chi hội;Số tiền;Giá trị quy đổi (nghìn đồng)\n\
         05/03/2025;Chi hội 1;9;1.500\n05/03/2025;Chi hội 2;9;2\n",
    );
    // Without it, the amount is `Số tiền` and the two other columns are unknown.
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &[]),
        "unit,measure,total,count\n,VND,18,2\n"
    );
    let r = w.run(&[
        "summary",
        "l.csv",
        "--column",
        "amount=giá trị quy đổi",
        "--column",
        "unit=Chi hội",
        "--format",
        "csv",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,measure,total,count\nChi hội 1,VND,1500000,1\nChi hội 2,VND,2000,1\n",
            "l.csv:1: header: warning: columns not recognised, ignored: \"Số tiền\"\n\
             rows read 2 = counted 2 + filtered 0 + rejected 0\n"
        )
    );
    for (args, message) in [
        (
            vec!["--column", "tiền=Giá trị"],
            "danvan: --column \"tiền=Giá trị\": use COLUMN=HEADER, e.g. amount=\"Giá trị quy \
             đổi\"; COLUMN is one of date, amount, measure, model, unit, area, field, source, \
             note\n",
        ),
        (
            vec!["--column", "amount=A", "--column", "amount=B"],
            "danvan: --column amount is given twice\n",
        ),
    ] {
        let r = w.run(&[&["summary", "l.csv"][..], &args].concat());
        assert_eq!((r.code, r.stderr.as_str()), (2, message), "{args:?}");
    }
}

/// Issue 9.11: Excel writes `;` exactly when the decimal mark is a comma.
#[test]
fn a_semicolon_file_of_amounts_that_read_two_ways_is_vietnamese_unless_it_says_otherwise() {
    let w = Work::new();
    w.file(
        "vi.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền\r\n05/03/2025;A;500.000\r\n06/03/2025;A;200.000\r\n",
    );
    assert_eq!(
        csv_by(&w, "vi.csv", "unit", &[]),
        "unit,measure,total,count\nA,VND,700000,2\n"
    );
    // A `,` file with the same amounts is still unsettled.
    w.file("comma.csv", "Ngày,Đơn vị,Số tiền\n05/03/2025,A,500.000\n");
    let r = w.run(&["summary", "comma.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // A `;` file whose own values are English (`106.8`) contradicts the `;`: refused as before.
    w.file(
        "en.csv",
        "Ngày;Đơn vị;Số tiền\n05/03/2025;A;106.8\n06/03/2025;A;500.000\n",
    );
    let r = w.run(&["summary", "en.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "en.csv:3: Số tiền: \"500.000\" reads two ways: 500000 (vi: '.' groups, ',' is the \
             decimal mark) or 500 (en: ',' groups, '.' is the decimal mark) and nothing in the \
             file settles it; give --number-format vi or en\n\
             danvan: 1 problem(s) in the data; nothing was written (fix them, or use \
             --skip-invalid)\n\
             rows read 2 = counted 1 + filtered 0 + rejected 1\n"
        )
    );
    // The flag still decides.
    assert_eq!(
        csv_by(&w, "vi.csv", "unit", &["--number-format", "en"]),
        "unit,measure,total,count\nA,VND,700,2\n"
    );
}

#[test]
fn defaults_set_once_in_a_settings_file_or_the_environment_and_flags_win() {
    let w = Work::new();
    w.file("comma.csv", "Ngày,Đơn vị,Số tiền\n05/03/2025,A,500.000\n");
    w.file("pipe.csv", "date|amount|model\n2024-01-01|1,5|m1\n");
    std::fs::create_dir_all(w.path("home/.config/danvan")).unwrap();
    std::fs::create_dir_all(w.path("office")).unwrap();
    w.file(
        "office/models.csv",
        "id|name|unit|year\nM1|A|Hội Phụ nữ|2024\n",
    );
    w.file(
        "home/.config/danvan/config.toml",
        "# ward office\nnumber_format = \"vi\"\nlanguage = \"en\"\n",
    );
    let plain = |w: &Work, file: &str, args: &[&str], env: &[(&str, &str)]| {
        let args = [&["summary", file, "--format", "csv", "-q"][..], args].concat();
        let r = w.run_with_env(&args, b"", env);
        (r.code, r.stdout, r.stderr)
    };
    let out = |text: &str| (0, text.to_string(), String::new());
    assert_eq!(
        plain(&w, "comma.csv", &[], &[]),
        out("unit,measure,total,count\nA,VND,500000,1\n")
    );
    assert_eq!(
        plain(&w, "comma.csv", &["--number-format", "en"], &[]),
        out("unit,measure,total,count\nA,VND,500,1\n")
    );
    assert_eq!(
        plain(&w, "comma.csv", &[], &[("DANVAN_NUMBER_FORMAT", "en")]),
        out("unit,measure,total,count\nA,VND,500,1\n")
    );
    // A settings file named by DANVAN_CONFIG: a registry relative to its folder, a delimiter.
    w.file(
        "office/danvan.toml",
        "delimiter = '|'\nmodels = \"models.csv\"\n",
    );
    let office = w.path("office/danvan.toml").to_string_lossy().into_owned();
    assert_eq!(
        plain(&w, "pipe.csv", &[], &[("DANVAN_CONFIG", &office)]),
        out("unit,measure,total,count\nHội Phụ nữ,VND,1.5,1\n")
    );
    // XDG_CONFIG_HOME is looked in before ~/.config.
    std::fs::create_dir_all(w.path("xdg/danvan")).unwrap();
    w.file("xdg/danvan/config.toml", "number_format = \"en\"\n");
    let xdg = w.path("xdg").to_string_lossy().into_owned();
    assert_eq!(
        plain(&w, "comma.csv", &[], &[("XDG_CONFIG_HOME", &xdg)]),
        out("unit,measure,total,count\nA,VND,500,1\n")
    );
    // A mistake in the file stops the run, naming the file and line.
    w.file(
        "home/.config/danvan/config.toml",
        "number_format = \"vi\"\nlanguage = \"fr\"\n",
    );
    let r = w.run(&["summary", "comma.csv"]);
    let file = w.path("home/.config/danvan/config.toml");
    assert_eq!(
        (r.code, r.stderr),
        (
            2,
            format!(
                "danvan: {}:2: language = \"fr\": use vi (tiếng Việt) or en (English)\n",
                file.display()
            )
        )
    );
}

/// Issue 9.12: a workbook given as a ledger is named as one, whatever its name.
#[test]
fn a_workbook_is_named_as_one_with_how_to_save_it_as_csv() {
    let w = Work::new();
    let xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    let xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00";
    let ods = b"PK\x03\x04\x14\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\
        \x00\x00\x00\x08\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK";
    for (name, bytes, what, how) in [
        (
            "so-sach.xlsx",
            &xlsx[..],
            "an Excel workbook (.xlsx)",
            "in Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\"",
        ),
        (
            "renamed.csv",
            &xlsx[..],
            "an Excel workbook (.xlsx)",
            "in Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\"",
        ),
        (
            "cu.xls",
            &xls[..],
            "an old Excel workbook (.xls)",
            "in Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\" (or \"CSV \
             (Comma delimited)\" in Excel 2013 and older, then --encoding windows-1258)",
        ),
        (
            "calc.ods",
            &ods[..],
            "a LibreOffice Calc spreadsheet (.ods)",
            "in LibreOffice Calc, File > Save As > \"Text CSV (.csv)\" with character set \
             Unicode (UTF-8)",
        ),
    ] {
        w.file(name, bytes);
        for args in [
            vec!["summary", name],
            vec!["summary", name, "--encoding", "windows-1258"],
        ] {
            let r = w.run(&args);
            assert_eq!(
                (r.code, r.stdout.as_str(), r.stderr),
                (
                    2,
                    "",
                    format!(
                        "danvan: {name}: this is {what}, not a CSV file: danvan reads CSV. Save \
                         the sheet as CSV ({how}) and give danvan the .csv file\n"
                    )
                ),
                "{args:?}"
            );
        }
    }
}

#[test]
fn with_encoding_a_utf8_file_is_still_read_as_utf8_and_says_so() {
    let w = Work::new();
    w.fixture("windows-1258.csv");
    w.file(
        "utf8.csv",
        "Ngày;Đơn vị;Số tiền\n05/03/2025;Hội Phụ nữ;1.000.000\n",
    );
    let r = w.run(&[
        "summary",
        "utf8.csv",
        "windows-1258.csv",
        "--encoding",
        "windows-1258",
        "--format",
        "csv",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,measure,total,count\nĐoàn Thanh niên,VND,500000,1\nHội Phụ nữ,VND,3000000,3\n",
            "utf8.csv:1: file: warning: this file is UTF-8, not windows-1258: read as UTF-8 \
             (--encoding applies to files that are not UTF-8)\n\
             rows read 4 = counted 4 + filtered 0 + rejected 0\n"
        )
    );
    // Standard input too, judged by its first bytes.
    let r = w.run_with_stdin(
        &["summary", "-", "--encoding", "cp1258", "--format", "csv"],
        "Ngày;Đơn vị;Số tiền\n05/03/2025;Hội Phụ nữ;1.000.000\n".as_bytes(),
    );
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "unit,measure,total,count\nHội Phụ nữ,VND,1000000,1\n",
            "<stdin>:1: file: warning: this file is UTF-8, not windows-1258: read as UTF-8 \
             (--encoding applies to files that are not UTF-8)\n\
             rows read 1 = counted 1 + filtered 0 + rejected 0\n"
        )
    );
    // A plain ASCII file reads the same either way: nothing to say.
    w.file("ascii.csv", "date,amount\n2024-01-01,5\n");
    let r = w.run(&[
        "summary",
        "ascii.csv",
        "--encoding",
        "windows-1258",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.stderr,
        "rows read 1 = counted 1 + filtered 0 + rejected 0\n"
    );
}

#[test]
fn an_amount_that_reads_two_ways_in_a_scaled_column_is_scaled_both_ways() {
    let w = Work::new();
    w.file("amb.csv", "Ngày,Số tiền (triệu đồng)\n05/03/2025,1.200\n");
    let r = w.run(&["summary", "amb.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "amb.csv:2: Số tiền (triệu đồng): \"1.200\" reads two ways: 1200000000 (vi: '.' \
             groups, ',' is the decimal mark) or 1200000 (en: ',' groups, '.' is the decimal \
             mark) and nothing in the file settles it; give --number-format vi or en\n\
             danvan: 1 problem(s) in the data; nothing was written (fix them, or use \
             --skip-invalid)\n\
             rows read 1 = counted 0 + filtered 0 + rejected 1\n"
        )
    );
    // Settled by the file's own `2,5` (vi), the pending sums are the scaled ones.
    w.file(
        "amb.csv",
        "Ngày,Số tiền (triệu đồng)\n05/03/2025,1.200\n05/03/2025,\"2,5\"\n",
    );
    assert_eq!(
        csv_by(&w, "amb.csv", "year", &[]),
        "year,measure,total,count\n2025,VND,1202500000,2\n"
    );
}

/// Issue 9, point 2: subtotals typed with a date, in the unit, area or source column, are typed
/// totals rows; names that only start like a label (`Cộng Hòa`, `Cộng đồng dân cư`) and notes
/// stay counted. The run groups by unit, so the area and source columns are not read for the
/// report: row 7 repeats row 2's unit and area and differs only by its source, `Cộng quý I`.
#[test]
fn dated_subtotal_rows_are_totals_rows_in_any_text_column() {
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}Ngày;Đơn vị;Địa bàn;Nguồn;Số tiền;Ghi chú\r\n\
         05/03/2025;Hội Phụ nữ;Cộng Hòa/Khu 1;Nhân dân;1.000.000;Cộng dồn\r\n\
         06/03/2025;Cộng đồng dân cư;Yên Giang;Nhân dân;2.000.000;\r\n\
         31/03/2025;Cộng tháng 3;;;3.000.000;\r\n\
         31/03/2025;;Lũy kế từ đầu năm;;3.000.000;\r\n\
         31/03/2025;TỔNG SỐ;;;3.000.000;\r\n\
         31/03/2025;Hội Phụ nữ;Cộng Hòa/Khu 1;Cộng quý I;3.000.000;\r\n\
         ;Tổng cộng;;;3.000.000;\r\n",
    );
    let r = w.run(&["summary", "l.csv", "--threads", "1"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let label = |line: u32, column: &str, word: &str| {
        format!(
            "l.csv:{line}: {column}: typed totals row (\"{word}\"): remove it, danvan adds up \
             the rows itself\n"
        )
    };
    assert_eq!(
        r.stderr,
        [
            label(4, "Đơn vị", "Cộng tháng 3"),
            label(5, "Địa bàn", "Lũy kế từ đầu năm"),
            label(6, "Đơn vị", "TỔNG SỐ"),
            label(7, "Nguồn", "Cộng quý I"),
            label(8, "Ngày", "Tổng cộng"),
            "danvan: 5 problem(s) in the data; nothing was written (fix them, or use \
             --skip-invalid)\n"
                .to_string(),
            "rows read 7 = counted 2 + filtered 0 + rejected 5\n".to_string(),
        ]
        .concat()
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &["--skip-invalid", "--threads", "1"]),
        "unit,measure,total,count\nCộng đồng dân cư,VND,2000000,1\nHội Phụ nữ,VND,1000000,1\n"
    );
    // `check` reads every column in full and says the same.
    let r = w.run(&["check", "l.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(&label(7, "Nguồn", "Cộng quý I")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with("5 problems, 0 warnings\n"),
        "{}",
        r.stdout
    );
}

/// Issue 9, point 4: scale and currency words typed decomposed (Unikey's "Unicode tổ hợp") read
/// like composed ones, and a message quotes the cell as typed, never as `\u{323}` escapes.
#[test]
fn decomposed_scale_and_currency_words_read_and_are_quoted_as_typed() {
    use unicode_normalization::UnicodeNormalization;
    let nfd = |s: &str| s.nfd().collect::<String>();
    let w = Work::new();
    w.file(
        "l.csv",
        format!(
            "\u{feff}Ngày;Đơn vị;Số tiền\r\n\
             05/03/2025;A;{}\r\n05/03/2025;A;{}\r\n05/03/2025;A;{}\r\n05/03/2025;A;{}\r\n",
            nfd("3 triệu"),
            nfd("2 tỷ"),
            nfd("5 nghìn đồng"),
            nfd("1.200.000 đồng"),
        ),
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &[]),
        "unit,measure,total,count\nA,VND,2004205000,4\n"
    );
    let bad = nfd("3 triệu cái");
    w.file(
        "bad.csv",
        format!(
            "Ngày;Đơn vị;Số tiền;ĐVT\r\n05/03/2025;A;{bad};\r\n05/03/2025;A;{};{}\r\n",
            nfd("5 triệu đồng"),
            nfd("ngày công")
        ),
    );
    let r = w.run(&["check", "bad.csv"]);
    assert_eq!(
        (r.code, r.stdout),
        (
            1,
            format!(
                "bad.csv:2: Số tiền: cannot read \"{bad}\" as a number\n\
                 bad.csv:3: Số tiền: \"{}\" carries a currency mark but the measure is \
                 \"workday\"\n\
                 2 problems, 0 warnings\n",
                nfd("5 triệu đồng")
            )
        )
    );
    // In Vietnamese too: the cell as typed, never escapes.
    let r = w.run(&["check", "bad.csv", "--lang", "vi"]);
    assert_eq!(
        (r.code, r.stdout),
        (
            1,
            format!(
                "bad.csv:2: Số tiền: không đọc được \"{bad}\" thành số\n\
                 bad.csv:3: Số tiền: \"{}\" có ký hiệu tiền tệ nhưng đơn vị tính là \
                 \"ngày công\"\n\
                 2 lỗi, 0 cảnh báo\n",
                nfd("5 triệu đồng")
            )
        )
    );
}

/// Issue 9, point 9: accounting amounts. `(500.000)` and `1.200.000-` are negative, a lone `-`
/// (Excel's accounting zero, with or without `đ`) is zero; scale words and currency marks may
/// stand inside the parentheses or after them.
#[test]
fn accounting_negatives_and_zero_dashes() {
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền\r\n\
         05/03/2025;A;10.000.000\r\n\
         05/03/2025;A;(500.000)\r\n\
         05/03/2025;A;-\r\n\
         05/03/2025;A; - \r\n\
         05/03/2025;A;- đ\r\n\
         05/03/2025;A;1.200.000-\r\n\
         05/03/2025;A;(2 triệu) đồng\r\n\
         05/03/2025;A;500.000 đ\r\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "unit", &[]),
        "unit,measure,total,count\nA,VND,6800000,8\n"
    );
    // Two signs are refused, not guessed at.
    w.file(
        "bad.csv",
        "Ngày;Đơn vị;Số tiền\r\n05/03/2025;A;(-500.000)\r\n05/03/2025;A;-5-\r\n",
    );
    let r = w.run(&["check", "bad.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "bad.csv:2: Số tiền: cannot read \"(-500.000)\" as a number\n\
             bad.csv:3: Số tiền: cannot read \"-5-\" as a number\n\
             2 problems, 0 warnings\n"
        )
    );
}

/// Issue 9, point 8: dates as Excel writes them. A time with `SA`/`CH` (Vietnamese AM/PM),
/// `AM`/`PM` or a zone after the date is ignored; a two-digit year is 20xx.
#[test]
fn dates_and_times_as_excel_writes_them() {
    let w = Work::new();
    w.file(
        "l.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền\r\n\
         05/03/2025 12:00:00 SA;A;1\r\n\
         05/03/2025 1:30:00 CH;A;2\r\n\
         06/03/2025 8:30 AM;A;4\r\n\
         2025-03-07T08:30:00Z;A;8\r\n\
         2025-04-01T23:30:00+07:00;A;16\r\n\
         05/04/25;A;32\r\n\
         31/12/24;A;64\r\n",
    );
    assert_eq!(
        csv_by(&w, "l.csv", "month", &[]),
        "month,measure,total,count\n2024-12,VND,64,1\n2025-03,VND,15,4\n2025-04,VND,48,2\n"
    );
    w.file(
        "bad.csv",
        "Ngày;Số tiền\r\n05/03/2025 8:30 XA;1\r\n05/03/2025 SA;1\r\n05/03/025;1\r\n",
    );
    let r = w.run(&["check", "bad.csv"]);
    let unreadable = |line: u32, cell: &str| {
        format!(
            "bad.csv:{line}: Ngày: cannot read \"{cell}\" as a date (write day first: 15/03/2024, \
             or 2024-03-15)\n"
        )
    };
    assert_eq!(
        (r.code, r.stdout),
        (
            1,
            [
                unreadable(2, "05/03/2025 8:30 XA"),
                unreadable(3, "05/03/2025 SA"),
                unreadable(4, "05/03/025"),
                "3 problems, 0 warnings\n".to_string(),
            ]
            .concat()
        )
    );
}

/// Issue 9, point 8: a date column Excel exported as serial day numbers reads when every date of
/// the file is one (45658 is 01/01/2025 in Excel), and says so once; a serial among dates
/// written as text is an error naming its line, in any file of the run, decided per file.
#[test]
fn excel_serial_dates_only_in_a_file_of_serials() {
    let w = Work::new();
    w.file(
        "serial.csv",
        "\u{feff}Ngày;Đơn vị;Số tiền\r\n45658;A;1\r\n45721;A;2\r\n45721,5;A;4\r\n45747;B;8\r\n",
    );
    let r = w.run(&[
        "summary",
        "serial.csv",
        "--by",
        "unit,month",
        "--format",
        "csv",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "unit,month,measure,total,count\n\
             A,2025-01,VND,1,1\n\
             A,2025-03,VND,6,2\n\
             B,2025-03,VND,8,1\n"
        )
    );
    assert_eq!(
        r.stderr,
        "serial.csv:1: Ngày: warning: every date is an Excel serial day number (4 rows), read \
         as one: \"45658\" is 2025-01-01\n\
         rows read 4 = counted 4 + filtered 0 + rejected 0\n"
    );
    // Chunks and threads do not change what a file is decided to be.
    let r2 = w.run(&[
        "summary",
        "serial.csv",
        "--by",
        "unit,month",
        "--format",
        "csv",
        "--chunk-bytes",
        "5",
        "--threads",
        "2",
    ]);
    assert_eq!((r2.stdout, r2.stderr), (r.stdout, r.stderr));
    // A serial date and an amount that reads two ways wait for the same file: settled by the
    // file's other values, or refused for both reasons. (Commas: a `;` would settle it as vi.)
    w.file(
        "both.csv",
        "Ngày,Đơn vị,Số tiền\r\n45721,A,1.200\r\n45722,A,7\r\n",
    );
    let r = w.run(&["check", "both.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "both.csv:1: Ngày: warning: every date is an Excel serial day number (2 rows), read \
             as one: \"45721\" is 2025-03-05\n\
             both.csv:2: Số tiền: \"1.200\" reads two ways: 1200 (vi: '.' groups, ',' is the \
             decimal mark) or 1.2 (en: ',' groups, '.' is the decimal mark) and nothing in the \
             file settles it; give --number-format vi or en\n\
             1 problem, 1 warning\n"
        )
    );
    assert_eq!(
        csv_by(&w, "both.csv", "month", &["--number-format", "vi"]),
        "month,measure,total,count\n2025-03,VND,1207,2\n"
    );
    // The same numbers among dates written as text: each is refused, naming its line; the
    // file with only serials still reads.
    w.file(
        "mixed.csv",
        "Ngày;Đơn vị;Số tiền\r\n05/03/2025;A;1\r\n45721;A;2\r\n06/03/2025;A;4\r\n",
    );
    // `check` reads every row in full, the same way.
    let r = w.run(&["check", "mixed.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "mixed.csv:3: Ngày: \"45721\" is an Excel serial day number (2025-03-05), but \
             other rows of this file write their dates as text; write this one as a date too\n\
             1 problem, 0 warnings\n"
        )
    );
    let r = w.run(&[
        "summary",
        "mixed.csv",
        "serial.csv",
        "--skip-invalid",
        "--format",
        "csv",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "unit,measure,total,count\nA,VND,12,5\nB,VND,8,1\n")
    );
    assert_eq!(
        r.stderr,
        "serial.csv:1: Ngày: warning: every date is an Excel serial day number (4 rows), read \
         as one: \"45658\" is 2025-01-01\n\
         warning: skipped: mixed.csv:3: Ngày: \"45721\" is an Excel serial day number \
         (2025-03-05), but other rows of this file write their dates as text; write this one as \
         a date too\n\
         rows read 7 = counted 6 + filtered 0 + rejected 1\n"
    );
}

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

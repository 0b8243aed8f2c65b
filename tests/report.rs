//! `danvan report`: the year-end report. Its figures are `summary`'s for the same ledgers (the
//! tests compute both); rows outside the year and the year before are counted as filtered; the
//! HTML is one self-contained page that shows hostile ledger text as text; results rows that name
//! an unknown model or hold no number are refused like any problem; the workbook's totals are
//! numbers; a Markdown snapshot of the report of `data/`. Every `report` test belongs here.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{Work, sample};
use std::io::Cursor;

/// Two years of rows and one outside them, on a few units, areas, fields, sources and models.
const LEDGER: &str = "date,model,unit,area,field,source,amount,measure\n\
    2024-01-15,M1,,,,Nhân dân,100,\n\
    2024-01-20,M1,,,,Doanh nghiệp,50.5,VND\n\
    2024-03-02,M2,,,,Nhân dân,300,\n\
    2024-03-09,,C,Y/Khu 1,Xã hội,Nhà hảo tâm,7,\n\
    2024-11-30,M2,,,,,4,ngày công\n\
    2023-06-01,M1,,,,Nhân dân,80,\n\
    2023-07-01,,C,Y,Xã hội,,20,\n\
    2022-12-31,M1,,,,,999,\n";

const REGISTRY: &str = "id,name,unit,year,area,field,target\n\
    M1,Một,A,2024,X/Thôn 1,Kinh tế,200\n\
    M2,Hai,B,2024,X/Thôn 2,Văn hóa,\n\
    M0,Cũ,A,2023,X,Kinh tế,50\n";

const RESULTS: &str = "model,indicator,value,unit\n\
    M1,Đường bê tông,326,m\n\
    M2,Chuyển sang SIM 4G,\"96,5\",%\n";

fn work() -> Work {
    let w = Work::new();
    w.file("l.csv", LEDGER)
        .file("r.csv", REGISTRY)
        .file("res.csv", RESULTS);
    w
}

fn report(w: &Work, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "report",
        "--year",
        "2024",
        "--models",
        "r.csv",
        "--results",
        "res.csv",
        "l.csv",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// The Markdown table of `summary ARGS` over the same files, for 2024.
fn summary_table(w: &Work, args: &[&str]) -> String {
    let mut all = vec![
        "summary", "l.csv", "--models", "r.csv", "--period", "2024", "--format", "md", "-q",
    ];
    all.extend_from_slice(args);
    w.run(&all).ok().to_string()
}

#[test]
fn every_table_of_the_report_is_summarys_table_for_the_year() {
    let w = work();
    let r = report(&w, &[]);
    let md = r.ok();
    for (heading, args) in [
        ("## Totals by unit", vec!["--by", "unit"]),
        ("## Totals by area", vec!["--by", "area", "--tree"]),
        ("## Totals by field", vec!["--by", "field"]),
        ("## Totals by source", vec!["--by", "source"]),
        ("## Month by month, 2024", vec!["--by", "month"]),
    ] {
        let want = format!("{heading}\n\n{}", summary_table(&w, &args));
        assert!(md.contains(&want), "{heading}: want\n{want}\nin\n{md}");
    }
    // The previous year, as `summary --columns year --change` shows it.
    let compared = w
        .run(&[
            "summary",
            "l.csv",
            "--models",
            "r.csv",
            "--period",
            "2023..2024",
            "--by",
            "unit",
            "--columns",
            "year",
            "--change",
            "--format",
            "md",
            "-q",
        ])
        .ok()
        .to_string();
    assert!(
        md.contains(&format!("## Compared with 2023\n\n{compared}")),
        "{md}"
    );
    // Plan against actual: `models` for the models registered in 2024.
    let models = w
        .run(&[
            "models",
            "--models",
            "r.csv",
            "l.csv",
            "--period",
            "2024",
            "--where",
            "year=2024",
            "--format",
            "md",
            "-q",
        ])
        .ok()
        .to_string();
    assert!(
        md.contains(&format!("## Plan against actual, by unit\n\n{models}")),
        "{md}"
    );
}

#[test]
fn the_headline_adds_up_each_measure_and_compares_with_the_year_before() {
    let w = work();
    let md = report(&w, &[]).ok().to_string();
    assert!(
        md.contains(
            "| figure | 2024 | 2023 | change % |\n\
             | --- | ---: | ---: | ---: |\n\
             | Models registered | 2 | 1 | 100.00 |\n\
             | Units registering them | 2 | 1 | 100.00 |\n\
             | VND mobilized | 457.5 | 100 | 357.50 |\n\
             | Work-days | 4 | 0 |  |\n\
             | m² of land | 0 | 0 |  |\n\
             | Contributions counted | 5 | 2 | 150.00 |\n"
        ),
        "{md}"
    );
}

#[test]
fn rows_outside_the_year_and_the_one_before_are_counted_as_filtered() {
    let w = work();
    let r = report(&w, &[]);
    assert_eq!(
        r.stderr,
        "rows read 8 = counted 7 + filtered 1 + rejected 0\n"
    );
    let md = r.ok();
    assert!(
        md.contains(
            "rows read 8 = counted 7 + filtered 1 + rejected 0\n\n\
             Filtered rows are dated outside 2023–2024.\n"
        ),
        "{md}"
    );
}

#[test]
fn the_audit_trail_lists_each_input_with_its_rows_and_sha256_and_the_command() {
    let w = work();
    let md = report(&w, &[]).ok().to_string();
    let sha = |name: &str| {
        use sha2::{Digest, Sha256};
        Sha256::digest(w.read(name).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let want = format!(
        "| file | what | rows | SHA-256 |\n\
         | --- | --- | ---: | --- |\n\
         | l.csv | ledger | 8 | {} |\n\
         | r.csv | registry | 3 | {} |\n\
         | res.csv | results | 2 | {} |\n",
        sha("l.csv"),
        sha("r.csv"),
        sha("res.csv")
    );
    assert!(md.contains(&want), "{md}");
    assert!(
        md.contains("```sh\ndanvan report --year 2024 --models r.csv --results res.csv l.csv\n```"),
        "{md}"
    );
}

/// The ledgers are hashed as the engine reads them (one read of each file): the audit trail must
/// still give `sha256sum`'s hash of each file as stored, whatever the reader skipped or decoded
/// (a BOM, title rows above the header, UTF-16) and however many chunks and reads a big file
/// takes.
#[test]
fn the_audit_trail_hashes_each_ledger_as_stored_whatever_its_shape_or_size() {
    let w = work();
    let titled = "\u{feff}UBND PHƯỜNG YÊN GIANG\r\n;;;\r\nngày;mã mô hình;số tiền\r\n\
                  15/01/2024;M1;1.250.000\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "date,model,amount\n2024-02-01,M2,5\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    // Over 2 MiB: several chunks and reads of the file.
    let mut big = String::from("date,model,amount,note\n");
    for i in 0..60_000 {
        big.push_str(&format!(
            "2024-03-{:02},M1,{}.5,ghi chú {i}\n",
            i % 28 + 1,
            i % 97
        ));
    }
    w.file("titled.csv", titled)
        .file("utf16.csv", &utf16)
        .file("big.csv", &big);
    let ledgers = ["l.csv", "titled.csv", "utf16.csv", "big.csv"];
    let mut args = vec![
        "report", "--year", "2024", "--models", "r.csv", "--format", "md",
    ];
    args.extend_from_slice(&ledgers);
    let md = w.run(&args).ok().to_string();
    for name in ledgers.iter().chain(&["r.csv"]) {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(w.path(name)).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            md.contains(&format!("| {hex} |")),
            "{name}: {hex} not in\n{md}"
        );
    }
}

#[test]
fn results_are_shown_model_by_model_and_never_added_up() {
    let w = work();
    let md = report(&w, &[]).ok().to_string();
    assert!(
        md.contains(
            "## Results of the models\n\n\
             | model | name | indicator | value | unit |\n\
             | --- | --- | --- | ---: | --- |\n\
             | M1 | Một | Đường bê tông | 326 | m |\n\
             | M2 | Hai | Chuyển sang SIM 4G | 96.5 | % |\n\n"
        ),
        "{md}"
    );
}

#[test]
fn top_models_rank_by_vnd_with_their_names_and_leave_rows_without_a_model_aside() {
    let w = work();
    let md = report(&w, &[]).ok().to_string();
    assert!(
        md.contains(
            "| model | name | VND | rows | workday | rows |\n\
             | --- | --- | ---: | ---: | ---: | ---: |\n"
        ) || md.contains("| model | name | VND | workday | rows |\n"),
        "{md}"
    );
    assert!(
        md.contains("| M2 | Hai | 300 | 4 | 2 |\n| M1 | Một | 150.5 |  | 2 |\n"),
        "{md}"
    );
    assert!(
        md.contains("1 contribution row(s) name no model (7 VND)"),
        "{md}"
    );
}

#[test]
fn a_results_row_with_an_unknown_model_or_no_number_is_refused_and_nothing_is_written() {
    let w = work();
    w.file(
        "res.csv",
        "model,indicator,value,unit\nM9,Đường,326,m\nM1,SIM 4G,96 phần trăm,%\nM1,,3,m\n",
    );
    let r = report(&w, &["-o", "out.html"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "res.csv:2: model: model \"M9\" is not in the registry\n\
         res.csv:3: value: cannot read \"96 phần trăm\" as a number; write the number alone \
         (96 or 89,5) and what it counts in the unit column (%, m)\n\
         res.csv:4: indicator: indicator is missing\n\
         danvan: 3 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
         rows read 8 = counted 7 + filtered 1 + rejected 0\n"
    );
    assert!(!w.exists("out.html"));
}

#[test]
fn usage_errors_are_exit_2_before_anything_is_read() {
    let w = work();
    for (args, message) in [
        (
            vec!["-o", "report.txt"],
            "danvan: report.txt: the report is written as .html, .md or .xlsx; name the file so, or give --format\n",
        ),
        (
            vec!["--format", "csv"],
            "danvan: the report is written as html, md or xlsx, not as a table, CSV or JSON\n",
        ),
    ] {
        let r = report(&w, &args);
        assert_eq!((r.code, r.stderr.as_str()), (2, message), "{args:?}");
        assert_eq!(r.stdout, "");
    }
    let r = w.run(&["report", "--year", "2024", "--results", "res.csv", "l.csv"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "danvan: --results names models: give the registry with --models too\n"
        )
    );
    // With --format, any file name will do.
    let r = report(&w, &["-o", "report.txt", "--format", "md"]);
    r.ok();
    assert!(w.read("report.txt").starts_with("# Year-end report 2024\n"));
}

/// Names a clerk's ledger should never hold, in every text column the report shows.
const HOSTILE: &str = "date,unit,area,field,source,amount\n\
    2024-02-01,<script>alert(1)</script>,<img src=x onerror=alert(2)>,\"a\"\"b'c&d\",=HYPERLINK(\"http://x\"),100\n\
    2024-03-01,</table><b>bold</b>,Y/<svg onload=alert(3)>,Xã hội,Nhân dân,50\n";

#[test]
fn the_html_is_one_page_with_no_outside_reference_that_shows_hostile_text_as_text() {
    let w = Work::new();
    w.file("h.csv", HOSTILE);
    let r = w.run(&["report", "--year", "2024", "h.csv", "-o", "r.html", "-q"]);
    r.ok();
    let html = w.read("r.html");
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{html}"
    );
    // No markup from the ledger: every tag in the page is one danvan writes.
    let tags: std::collections::BTreeSet<&str> = html
        .split('<')
        .skip(1)
        .map(|t| {
            t.trim_start_matches('/')
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("")
        })
        .collect();
    let ours: std::collections::BTreeSet<&str> = [
        "", "DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "header", "h1",
        "h2", "p", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "svg", "g",
        "text", "rect", "line", "pre", "footer",
    ]
    .into_iter()
    .collect();
    assert!(tags.is_subset(&ours), "{:?}", tags.difference(&ours));
    // Outside the ledger's own text (shown escaped), nothing that loads or runs anything.
    let outside = html
        .replace("&lt;img src=x onerror=alert(2)&gt;", "")
        .replace("&lt;svg onload=alert(3)&gt;", "");
    for never in [
        "<script", "<img", "<b>", "onerror=", "onload=", "src=", "href=", "url(",
    ] {
        assert!(!outside.contains(never), "{never} in\n{html}");
    }
    // The text itself is there, escaped, in the table and in the chart's labels.
    let shown = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(
        html.matches(shown).count() >= 3,
        "table, chart label, tooltip: {html}"
    );
    assert!(html.contains("&lt;/table&gt;&lt;b&gt;bold&lt;/b&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("a&quot;b'c&amp;d"));
    // The only "http" is the ledger's own text, shown.
    assert_eq!(
        html.matches("http").count(),
        html.matches("HYPERLINK(&quot;http://x&quot;)").count()
    );
}

#[test]
fn the_sample_report_has_three_charts_and_no_http_at_all() {
    let w = Work::new();
    let r = w.run(&[
        "report",
        "--year",
        "2024",
        "--models",
        &sample("models.csv"),
        "--results",
        &sample("results.csv"),
        &sample("contributions.csv"),
        "-o",
        "r.html",
    ]);
    r.ok();
    let html = w.read("r.html");
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(!html.to_lowercase().contains("http"));
    assert!(html.contains("@page { size: A4"));
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook calamine reads")
}

#[test]
fn the_workbook_has_a_sheet_per_part_with_numbers_as_numbers() {
    let w = work();
    report(&w, &["-o", "r.xlsx"]).ok();
    let mut book = workbook(std::fs::read(w.path("r.xlsx")).unwrap());
    assert_eq!(
        book.sheet_names(),
        [
            "Headline",
            "By unit",
            "By area",
            "By field",
            "By source",
            "By month",
            "Top 10 models",
            "Plan vs actual",
            "Compared with 2023",
            "Results",
            "Audit trail"
        ]
    );
    let by_unit = book.worksheet_range("By unit").unwrap();
    let rows: Vec<Vec<Data>> = by_unit.rows().map(|r| r.to_vec()).collect();
    use Data::{Empty as E, Float as F, String as S};
    assert_eq!(
        rows,
        vec![
            vec![
                S("unit".into()),
                S("VND".into()),
                S("workday".into()),
                S("rows".into())
            ],
            vec![S("A".into()), F(150.5), E, F(2.0)],
            vec![S("B".into()), F(300.0), F(4.0), F(2.0)],
            vec![S("C".into()), F(7.0), E, F(1.0)],
            vec![S("Total".into()), F(457.5), F(4.0), F(5.0)],
        ]
    );
    let styles = book.worksheet_style("By unit").unwrap();
    let format = |r: u32, c: u32| {
        styles
            .get((r, c))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
    };
    assert_eq!(format(1, 1).as_deref(), Some("#,##0.0"));
    assert_eq!(format(2, 1).as_deref(), Some("#,##0"));
    let bold = |r: u32, c: u32| {
        styles
            .get((r, c))
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.is_bold())
    };
    assert!(bold(0, 0) && bold(0, 1) && !bold(1, 0));
    let results = book.worksheet_range("Results").unwrap();
    assert_eq!(results.get((2, 3)), Some(&F(96.5)));
    assert_eq!(results.get((2, 4)), Some(&S("%".into())));
}

#[test]
fn markdown_snapshot_of_the_report_of_the_sample() {
    let w = Work::new();
    for name in ["contributions.csv", "models.csv", "results.csv"] {
        w.file(name, std::fs::read(sample(name)).unwrap());
    }
    let r = w.run(&[
        "report",
        "--year",
        "2024",
        "--models",
        "models.csv",
        "--results",
        "results.csv",
        "contributions.csv",
    ]);
    insta::assert_snapshot!("report_of_the_sample", r.ok());
}

/// The same report in Vietnamese: headings, sheet and figure names, `481.000.000`, the
/// Vietnamese order of names, the reconciliation line; and the workbook's sheets are named in
/// Vietnamese too, with the same figures as numbers.
#[test]
fn the_report_speaks_vietnamese_under_lang_vi() {
    let w = Work::new();
    for name in ["contributions.csv", "models.csv", "results.csv"] {
        w.file(name, std::fs::read(sample(name)).unwrap());
    }
    let args = [
        "report",
        "--year",
        "2024",
        "--models",
        "models.csv",
        "--results",
        "results.csv",
        "contributions.csv",
        "--lang",
        "vi",
    ];
    let r = w.run(&args);
    insta::assert_snapshot!("report_of_the_sample_vi", r.ok());
    assert_eq!(r.stderr, "đã đọc 9 dòng = tính 9 + lọc 0 + loại 0\n");
    let mut html = args.to_vec();
    html.extend(["-o", "bao-cao.html", "-q"]);
    w.run(&html).ok();
    let page = w.read("bao-cao.html");
    assert!(page.contains("<html lang=\"vi\""), "{page}");
    assert!(page.contains("1.938.000.000"), "{page}");
    // Column labels of the month chart abbreviate triệu as offices do.
    assert!(page.contains(">456,8 tr<"), "{page}");
    let mut xlsx = args.to_vec();
    xlsx.extend(["-o", "bao-cao.xlsx", "-q"]);
    w.run(&xlsx).ok();
    let book = common::workbook(&w.path("bao-cao.xlsx"));
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"Theo đơn vị"), "{names:?}");
    let by_unit = &book.iter().find(|(n, _)| n == "Theo đơn vị").unwrap().1;
    assert_eq!(
        by_unit.last().map(|row| row[1].clone()),
        Some(Data::Float(1_938_000_000.0))
    );
}

/// Amounts that read two ways wait for their file's convention; once settled they land in every
/// section (by unit, by month…) as `summary` puts them, and threads or chunk sizes change nothing.
#[test]
fn settled_two_way_amounts_reach_every_section_whatever_the_threads() {
    let w = Work::new();
    let mut ledger = String::from("Ngày;Đơn vị;Số tiền\n");
    for i in 0..60 {
        let amount = if i % 3 == 0 { "1.200" } else { "1.500.000" };
        ledger.push_str(&format!(
            "{:02}/{:02}/2024;U{};{amount}\n",
            1 + i % 28,
            1 + i % 12,
            i % 4
        ));
    }
    ledger.push_str("05/05/2023;U1;2.000\n");
    w.file("l.csv", &ledger);
    let run = |extra: &[&str]| {
        let mut args = vec!["report", "--year", "2024", "l.csv", "-q"];
        args.extend_from_slice(extra);
        let md = w.run(&args).ok().to_string();
        md[..md.find("## Audit trail").unwrap()].to_string()
    };
    let one = run(&["--threads", "1"]);
    assert_eq!(one, run(&["--threads", "2", "--chunk-bytes", "64"]));
    for (heading, by) in [
        ("## Totals by unit", "unit"),
        ("## Month by month, 2024", "month"),
    ] {
        let summary = w
            .run(&[
                "summary", "l.csv", "--period", "2024", "--by", by, "--format", "md", "-q",
            ])
            .ok()
            .to_string();
        assert!(
            one.contains(&format!("{heading}\n\n{summary}")),
            "{by}:\n{one}"
        );
    }
    assert!(
        one.contains("| VND mobilized | 60,024,000 | 2,000 | 3001100.00 |"),
        "{one}"
    );
}

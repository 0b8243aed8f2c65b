//! Hostile input and output guarantees: inputs that must end in a clear message (exit 0, 1 or
//! 2, never a panic) and bounded memory under a cap; spreadsheet-safe CSV (formula
//! neutralization); outputs written whole or not at all, never over an input, surviving failed
//! and interrupted writes and closed pipes. A test belongs here when its subject is surviving
//! hostile input or one of these output guarantees, whichever command it runs.

mod common;
use common::{Run, Work};
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn no_panic(r: &Run) {
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!((0..=2).contains(&r.code), "exit {}: {}", r.code, r.stderr);
}

// ---------------------------------------------------------------- safe output

#[test]
fn csv_text_that_a_spreadsheet_would_run_is_neutralized() {
    let w = Work::new();
    w.file(
        "l.csv",
        "date,amount,unit,area\n2024-01-01,-5,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+A\n2024-01-01,3,@SUM(A1),-B\nxx,1,=1+1,\n",
    );
    let r = w.run(&[
        "summary",
        "l.csv",
        "--by",
        "unit,area",
        "--format",
        "csv",
        "--skip-invalid",
        "-q",
        "--rejects",
        "rej.csv",
    ]);
    assert_eq!(
        r.ok(),
        "unit,area,measure,total,count\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+A,VND,-5,1\n'@SUM(A1),'-B,VND,3,1\n"
    );
    assert_eq!(
        w.read("rej.csv"),
        "date,amount,unit,area,file,line,reason\nxx,1,'=1+1,,l.csv,4,\"date: cannot read \"\"xx\"\" as a date (write day first: 15/03/2024, or 2024-03-15)\"\n"
    );
    let by_unit = [
        "summary",
        "l.csv",
        "--by",
        "unit",
        "--format",
        "csv",
        "--skip-invalid",
        "-q",
    ];
    let raw = w.run(&[&by_unit[..], &["--raw"]].concat());
    assert!(raw.ok().contains("\n@SUM(A1),VND,3,1\n"), "{}", raw.stdout);
    // Neutralized summaries merge back to the same keys.
    w.run(&[&by_unit[..], &["-o", "s.csv"]].concat()).ok();
    let merged = w.run(&["merge", "s.csv", "--format", "json", "-q"]);
    assert!(
        merged.ok().contains("\"unit\": \"@SUM(A1)\""),
        "{}",
        merged.stdout
    );
}

// ---------------------------------------------------------------- hostile inputs

/// One hostile file and what `summary --format csv` and `check` must say about it, whole.
struct Hostile {
    name: &'static str,
    bytes: &'static [u8],
    /// `summary --format csv`: exit code, standard output, standard error.
    summary: (i32, &'static str, &'static str),
    /// `check`: exit code, standard output, standard error.
    check: (i32, &'static str, &'static str),
}

#[test]
fn hostile_small_inputs_end_with_a_message_not_a_panic() {
    let cases = [
        Hostile {
            name: "nul.csv",
            bytes: b"date,amount,unit\n2024-01-01,1\0,A\x00B\n",
            summary: (
                1,
                "",
                "nul.csv:2: amount: cannot read \"1\\0\" as a number\n\
                 danvan: 1 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
                 rows read 1 = counted 0 + filtered 0 + rejected 1\n",
            ),
            check: (
                1,
                "nul.csv:2: amount: cannot read \"1\\0\" as a number\n\
                 1 problem, 0 warnings\n",
                "rows read 1 = counted 0 + filtered 0 + rejected 1\n",
            ),
        },
        Hostile {
            name: "unclosed.csv",
            bytes: b"date,amount,note\n2024-01-01,1,\"abc\n2024-01-02,2,x\n",
            summary: (
                1,
                "",
                "unclosed.csv:2: row: a quote opened in this record is never closed, so every \
                 line after it was read as part of one field; close the quote\n\
                 danvan: 1 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
                 rows read 1 = counted 0 + filtered 0 + rejected 1\n",
            ),
            check: (
                1,
                "unclosed.csv:2: row: a quote opened in this record is never closed, so every \
                 line after it was read as part of one field; close the quote\n\
                 1 problem, 0 warnings\n",
                "rows read 1 = counted 0 + filtered 0 + rejected 1\n",
            ),
        },
        Hostile {
            name: "mixed.csv",
            bytes: b"date;amount;unit\n2024-01-01;1;A\n2024-01-02,2,B\n",
            summary: (
                1,
                "",
                "mixed.csv:3: row: has 1 fields but the header has 3\n\
                 danvan: 1 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
                 rows read 2 = counted 1 + filtered 0 + rejected 1\n",
            ),
            check: (
                1,
                "mixed.csv:3: row: has 1 fields but the header has 3\n1 problem, 0 warnings\n",
                "rows read 2 = counted 1 + filtered 0 + rejected 1\n",
            ),
        },
        Hostile {
            name: "dupcol.csv",
            bytes: b"date,amount,Date\n2024-01-01,1,2024-01-01\n",
            summary: (
                2,
                "",
                "danvan: dupcol.csv:1: two columns both mean \"date\" (columns 1 and 3); keep one\n",
            ),
            check: (
                2,
                "",
                "danvan: dupcol.csv:1: two columns both mean \"date\" (columns 1 and 3); keep one\n",
            ),
        },
        Hostile {
            name: "dates.csv",
            bytes: b"date,amount\n99/99/9999,1\n0/0/0,1\n2024-02-30,1\n31.04.2024,1\n",
            summary: (
                1,
                "",
                "dates.csv:2: date: \"99/99/9999\": year is outside 1900-2100\n\
                 dates.csv:3: date: cannot read \"0/0/0\" as a date (write day first: 15/03/2024, or 2024-03-15)\n\
                 dates.csv:4: date: \"2024-02-30\" is not a real date\n\
                 dates.csv:5: date: \"31.04.2024\" is not a real date\n\
                 danvan: 4 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
                 rows read 4 = counted 0 + filtered 0 + rejected 4\n",
            ),
            check: (
                1,
                "dates.csv:2: date: \"99/99/9999\": year is outside 1900-2100\n\
                 dates.csv:3: date: cannot read \"0/0/0\" as a date (write day first: 15/03/2024, or 2024-03-15)\n\
                 dates.csv:4: date: \"2024-02-30\" is not a real date\n\
                 dates.csv:5: date: \"31.04.2024\" is not a real date\n\
                 4 problems, 0 warnings\n",
                "rows read 4 = counted 0 + filtered 0 + rejected 4\n",
            ),
        },
        Hostile {
            name: "huge.csv",
            bytes: b"date,amount\n2024-01-01,99999999999999999999999999999999\n2024-01-01,79228162514264337593543950335 t\xe1\xbb\xb7\n",
            summary: (
                1,
                "",
                "huge.csv:2: amount: \"99999999999999999999999999999999\" is too large to add up exactly\n\
                 huge.csv:3: amount: \"79228162514264337593543950335 tỷ\" is too large to add up exactly\n\
                 danvan: 2 problem(s) in the data; nothing was written (fix them, or use --skip-invalid)\n\
                 rows read 2 = counted 0 + filtered 0 + rejected 2\n",
            ),
            check: (
                1,
                "huge.csv:2: amount: \"99999999999999999999999999999999\" is too large to add up exactly\n\
                 huge.csv:3: amount: \"79228162514264337593543950335 tỷ\" is too large to add up exactly\n\
                 2 problems, 0 warnings\n",
                "rows read 2 = counted 0 + filtered 0 + rejected 2\n",
            ),
        },
        Hostile {
            name: "overflow.csv",
            bytes: b"date,amount\n2024-01-01,70000000000000000000000000000\n2024-01-01,70000000000000000000000000000\n",
            summary: (
                2,
                "",
                "danvan: a total passes 79228162514264337593543950335, the most danvan can add up exactly\n",
            ),
            check: (
                2,
                "",
                "danvan: a total passes 79228162514264337593543950335, the most danvan can add up exactly\n",
            ),
        },
        Hostile {
            name: "noheader.csv",
            bytes: b"\n\n\n",
            summary: (
                0,
                "unit,measure,total,count\n",
                "noheader.csv:1: file: warning: the file is empty\n\
                 rows read 0 = counted 0 + filtered 0 + rejected 0\n",
            ),
            check: (
                0,
                "noheader.csv:1: file: warning: the file is empty\n0 problems, 1 warning\n",
                "rows read 0 = counted 0 + filtered 0 + rejected 0\n",
            ),
        },
        Hostile {
            name: "cr.csv",
            bytes: b"date,amount\r2024-01-01,1\r",
            summary: (
                2,
                "",
                "danvan: cr.csv:1: missing required column(s): amount\n",
            ),
            check: (
                2,
                "",
                "danvan: cr.csv:1: missing required column(s): amount\n",
            ),
        },
        Hostile {
            name: "bom16be.csv",
            bytes: b"\xfe\xff\x00d\x00a\x00t\x00e\x00,\x00a\x00m\x00o\x00u\x00n\x00t\x00\n\x002\x000\x002\x004\x00-\x000\x001\x00-\x000\x001\x00,\x005\x00\n",
            summary: (
                0,
                "unit,measure,total,count\n,VND,5,1\n",
                "rows read 1 = counted 1 + filtered 0 + rejected 0\n",
            ),
            check: (
                0,
                "0 problems, 0 warnings\n",
                "rows read 1 = counted 1 + filtered 0 + rejected 0\n",
            ),
        },
    ];
    let w = Work::new();
    for case in cases {
        let name = case.name;
        w.file(name, case.bytes);
        for (args, (code, stdout, stderr)) in [
            (vec!["summary", name, "--format", "csv"], case.summary),
            (vec!["check", name], case.check),
        ] {
            let r = w.run(&args);
            no_panic(&r);
            assert_eq!(
                (r.code, r.stdout.as_str(), r.stderr.as_str()),
                (code, stdout, stderr),
                "{args:?}"
            );
        }
    }
}

#[test]
fn tens_of_thousands_of_columns_are_one_warning() {
    let w = Work::new();
    let extra: Vec<String> = (0..30_000).map(|i| format!("c{i}")).collect();
    let mut text = format!("date,amount,{}\n", extra.join(","));
    let cells = vec!["x"; 30_000].join(",");
    for _ in 0..5 {
        text.push_str(&format!("2024-01-01,2,{cells}\n"));
    }
    w.file("wide.csv", text);
    let r = w.run(&["summary", "wide.csv", "--by", "year", "--format", "csv"]);
    assert_eq!(r.ok(), "year,measure,total,count\n2024,VND,10,5\n");
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
    assert!(r.stderr.contains("\"c9\" and 29990 more"), "{}", r.stderr);
}

/// Runs danvan under a memory cap (virtual memory, in KiB) and returns the run.
fn capped(w: &Work, kib: u64, args: &str) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("danvan");
    let mut sh = Command::new("sh");
    w.isolate(&mut sh);
    let out = sh
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec '{}' {args}", bin.display()))
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_64_mib_field_or_a_file_without_line_ends_is_refused_in_bounded_memory() {
    let w = Work::new();
    let mut big = b"date,amount,note\n2024-01-01,1,\"".to_vec();
    big.resize(big.len() + (65 << 20), b'a');
    big.extend_from_slice(b"\"\n2024-01-02,2,x\n");
    w.file("field.csv", &big);
    w.file("flat.csv", vec![b'x'; 70 << 20]);
    for (args, needle) in [
        (
            "summary field.csv",
            "field.csv:2: a record here runs over 64 MiB without ending",
        ),
        (
            "check flat.csv",
            "flat.csv:1: a record here runs over 64 MiB",
        ),
    ] {
        let r = capped(&w, 1 << 20, args);
        no_panic(&r);
        assert_eq!(r.code, 2, "{args}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args}: {}", r.stderr);
    }
}

// ---------------------------------------------------------------- outputs

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
    let w = Work::new();
    // 50,000 groups make about 1 MB of CSV, far more than a pipe holds (64 KiB), so danvan is
    // still writing when the reader goes away.
    w.file("big.csv", common::one_unit_per_row(50_000, "unit "));
    let mut child = w.spawn(&["summary", "big.csv", "--format", "csv"]);
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

// ---------------------------------------------------------------- failed and interrupted writes

/// Temporary files left in the work folder.
fn temp_files(w: &Work) -> Vec<String> {
    std::fs::read_dir(w.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[test]
fn a_failed_write_is_exit_two_and_leaves_the_old_file_and_no_temp() {
    let w = Work::new();
    let mut text = String::from("date,amount,unit\n");
    for i in 0..5000 {
        text.push_str(&format!("2024-01-01,1,unit number {i}\n"));
    }
    w.file("l.csv", text);
    w.file("out.csv", "previous report");
    // A disk that is full after 8 KiB: the file-size limit makes the write fail (EFBIG).
    let bin = assert_cmd::cargo::cargo_bin("danvan");
    let mut bash = Command::new("bash");
    w.isolate(&mut bash);
    let out = bash
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 8; exec '{}' summary l.csv --format csv -o out.csv",
            bin.display()
        ))
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("out.csv: cannot write"), "{err}");
    assert_eq!(w.read("out.csv"), "previous report");
    assert_eq!(temp_files(&w), Vec::<String>::new());
}

/// Waits for `child` to end, at most `limit`; kills it and fails the test past that.
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("danvan did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_interrupted_run_leaves_the_old_file_and_no_temp() {
    for signal in ["INT", "TERM"] {
        let w = Work::new();
        w.file("out.csv", "previous report");
        // The ledger is a FIFO this test holds open: danvan cannot reach its end, so it is
        // certainly still reading when the signal comes, never a run that already finished.
        let fifo = w.path("in.csv");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success(), "mkfifo failed");
        let mut child = w.spawn(&["summary", "in.csv", "-o", "out.csv"]);
        // Opening a FIFO for writing returns once its reader has opened it: danvan is then
        // past its start-up (the signal handler is set before any file is opened) and reading.
        let (opened, open) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = opened.send(OpenOptions::new().write(true).open(fifo));
        });
        let Ok(writer) = open.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!("danvan never opened its input");
        };
        let mut writer = writer.unwrap();
        writer
            .write_all(b"date,amount,unit\n2024-01-01,5,A\n2024-01-02,7,B\n")
            .unwrap();
        writer.flush().unwrap();
        assert!(
            child.try_wait().unwrap().is_none(),
            "danvan ended with its input still open"
        );
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = wait_at_most(&mut child, Duration::from_secs(60));
        drop(writer);
        let mut stdout = String::new();
        let mut stderr = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(
            (status.code(), stdout.as_str(), stderr.as_str()),
            (Some(130), "", ""),
            "SIG{signal}"
        );
        assert_eq!(w.read("out.csv"), "previous report", "SIG{signal}");
        assert_eq!(temp_files(&w), Vec::<String>::new(), "SIG{signal}");
    }
}

#[test]
fn millions_of_bad_rows_are_counted_but_only_the_first_are_listed() {
    let w = Work::new();
    let mut text = String::from("date,amount,unit\n");
    for i in 0..60_000 {
        text.push_str(&format!("xx,{i},u\n2024-01-01,1.200,u{i}\n"));
    }
    w.file("bad.csv", text);
    let one = w.run(&[
        "check",
        "bad.csv",
        "--threads",
        "1",
        "--chunk-bytes",
        "65536",
    ]);
    let two = w.run(&[
        "check",
        "bad.csv",
        "--threads",
        "2",
        "--chunk-bytes",
        "65536",
    ]);
    assert_eq!(one.code, 1);
    assert_eq!(
        one.stdout, two.stdout,
        "the listed problems do not depend on threads"
    );
    let lines: Vec<&str> = one.stdout.lines().collect();
    assert_eq!(lines.len(), 100_002, "{:?}", &lines[lines.len() - 3..]);
    assert!(lines[0].starts_with("bad.csv:2: date: cannot read \"xx\""));
    assert!(lines[1].starts_with("bad.csv:3: amount: \"1.200\" reads two ways"));
    assert_eq!(
        lines[100_000],
        "… and 20000 more problems and warnings after these, not listed (danvan lists the first 100000 of each; fix these and run again)"
    );
    assert_eq!(lines[100_001], "120000 problems, 0 warnings");
    assert_eq!(
        one.tally(),
        "rows read 120000 = counted 0 + filtered 0 + rejected 120000"
    );
}

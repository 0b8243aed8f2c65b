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
        "unit,area,measure,total,count\n'@SUM(A1),'-B,VND,3,1\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+A,VND,-5,1\n"
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
            // The sum is exact, but no decimal prints it: summary refuses; check, which
            // prints no total, finds every row valid (it warns that they are alike).
            summary: (
                2,
                "",
                "danvan: the total of unit \"\" in VND is 140000000000000000000000000000, which \
                 needs more digits than danvan can print exactly (at most \
                 79228162514264337593543950335 and 28 decimals); nothing was written\n",
            ),
            check: (
                0,
                "overflow.csv:3: row: warning: same as line 2: a duplicate row?\n\
                 0 problems, 1 warning\n",
                "rows read 2 = counted 2 + filtered 0 + rejected 0\n",
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
            "field.csv:2: a record here runs over 64 MiB without ending (an unclosed quote?)\n",
        ),
        // A line with no quote at all is not blamed on one.
        (
            "check flat.csv",
            "flat.csv:1: a record here runs over 64 MiB without ending (it has no line end: is \
             this a CSV file?)\n",
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
fn an_interrupted_run_leaves_the_old_file_and_no_temp_and_says_why() {
    for (signal, why) in [
        ("INT", "interrupted (Ctrl-C)"),
        ("TERM", "stopped by SIGTERM"),
        ("QUIT", "stopped by SIGQUIT"),
        ("HUP", "stopped: the terminal closed (SIGHUP)"),
    ] {
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
            (
                Some(130),
                "",
                format!("danvan: {why}; no output file was changed\n").as_str()
            ),
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

// ---------------------------------------------------------------- outputs keep their promises (issue 10)

#[cfg(unix)]
#[test]
fn one_output_never_destroys_another_however_spelled() {
    let w = Work::new();
    w.file("r.csv", "old rejects");
    std::fs::hard_link(w.path("r.csv"), w.path("hard.csv")).unwrap();
    std::os::unix::fs::symlink("r.csv", w.path("link.csv")).unwrap();
    // The ledger does not exist: the outputs are refused before anything is read.
    for (rejects, out, shown) in [
        ("r.csv", "r.csv", "r.csv"),
        ("r.csv", "./r.csv", "./r.csv"),
        ("r.csv", "hard.csv", "hard.csv"),
        ("r.csv", "link.csv", "link.csv"),
        ("new.csv", "./new.csv", "./new.csv"),
    ] {
        let r = w.run(&["summary", "missing.csv", "--rejects", rejects, "-o", out]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (
                2,
                "",
                format!(
                    "danvan: --rejects {rejects} and -o {shown} are the same file; one output \
                     would destroy the other\n"
                )
                .as_str()
            ),
            "{rejects} {out}"
        );
    }
    assert_eq!(w.read("r.csv"), "old rejects");
    assert!(!w.exists("new.csv"));
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_hard_link_or_symlink_to_an_input_is_refused() {
    let w = Work::new();
    let ledger = "date,amount\n2024-01-01,1\n";
    w.file("l.csv", ledger);
    std::fs::hard_link(w.path("l.csv"), w.path("hard.csv")).unwrap();
    std::os::unix::fs::symlink("l.csv", w.path("link.csv")).unwrap();
    for out in ["hard.csv", "link.csv"] {
        let r = w.run(&["summary", "l.csv", "-o", out]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (
                2,
                format!("danvan: {out}: is an input (l.csv); danvan never writes over an input\n")
                    .as_str()
            )
        );
    }
    assert_eq!(w.read("l.csv"), ledger);
}

/// 5,000 groups (about 150 KB of CSV) and one invalid row: a small --rejects, a big -o.
fn big_with_one_bad_row() -> String {
    let mut text = common::one_unit_per_row(5000, "unit number ");
    text.push_str("xx,1,bad\n");
    text
}

#[test]
fn several_outputs_replace_their_files_together_or_not_at_all() {
    let w = Work::new();
    w.file("l.csv", big_with_one_bad_row());
    w.file("r.csv", "old rejects").file("out.csv", "old report");
    // A disk full after 8 KiB: --rejects fits, -o does not. Neither old file may change, and
    // SIGXFSZ, which the size limit raises, must not kill the run before it cleans up.
    let bin = assert_cmd::cargo::cargo_bin("danvan");
    let out = common::plain_env(&mut Command::new("bash"))
        .arg("-c")
        .arg(format!(
            "ulimit -f 8; exec '{}' summary l.csv --skip-invalid -q --rejects r.csv -o out.csv",
            bin.display()
        ))
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("danvan: out.csv: cannot write: File too large"),
        "{err}"
    );
    assert_eq!(w.read("r.csv"), "old rejects");
    assert_eq!(w.read("out.csv"), "old report");
    assert_eq!(temp_files(&w), Vec::<String>::new());
    // With room, both are replaced.
    let r = w.run(&[
        "summary",
        "l.csv",
        "--skip-invalid",
        "-q",
        "--rejects",
        "r.csv",
        "-o",
        "out.csv",
    ]);
    assert_eq!(r.ok(), "");
    assert!(
        w.read("r.csv")
            .starts_with("date,amount,unit,file,line,reason\nxx,1,bad,l.csv,5002,")
    );
    assert!(
        w.read("out.csv")
            .starts_with("unit,measure,total,count\nunit number 00000,VND,1,1\n")
    );
}

#[test]
fn a_total_too_long_to_print_writes_no_rejects_either() {
    let w = Work::new();
    let max = "79228162514264337593543950335";
    w.file(
        "l.csv",
        format!("date,amount,unit\n2024-01-01,{max},A\n2024-01-01,1,A\nxx,1,A\n"),
    );
    w.file("r.csv", "old rejects");
    let r = w.run(&[
        "summary",
        "l.csv",
        "--skip-invalid",
        "-q",
        "--rejects",
        "r.csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.ends_with("nothing was written\n"), "{}", r.stderr);
    assert_eq!(w.read("r.csv"), "old rejects");
    assert_eq!(temp_files(&w), Vec::<String>::new());
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &std::path::Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo failed");
}

#[cfg(unix)]
#[test]
fn output_into_a_fifo_is_written_to_directly() {
    use std::os::unix::fs::FileTypeExt;
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\n");
    let fifo = w.path("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = w.run(&["summary", "l.csv", "-o", "pipe", "--format", "csv", "-q"]);
    assert_eq!(r.ok(), "");
    assert_eq!(
        reader.join().unwrap(),
        "unit,measure,total,count\nA,VND,1,1\n"
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(temp_files(&w), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn output_into_a_character_device_is_written_to_directly() {
    use std::os::unix::fs::FileTypeExt;
    // Device nodes like /dev/null (1,3) and /dev/full (1,7) made in the test's own folder, so
    // nothing outside it is touched; only root may make them, so elsewhere this checks nothing.
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\n");
    let made = ["null c 1 3", "full c 1 7"].iter().all(|spec| {
        Command::new("mknod")
            .args(spec.split(' '))
            .current_dir(w.dir.path())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !made {
        eprintln!("skipped: cannot make device nodes here (not root)");
        return;
    }
    std::os::unix::fs::symlink("null", w.path("to-null")).unwrap();
    for out in ["null", "to-null"] {
        let r = w.run(&["summary", "l.csv", "-o", out, "-q"]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "{out}"
        );
    }
    let r = w.run(&["summary", "l.csv", "-o", "full", "-q"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "danvan: full: cannot write: No space left on device (os error 28)\n"
        )
    );
    // Two outputs into the same device destroy nothing.
    let r = w.run(&[
        "summary",
        "l.csv",
        "-o",
        "null",
        "--rejects",
        "to-null",
        "-q",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for dev in ["null", "full"] {
        let m = std::fs::symlink_metadata(w.path(dev)).unwrap();
        assert!(m.file_type().is_char_device(), "{dev} was replaced");
    }
    assert_eq!(temp_files(&w), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_the_file_it_points_to_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\n");
    std::fs::create_dir(w.path("reports")).unwrap();
    w.file("reports/out.csv", "old report");
    std::fs::set_permissions(
        w.path("reports/out.csv"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    std::os::unix::fs::symlink("reports/out.csv", w.path("latest.csv")).unwrap();
    let r = w.run(&["summary", "l.csv", "-o", "latest.csv", "-q"]);
    assert_eq!(r.ok(), "");
    assert!(
        std::fs::symlink_metadata(w.path("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        w.read("reports/out.csv"),
        "unit,measure,total,count\nA,VND,1,1\n"
    );
    let mode = std::fs::metadata(w.path("reports/out.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // A dangling link makes the file it names.
    std::os::unix::fs::symlink("reports/new.csv", w.path("next.csv")).unwrap();
    w.run(&["summary", "l.csv", "-o", "next.csv", "-q"]).ok();
    assert_eq!(
        w.read("reports/new.csv"),
        "unit,measure,total,count\nA,VND,1,1\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(w.path("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_new_output_gets_the_mode_the_umask_gives() {
    use std::os::unix::fs::PermissionsExt;
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\nxx,1,A\n");
    let bin = assert_cmd::cargo::cargo_bin("danvan");
    for (umask, mode) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let name = format!("out-{umask}.csv");
        let rejects = format!("rej-{umask}.csv");
        let status = common::plain_env(&mut Command::new("sh"))
            .arg("-c")
            .arg(format!(
                "umask {umask}; exec '{}' summary l.csv -q --skip-invalid -o {name} --rejects {rejects}",
                bin.display()
            ))
            .current_dir(w.dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        for file in [&name, &rejects] {
            let got = std::fs::metadata(w.path(file))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(got, mode, "{file}: umask {umask}");
        }
    }
}

#[test]
fn an_output_naming_a_folder_is_said_once() {
    let w = Work::new();
    w.file("l.csv", "date,amount\n2024-01-01,1\n");
    std::fs::create_dir(w.path("d")).unwrap();
    for (out, message) in [
        (
            "d/",
            "d/: names a folder; give the file to write, such as d/summary.csv",
        ),
        (
            "d",
            "d: is a folder; give the file to write, such as d/summary.csv",
        ),
        (
            "nowhere/",
            "nowhere/: names a folder; give the file to write, such as nowhere/summary.csv",
        ),
    ] {
        let r = w.run(&["summary", "l.csv", "-o", out]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", format!("danvan: {message}\n").as_str()),
            "{out}"
        );
    }
}

#[test]
fn sigquit_while_an_output_is_staged_removes_it_and_says_why() {
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\nxx,1,A\n");
    w.file("r.csv", "old rejects");
    // --rejects is staged in a temporary file first; then -o opens a FIFO nobody reads, which
    // waits: the signal comes while the temporary file certainly exists.
    mkfifo(&w.path("pipe"));
    let mut child = w.spawn(&[
        "summary",
        "l.csv",
        "--skip-invalid",
        "--rejects",
        "r.csv",
        "-o",
        "pipe",
    ]);
    let start = Instant::now();
    while temp_files(&w).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-QUIT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        stderr.ends_with("danvan: stopped by SIGQUIT; no output file was changed\n"),
        "{stderr}"
    );
    assert_eq!(w.read("r.csv"), "old rejects");
    assert_eq!(temp_files(&w), Vec::<String>::new());
}

#[test]
fn a_ledger_that_changes_while_the_run_reads_it_is_exit_two() {
    // The first input is a FIFO the test holds open, so danvan is certainly still reading when
    // the second file is cut: an amount 880 becomes 88. Counting 88 would be a wrong total.
    let w = Work::new();
    w.file("b.csv", "date,amount,unit\n2024-01-01,880,A\n");
    mkfifo(&w.path("a.csv"));
    let mut child = w.spawn(&["summary", "a.csv", "b.csv", "--format", "csv"]);
    let (opened, open) = mpsc::channel();
    let fifo = w.path("a.csv");
    std::thread::spawn(move || {
        let _ = opened.send(OpenOptions::new().write(true).open(fifo));
    });
    let Ok(writer) = open.recv_timeout(Duration::from_secs(60)) else {
        let _ = child.kill();
        panic!("danvan never opened its input");
    };
    let mut writer = writer.unwrap();
    let b = OpenOptions::new()
        .write(true)
        .open(w.path("b.csv"))
        .unwrap();
    b.set_len("date,amount,unit\n2024-01-01,88".len() as u64)
        .unwrap();
    drop(b);
    writer
        .write_all(b"date,amount,unit\n2024-01-01,5,A\n")
        .unwrap();
    drop(writer);
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    let (mut stdout, mut stderr) = (String::new(), String::new());
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
        (
            Some(2),
            "",
            "danvan: b.csv: the file changed while danvan was reading it (its size, time or \
             inode moved), so the totals could mix two versions of it; run again when nothing \
             is writing to it\n"
        )
    );
}

// ---------------------------------------------------------------- no panic, no abort, no hang on any argument

#[test]
fn threads_the_system_will_not_start_fall_back_without_a_panic() {
    // RUST_MIN_STACK asks for thread stacks larger than any address space, so every worker
    // thread fails to start: the reading thread must then do all the work itself.
    let w = Work::new();
    w.file("l.csv", common::one_unit_per_row(300, "u"));
    let mut cmd = assert_cmd::Command::cargo_bin("danvan").unwrap();
    for var in common::LANG_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .current_dir(w.dir.path())
        .env("RUST_MIN_STACK", (1u64 << 47).to_string())
        .args([
            "summary",
            "l.csv",
            "--threads",
            "4",
            "--chunk-bytes",
            "64",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let want = w.run(&["summary", "l.csv", "--threads", "1", "--format", "csv"]);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).as_ref(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), want.ok(), want.stderr.as_str())
    );
}

#[test]
fn rejects_of_a_very_wide_file_take_linear_time() {
    // 200,000 columns: each rejected row's fields are placed by a lookup per column, not a
    // search of every column (that took minutes; this takes seconds even in a debug build).
    let w = Work::new();
    let n = 200_000;
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let cells = vec!["x"; n].join(",");
    w.file(
        "wide.csv",
        format!(
            "date,amount,{}\nxx,1,{cells}\n2024-01-01,2,{cells}\n",
            names.join(",")
        ),
    );
    let mut child = w.spawn(&[
        "summary",
        "wide.csv",
        "--skip-invalid",
        "-q",
        "--rejects",
        "r.csv",
        "--format",
        "csv",
    ]);
    drop(child.stdin.take());
    let status = wait_at_most(&mut child, Duration::from_secs(120));
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(
        (status.code(), stdout.as_str()),
        (Some(0), "unit,measure,total,count\n,VND,2,1\n")
    );
    let rejects = w.read("r.csv");
    let mut lines = rejects.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("date,amount,{},file,line,reason", names.join(","))
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("xx,1,{cells},wide.csv,2,\"date: cannot read")),
        "the rejected row keeps every field in its column"
    );
}

#[test]
fn an_output_that_is_the_file_standard_input_comes_from_is_refused() {
    let w = Work::new();
    let ledger = "date,amount\n2024-01-01,1\n";
    w.file("l.csv", ledger);
    let out = common::plain_env(&mut Command::new(assert_cmd::cargo::cargo_bin("danvan")))
        .args(["summary", "-", "-o", "l.csv"])
        .current_dir(w.dir.path())
        .stdin(std::fs::File::open(w.path("l.csv")).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (
            Some(2),
            "danvan: l.csv: is an input (standard input); danvan never writes over an input\n"
        )
    );
    assert_eq!(w.read("l.csv"), ledger);
}

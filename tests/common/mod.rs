//! Runs the real `danvan` binary in a fresh temporary folder, as a clerk would from a shell.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Generated ledgers for the property tests (proptest strategies).
pub mod generated;

/// The variables that choose danvan's language and colours. Every test run clears them, so a
/// developer's Vietnamese locale or forced colours never change what a test sees (English and
/// no colour, unless a test asks otherwise).
pub const LANG_VARS: [&str; 7] = [
    "DANVAN_LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "LANG",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
];

/// `cmd` without the language and colour variables.
pub fn plain_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for var in LANG_VARS {
        cmd.env_remove(var);
    }
    cmd
}

pub struct Work {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Work {
    pub fn new() -> Work {
        Work {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (text as given, byte for byte).
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> &Self {
        std::fs::write(self.path(name), contents).expect("write fixture");
        self
    }

    /// Copies a fixture from `tests/fixtures`.
    pub fn fixture(&self, name: &str) -> &Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::copy(src, self.path(name)).expect("copy fixture");
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read output")
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// Runs `danvan ARGS` in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        self.run_with_env(args, stdin, &[])
    }

    /// Runs `danvan ARGS` with these environment variables set (on top of the plain
    /// environment every run gets, see [`Work::isolate`]).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run_with_env(args, b"", env)
    }

    /// Runs `danvan ARGS` with standard input and these environment variables set (on top of
    /// the isolation every run gets, see [`Work::isolate`]).
    pub fn run_with_env(&self, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("danvan"));
        self.isolate(&mut cmd);
        cmd.envs(env.iter().copied());
        let out = Command::from_std(cmd)
            .current_dir(self.dir.path())
            .args(args)
            .write_stdin(stdin.to_vec())
            .output()
            .expect("run danvan");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Work {
    /// Keeps a run away from the real user's settings: the settings file is looked for in
    /// `home/` inside the temporary folder (which a test may fill), and no `DANVAN_*` variable
    /// of the shell running the tests gets through.
    pub fn isolate(&self, cmd: &mut std::process::Command) {
        plain_env(cmd);
        let home = self.path("home");
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("APPDATA", home.join("AppData"));
        for var in [
            "DANVAN_CONFIG",
            "DANVAN_NUMBER_FORMAT",
            "DANVAN_DELIMITER",
            "DANVAN_MODELS",
            "DANVAN_LANGUAGE",
        ] {
            cmd.env_remove(var);
        }
    }

    /// Starts `danvan ARGS` in the folder with every standard stream piped, for tests that act
    /// on the process while it runs (close its output, signal it).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        use std::process::Stdio;
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("danvan"));
        self.isolate(&mut cmd);
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start danvan")
    }
}

/// A ledger of `rows` one-VND rows, each for its own unit `{prefix}{i}`: as many groups as rows.
pub fn one_unit_per_row(rows: usize, prefix: &str) -> String {
    let mut text = String::from("date,amount,unit\n");
    for i in 0..rows {
        text.push_str(&format!("2024-01-01,1,{prefix}{i:05}\n"));
    }
    text
}

impl Run {
    /// Asserts success and returns standard output.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "stderr:\n{}\nstdout:\n{}",
            self.stderr, self.stdout
        );
        &self.stdout
    }

    /// The `rows read …` line from standard error.
    pub fn tally(&self) -> &str {
        self.stderr
            .lines()
            .find(|l| l.starts_with("rows read "))
            .unwrap_or_else(|| panic!("no tally line in:\n{}", self.stderr))
    }
}

/// A ledger with one row of each kind of problem (an impossible date, an unreadable amount, a
/// typed totals row, a short row, a two-way amount) among valid rows and a blank line: what
/// `check` lists and `summary` refuses, skips or rejects.
pub const BAD: &str = "Ngày,Số tiền,Đơn vị\n\
    2024-01-01,100,A\n\
    31/02/2024,5,A\n\
    2024-01-03,abc,B\n\
    ,300,Tổng cộng\n\
    2024-01-05,7\n\
    \n\
    2024-01-06,\"1.200\",B\n\
    2024-01-07,50,B\n";

/// The sample ledger and registry shipped in `data/`.
pub fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/quang-yen-2024")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A workbook danvan wrote, read back: each sheet's name and rows of cells (calamine).
pub fn workbook(path: &Path) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let bytes = std::fs::read(path).expect("read workbook");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a valid workbook");
    book.worksheets()
        .into_iter()
        .map(|(name, range)| (name, range.rows().map(|r| r.to_vec()).collect()))
        .collect()
}

/// The XML of one part of a workbook (`xl/worksheets/sheet1.xml`), for what calamine does not
/// read (frozen panes, column widths, formulas).
pub fn workbook_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("open workbook");
    let mut zip = zip::ZipArchive::new(file).expect("a zip file");
    let mut text = String::new();
    zip.by_name(part)
        .expect("part in the workbook")
        .read_to_string(&mut text)
        .expect("UTF-8 XML");
    text
}

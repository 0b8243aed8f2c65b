//! The command line as a terminal user meets it, whatever the command: shell completions, the
//! man page, `--version`, the examples at the end of each `--help`, and colour (only on a
//! terminal, never with `NO_COLOR`). A test whose subject is one command's figures or messages
//! belongs in that command's file; the language of tables and messages is tested with
//! `summary` (tests/summary.rs) and `check` (tests/check.rs).

mod common;
use common::Work;

#[test]
fn completions_are_generated_for_every_shell() {
    let w = Work::new();
    for (shell, mark) in [
        ("bash", "_danvan()"),
        ("zsh", "#compdef danvan"),
        ("fish", "complete -c danvan"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[danvan]"),
    ] {
        let r = w.run(&["completions", shell]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{shell}");
        assert!(r.stdout.contains(mark), "{shell}: {}", r.stdout);
        // Every command and the flags that matter to a clerk can be completed (fish writes
        // flags without their dashes).
        for word in [
            "summary",
            "models",
            "check",
            "merge",
            "lang",
            "period",
            "skip-invalid",
        ] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let r = w.run(&["completions", "nushell"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_man_page_is_roff_naming_every_command_and_flag() {
    let w = Work::new();
    let r = w.run(&["man"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.contains(".TH danvan 1"), "{}", r.stdout);
    assert!(r.stdout.contains(".SH NAME"), "{}", r.stdout);
    for word in [
        "summary",
        "models",
        "check",
        "merge",
        "completions",
        "\\-\\-lang",
    ] {
        assert!(r.stdout.contains(word), "the man page lacks {word}");
    }
}

#[test]
fn a_closed_pipe_ends_completions_and_man_quietly() {
    let w = Work::new();
    for args in [&["completions", "zsh"][..], &["man"]] {
        let mut child = w.spawn(args);
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).as_ref()
            ),
            (Some(0), ""),
            "{args:?}"
        );
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let w = Work::new();
    let r = w.run(&["--version"]);
    assert_eq!(r.code, 0);
    let version = format!("danvan {}", env!("CARGO_PKG_VERSION"));
    assert!(r.stdout.starts_with(&version), "{}", r.stdout);
    // Built from a checkout (as tests are), the short commit follows in brackets.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(head) = head
        && head.status.success()
    {
        let commit = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert_eq!(r.stdout, format!("{version} ({commit})\n"));
    }
}

#[test]
fn every_command_help_ends_with_examples_for_a_clerk() {
    let w = Work::new();
    for command in ["summary", "models", "check", "merge", "completions", "man"] {
        let r = w.run(&[command, "--help"]);
        assert_eq!(r.code, 0, "{command}");
        let (_, examples) = r
            .stdout
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{}", r.stdout));
        let runs = examples
            .lines()
            .filter(|l| l.contains(&format!("danvan {command}")))
            .count();
        assert!((2..=3).contains(&runs), "{command}: {examples}");
    }
}

#[test]
fn colour_only_where_asked_and_never_with_no_color() {
    let w = Work::new();
    w.file("l.csv", "date,amount,unit\n2024-01-01,1,A\nxx,1,A\n");
    let args = ["summary", "l.csv", "--format", "csv"];
    let tally = "rows read 2 = counted 1 + filtered 0 + rejected 1\n";
    let problem = "l.csv:3: date: cannot read \"xx\" as a date (write day first: 15/03/2024, or \
                   2024-03-15)";
    let refused = "danvan: 1 problem(s) in the data; nothing was written (fix them, or use \
                   --skip-invalid)";
    // Piped (as here): no colour.
    let r = w.run(&args);
    assert_eq!(r.stderr, format!("{problem}\n{refused}\n{tally}"));
    // A terminal is stood in for by CLICOLOR_FORCE: errors red, warnings yellow, the rest plain.
    let (red, yellow, reset) = ("\u{1b}[31m", "\u{1b}[33m", "\u{1b}[0m");
    let r = w.run_env(&args, &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(
        r.stderr,
        format!("{red}{problem}{reset}\n{red}{refused}{reset}\n{tally}")
    );
    let r = w.run_env(
        &[&args[..], &["--skip-invalid"]].concat(),
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(
        r.stderr,
        format!("{yellow}warning: skipped: {problem}{reset}\n{tally}")
    );
    // NO_COLOR wins, whatever else asks for colour.
    let r = w.run_env(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(r.stderr, format!("{problem}\n{refused}\n{tally}"));
    // What goes to standard output is never coloured.
    assert_eq!(r.stdout, "");
    let r = w.run_env(
        &["summary", "l.csv", "--skip-invalid", "-q"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
}

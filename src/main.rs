//! The `danvan` binary: parse the flags, run the command, map the outcome to an exit code.
//! 0 success, 1 invalid data (or problems found by `check`), 2 usage error or any other failure.
//! A closed pipe (`danvan … | head`) ends the program quietly.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = danvan::cli::Cli::parse();
    danvan::output::on_interrupt();
    match danvan::command::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let broken_pipe = err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            danvan::output::say(&format!("danvan: {err:#}"));
            ExitCode::from(2)
        }
    }
}

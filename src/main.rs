//! The `danvan` binary: parse the flags, run the command, map the outcome to an exit code.
//! 0 success, 1 invalid data (or problems found by `check`), 2 usage error or any other failure.
//! A closed pipe (`danvan … | head`) ends the program quietly.

use clap::Parser;
use danvan::output::Tone;
use std::process::ExitCode;

/// Large blocks on huge pages where the kernel allows it (see `danvan::memory`).
#[global_allocator]
static ALLOCATOR: danvan::memory::Allocator = danvan::memory::Allocator;

fn main() -> ExitCode {
    let cli = match danvan::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A flag danvan types itself (`--sort size`): its own message, as for every usage error.
        Err(e) => {
            let ours = std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<danvan::cli::FlagError>());
            match ours {
                Some(reason) => {
                    danvan::output::say_in(Tone::Error, &format!("danvan: {reason}"));
                    return ExitCode::from(2);
                }
                None => e.exit(),
            }
        }
    };
    danvan::output::on_signal();
    // The one place the language is chosen: the command speaks it, and so do its errors.
    // A settings file with a mistake is said by the command that loads it; here it only says
    // nothing about the language.
    let setting = danvan::config::Settings::load()
        .ok()
        .and_then(|s| s.language);
    let lang = danvan::present::choose(cli.lang, setting);
    match danvan::command::run(cli.command, lang) {
        Ok(code) => code,
        Err(err) => {
            if danvan::output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let text = danvan::problem::describe(&err, lang);
            danvan::output::say_in(Tone::Error, &format!("danvan: {text}"));
            ExitCode::from(2)
        }
    }
}

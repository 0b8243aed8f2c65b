//! The progress bar for big inputs: bytes read, rows, rate, on standard error. Only on a terminal,
//! never with `--quiet` or when standard error is piped, and only for inputs big enough to take
//! more than a moment, so small runs and scripts see nothing.

use crate::ledger::source::Source;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Inputs smaller than this finish before a bar would be worth drawing.
const MIN_BYTES: u64 = 64 << 20;

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(wanted: bool, sources: &[Source]) -> Self {
        let total: Option<u64> = sources.iter().map(Source::size).sum();
        let show =
            wanted && std::io::stderr().is_terminal() && total.is_some_and(|t| t >= MIN_BYTES);
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Progress { bar }
    }

    pub fn advance(&self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{rows} rows"));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

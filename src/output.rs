//! Where results go. A file is written whole or not at all: the text goes to a temporary file in
//! the same folder, which is renamed over the target only once fully written and flushed, so an
//! error or an interruption leaves the old file as it was. An input is never overwritten.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written right now, removed by [`on_interrupt`] if the run is stopped.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Ctrl-C or a termination signal: remove any half-written temporary file, then stop with the
/// conventional exit code 130. The targets themselves are only ever replaced by a rename, so
/// they are either the old file or the new one.
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(live) = LIVE.lock() {
            for path in live.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        std::process::exit(130);
    });
}

fn track(path: &Path, live: bool) {
    if let Ok(mut list) = LIVE.lock() {
        if live {
            list.push(path.to_path_buf());
        } else {
            list.retain(|p| p != path);
        }
    }
}

/// Refuses `target` if it is one of the inputs (same file, however it is spelled).
pub fn guard_inputs(target: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Ok(t) = target.canonicalize() else {
        return Ok(()); // does not exist yet, so it is no input
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == t) {
            bail!(
                "{}: is an input; danvan never writes over an input",
                target.display()
            );
        }
    }
    Ok(())
}

/// Where one output goes: a file (written whole or not at all) or standard output.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    File(&'a Path),
    Stdout,
}

impl<'a> Target<'a> {
    /// `-o FILE` if given, else standard output.
    pub fn of(path: Option<&'a Path>) -> Target<'a> {
        path.map_or(Target::Stdout, Target::File)
    }

    /// Runs `write` with a buffered sink into this target; a file is replaced only when `write`
    /// succeeded and everything reached the disk.
    pub fn emit(self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        match self {
            Target::File(path) => write_file(path, write),
            Target::Stdout => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                write(&mut out)?;
                // A closed pipe surfaces as a `BrokenPipe` error for `main`.
                out.flush()?;
                Ok(())
            }
        }
    }
}

/// Writes `path` atomically with what `write` puts into the sink.
fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".danvan-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "{}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
    let tmp_path = tmp.path().to_path_buf();
    track(&tmp_path, true);
    let mut sink = std::io::BufWriter::new(tmp);
    let written = write(&mut sink)
        .and_then(|_| sink.flush().map_err(anyhow::Error::from))
        .with_context(|| format!("{}: cannot write", path.display()))
        .and_then(|_| {
            let tmp = sink
                .into_inner()
                .map_err(|e| anyhow::Error::from(e.into_error()))?;
            tmp.as_file()
                .sync_all()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            tmp.persist(path)
                .map(|_| ())
                .with_context(|| format!("{}: cannot write", path.display()))
        });
    // On failure the temporary file was dropped (and so removed) inside `persist` or here.
    track(&tmp_path, false);
    written
}

/// Writes `text` to standard output.
pub fn write_stdout(text: &[u8]) -> Result<()> {
    Target::Stdout.emit(|out| Ok(out.write_all(text)?))
}

/// Whether `err` is a closed pipe (`danvan … | head`), however deep a writer wrapped it.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            e.kind() == BrokenPipe
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe)
        } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            e.io_error_kind() == Some(BrokenPipe)
        } else {
            false
        }
    })
}

/// Writes a line to standard error, ignoring failure (there is nowhere else to say it).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

//! Where results go. A file is written whole or not at all: the text goes to a temporary file in
//! the same folder, which is renamed over the target only once fully written and flushed, so an
//! error or an interruption leaves the old file as it was. An input is never overwritten.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Writes `text` to `path` atomically.
pub fn write_file(path: &Path, text: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
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
    tmp.write_all(text)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// Writes `text` to standard output; a closed pipe surfaces as a `BrokenPipe` error for `main`.
pub fn write_stdout(text: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text)?;
    out.flush()?;
    Ok(())
}

/// Writes a line to standard error, ignoring failure (there is nowhere else to say it).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

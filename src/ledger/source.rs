//! Opening an input and turning its bytes into UTF-8.
//!
//! Everything after this module sees UTF-8 without a BOM. UTF-8 files pass through untouched (the
//! fast path: no copy, no decoding); a UTF-16 file announces itself with a BOM and is decoded; any
//! other encoding must be named with `--encoding` (Windows-1258 for old Vietnamese office files)
//! and is decoded by `encoding_rs`. Invalid UTF-8 is caught later, per record, so the error can
//! name the line.

use crate::problem::Failure;
use anyhow::{Context, Result, bail};
use encoding_rs::Encoding;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input named on the command line.
#[derive(Debug, Clone)]
pub struct Source {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// How messages name it.
    pub name: Arc<str>,
}

impl Source {
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source {
                path: None,
                name: Arc::from("<stdin>"),
            }
        } else {
            Source {
                path: Some(PathBuf::from(arg)),
                name: Arc::from(arg),
            }
        }
    }

    /// What the file looks like now, to notice it changing while it is read: `None` for
    /// standard input and anything that is not a regular file (a FIFO has no size to compare).
    pub fn stamp(&self) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(self.path.as_ref()?).ok()?;
        m.is_file().then(|| Stamp {
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            inode: (m.dev(), m.ino()),
        })
    }

    /// An error if the file no longer looks as it did at `before` (size, modification time,
    /// inode): it was written to, cut or replaced while danvan read it, so what was read may be
    /// half of one version and half of another.
    pub fn unchanged_since(&self, before: Option<Stamp>) -> Result<()> {
        if before.is_some() && self.stamp() != before {
            bail!(
                "{}: the file changed while danvan was reading it (its size, time or inode \
                 moved), so the totals could mix two versions of it; run again when nothing is \
                 writing to it",
                self.name
            );
        }
        Ok(())
    }

    /// Size in bytes when known (files), for the progress bar.
    pub fn size(&self) -> Option<u64> {
        self.path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
    }
}

/// Whether `arg` reads standard input: `-`, or a path to the very file standard input is
/// (`/dev/stdin`, `/dev/fd/0`, or the file it was redirected from), which can be read only once.
pub fn is_stdin(arg: &str) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    if arg == "-" {
        return true;
    }
    let Ok(path) = std::fs::metadata(arg) else {
        return false;
    };
    let stdin = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .and_then(|f| f.metadata());
    stdin.is_ok_and(|s| (s.dev(), s.ino()) == (path.dev(), path.ino()))
}

/// What a file looked like: its size, modification time and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: (i64, i64),
    inode: (u64, u64),
}

/// Looks up an encoding by any WHATWG label (`windows-1258`, `cp1258`, `utf-16le`, `latin1`…).
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding> {
    match Encoding::for_label(label.trim().as_bytes()) {
        Some(e) => Ok(e),
        None => bail!(
            "unknown encoding {label:?}; use a WHATWG name such as windows-1258, utf-8 or utf-16le"
        ),
    }
}

/// Opens `source` and returns a reader of its text as UTF-8 without a BOM.
pub fn open(source: &Source, encoding: Option<&'static Encoding>) -> Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = match &source.path {
        None => Box::new(io::stdin()),
        Some(path) => Box::new(open_file(path)?),
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let mut head = [0u8; 3];
    let n = read_up_to(&mut reader, &mut head)
        .with_context(|| format!("{}: cannot read", source.name))?;
    let head = &head[..n];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let decode = matches!(encoding, Some(enc) if enc != encoding_rs::UTF_8) || utf16;
    // The UTF-8 BOM is dropped here; a decoder sniffs (and drops) its own BOM.
    let skip = if !decode && head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let rest = io::Cursor::new(head[skip..].to_vec()).chain(reader);
    if decode {
        Ok(decoder(rest, encoding.filter(|e| *e != encoding_rs::UTF_8)))
    } else {
        Ok(Box::new(rest))
    }
}

fn open_file(path: &Path) -> Result<File> {
    let file = || path.display().to_string();
    if path.is_dir() {
        return Err(Failure::IsFolder { file: file() }.into());
    }
    File::open(path).map_err(|error| {
        Failure::CannotOpen {
            file: file(),
            error,
        }
        .into()
    })
}

fn decoder<R: Read + Send + 'static>(
    inner: R,
    encoding: Option<&'static Encoding>,
) -> Box<dyn Read + Send> {
    // A BOM, when present, wins over the label: it is the file's own word.
    Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(encoding)
            .bom_override(true)
            .strip_bom(true)
            .build(inner),
    )
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

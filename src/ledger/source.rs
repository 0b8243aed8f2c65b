//! Opening an input and turning its bytes into UTF-8.
//!
//! Everything after this module sees UTF-8 without a BOM. UTF-8 files pass through untouched (the
//! fast path: no copy, no decoding); a UTF-16 file announces itself with a BOM and is decoded; any
//! other encoding must be named with `--encoding` (Windows-1258 for old Vietnamese office files)
//! and is decoded by `encoding_rs`. Invalid UTF-8 is caught later, per record, so the error can
//! name the line.
//!
//! Each file is judged on its own, so one run can mix encodings: a BOM is the file's own word,
//! and with `--encoding` a file that is valid UTF-8 with accented letters is read as UTF-8 anyway
//! (with a note): no Windows-1258 text is valid UTF-8 in practice, and reading UTF-8 as
//! Windows-1258 would turn every accent into garbage. A workbook (`.xlsx`, `.xls`, `.ods`) is
//! recognised by its first bytes and refused with the way to save it as CSV.

pub use crate::identity::Stamp;
use crate::problem::{Failure, Kind};
use anyhow::{Context, Result, anyhow, bail};
use encoding_rs::Encoding;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A spreadsheet workbook given where a CSV file was expected, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workbook {
    /// Excel 2007 and later (a ZIP archive).
    Xlsx,
    /// Excel 97–2003 (an OLE compound file).
    Xls,
    /// LibreOffice / OpenOffice Calc (a ZIP archive with an OpenDocument mimetype).
    Ods,
}

/// The workbook `head` (the first bytes of a file) starts, if any.
pub fn workbook(head: &[u8]) -> Option<Workbook> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if head.starts_with(OLE) {
        return Some(Workbook::Xls);
    }
    if head.starts_with(b"PK\x03\x04") {
        // An OpenDocument file stores its mimetype first, uncompressed.
        let ods = b"application/vnd.oasis.opendocument.spreadsheet";
        let is_ods = head.windows(ods.len()).any(|w| w == ods);
        return Some(if is_ods {
            Workbook::Ods
        } else {
            Workbook::Xlsx
        });
    }
    None
}

/// An opened input: its text as UTF-8, and a note when it was read otherwise than asked.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    pub note: Option<Kind>,
}

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
        crate::identity::stamp(self.path.as_ref()?)
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
    use crate::identity::{of_path, of_stdin};
    if arg == "-" {
        return true;
    }
    match of_path(Path::new(arg)) {
        Some(path) => of_stdin() == Some(path),
        None => false,
    }
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

/// How many bytes of standard input decide whether it is UTF-8 despite `--encoding` (a file is
/// read through first instead).
const STDIN_SNIFF: usize = 1 << 16;

/// Opens `source` and returns a reader of its text as UTF-8 without a BOM.
pub fn open(source: &Source, encoding: Option<&'static Encoding>) -> Result<Opened> {
    let raw: Box<dyn Read + Send> = match &source.path {
        None => Box::new(io::stdin()),
        Some(path) => Box::new(open_file(path)?),
    };
    let mut reader = BufReader::with_capacity(STDIN_SNIFF, raw);
    let cannot = || format!("{}: cannot read", source.name);
    let mut head = [0u8; 128];
    let n = read_up_to(&mut reader, &mut head).with_context(cannot)?;
    let head = &head[..n];
    if let Some(book) = workbook(head) {
        let kind = Kind::Workbook(book);
        return Err(anyhow!(
            "{}: {}",
            source.name,
            crate::problem::en::message(&kind)
        ));
    }
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let mut encoding = encoding.filter(|e| *e != encoding_rs::UTF_8);
    let mut note = None;
    if let (Some(asked), false, false) = (encoding, bom, utf16) {
        let utf8 = match &source.path {
            Some(path) => is_utf8_text(open_file(path)?).with_context(cannot)?,
            None => {
                // Standard input cannot be read twice: what is buffered decides.
                let buffered = reader.fill_buf().with_context(cannot)?;
                let sample = [head, buffered].concat();
                looks_utf8(&sample)
            }
        };
        if utf8 {
            encoding = None;
            note = Some(Kind::ReadAsUtf8 {
                asked: asked.name().to_string(),
            });
        }
    }
    let decode = encoding.is_some() || utf16;
    // The UTF-8 BOM is dropped here; a decoder sniffs (and drops) its own BOM.
    let skip = if !decode && bom { 3 } else { 0 };
    let rest = io::Cursor::new(head[skip..].to_vec()).chain(reader);
    let reader = if decode {
        decoder(rest, encoding)
    } else {
        Box::new(rest)
    };
    Ok(Opened { reader, note })
}

/// True when the whole of `file` is valid UTF-8 holding at least one character beyond ASCII
/// (pure ASCII reads the same in every encoding `--encoding` is meant for, and is left to it).
fn is_utf8_text(mut file: File) -> io::Result<bool> {
    let mut buf = vec![0u8; 1 << 20];
    // Bytes of a character cut by the end of the last block.
    let mut carry = 0;
    let mut wide = false;
    loop {
        let n = read_up_to(&mut file, &mut buf[carry..])?;
        let len = carry + n;
        if n == 0 {
            return Ok(carry == 0 && wide);
        }
        let block = &buf[..len];
        let valid = match simdutf8::compat::from_utf8(block) {
            Ok(_) => len,
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return Ok(false),
        };
        wide = wide || !block[..valid].is_ascii();
        buf.copy_within(valid..len, 0);
        carry = len - valid;
    }
}

/// True when `sample` (the start of an input) is valid UTF-8, but for a character cut at its
/// end, and holds at least one character beyond ASCII.
fn looks_utf8(sample: &[u8]) -> bool {
    let valid = match simdutf8::compat::from_utf8(sample) {
        Ok(_) => sample.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return false,
    };
    !sample[..valid].is_ascii()
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

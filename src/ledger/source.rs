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
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// When the text is the file's own bytes (no decoding), the hash that whoever reads
    /// `reader` must feed every byte it reads, and the end (the chunker does:
    /// [`Chunker::tapped`](super::chunk::Chunker::tapped)); a decoded file is hashed beneath
    /// its decoder instead.
    pub tap: Option<FileHash>,
    /// Where the text starts in the file, when it is the file's own bytes (a file named on the
    /// command line, not decoded): byte `n` of the text is byte `n + raw_start` of the file.
    pub raw_start: Option<u64>,
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
    open_hashed(source, encoding, None)
}

/// The SHA-256 of a file's bytes, taken as they are read for parsing, so that a run needing both
/// (the report's audit trail) reads the file once. Shared with the reader it is given to.
#[derive(Clone, Default)]
pub struct FileHash(Arc<Mutex<HashState>>);

#[derive(Default)]
struct HashState {
    sha: Sha256,
    bytes: u64,
    /// The reader saw the end of the file: the hash is of all of it.
    ended: bool,
}

impl FileHash {
    /// Adds the next bytes of the file.
    pub fn update(&self, bytes: &[u8]) {
        if let Ok(mut state) = self.0.lock() {
            state.sha.update(bytes);
            state.bytes += bytes.len() as u64;
        }
    }

    /// The reader saw the end of the file: every byte of it is in the hash.
    pub fn end(&self) {
        if let Ok(mut state) = self.0.lock() {
            state.ended = true;
        }
    }

    /// The hash in hex as `sha256sum` prints it, if the file was read to its end and held
    /// `len` bytes; `None` otherwise (reading stopped early), and the caller hashes it itself.
    pub fn finish(self, len: u64) -> Option<String> {
        let state = Arc::try_unwrap(self.0).ok()?.into_inner().ok()?;
        (state.ended && state.bytes == len).then(|| hex(&state.sha.finalize()))
    }
}

/// Bytes in lower-case hex, as `sha256sum` prints a hash.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Passes every byte read from `inner` through the hash, beneath the decoding of a file that is
/// not UTF-8, so the hash is of the file as stored. (A UTF-8 file's bytes are hashed by the
/// chunker that reads them instead: std zeroes the buffer before every `read` of a reader that
/// is not std's own, which cost 3% of the report's time.)
struct Hashing<R> {
    inner: R,
    hash: FileHash,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // One lock per read of up to a chunk (1 MiB), on the reading thread only: nothing waits.
        if let Ok(mut state) = self.hash.0.lock() {
            if n == 0 && !buf.is_empty() {
                state.ended = true;
            }
            state.sha.update(&buf[..n]);
            state.bytes += n as u64;
        }
        Ok(n)
    }
}

/// [`open`], passing the file's bytes through `hash` as they are read (standard input is not
/// hashed: `hash` then stays unfinished).
pub fn open_hashed(
    source: &Source,
    encoding: Option<&'static Encoding>,
    hash: Option<&FileHash>,
) -> Result<Opened> {
    // Standard input is not hashed.
    let hash = hash.filter(|_| source.path.is_some());
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
    // The bytes read so far are hashed here (all of them beneath a decoder; only the BOM the
    // chunker will not see otherwise); the rest as they are read: beneath the decoder, or by the
    // chunker, which is handed the tap.
    if let Some(hash) = hash {
        hash.update(if decode { head } else { &head[..skip] });
    }
    let reader: Box<dyn Read + Send> = match hash.filter(|_| decode) {
        Some(hash) => Box::new(Hashing {
            inner: reader,
            hash: hash.clone(),
        }),
        None => Box::new(reader),
    };
    let rest = io::Cursor::new(head[skip..].to_vec()).chain(reader);
    let (reader, tap) = if decode {
        (decoder(rest, encoding), None)
    } else {
        (Box::new(rest) as Box<dyn Read + Send>, hash.cloned())
    };
    let raw_start = (!decode && source.path.is_some()).then_some(skip as u64);
    Ok(Opened {
        reader,
        note,
        tap,
        raw_start,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::chunk::Chunker;

    fn sha_of(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    /// The report trusts the hash taken while reading only when the whole file went through it:
    /// a file read to its end gives `sha256sum`'s hash of the bytes as stored (BOM included,
    /// UTF-16 before decoding); one read part of the way gives none, so it is hashed again.
    #[test]
    fn a_file_hashed_while_read_gives_its_stored_bytes_hash_only_when_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "date,amount\n2024-01-01,5\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let big: Vec<u8> = (0..3_000_000u32)
            .map(|i| b"ab,\n"[i as usize % 4])
            .collect();
        for (name, bytes) in [
            (
                "bom.csv",
                b"\xEF\xBB\xBFdate,amount\n2024-01-01,5\n".to_vec(),
            ),
            ("utf16.csv", utf16),
            ("big.csv", big),
            ("empty.csv", Vec::new()),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let source = Source::from_arg(path.to_str().unwrap());
            // Read as the engine reads: chunks (a UTF-8 file's bytes are hashed by the chunker,
            // a decoded file's beneath its decoder).
            let chunker = |hash: &FileHash| {
                let opened = open_hashed(&source, None, Some(hash)).unwrap();
                Chunker::new(opened.reader, 1 << 16, 1 << 20).tapped(opened.tap)
            };
            let hash = FileHash::default();
            let mut whole = chunker(&hash);
            while let Some(chunk) = whole.next_chunk().unwrap() {
                whole.recycle(chunk.data);
            }
            drop(whole);
            let len = bytes.len() as u64;
            assert_eq!(hash.finish(len), Some(sha_of(&bytes)), "{name}");

            if bytes.len() > 100 {
                let hash = FileHash::default();
                let mut part = chunker(&hash);
                part.next_chunk().unwrap();
                drop(part);
                assert_eq!(hash.finish(len), None, "{name} read in part");
            }
        }
    }
}

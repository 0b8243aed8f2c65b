//! Cutting a byte stream into chunks of whole records, so records can be parsed anywhere.
//!
//! A chunk always starts at a record start and ends just after a record's line end (or at the end
//! of input). Where a record ends depends on quotes: a quoted field may hold newlines. The cut is
//! found by following quotes with `memchr` where quotes are few (near memory speed), or from the
//! quote masks of [`super::quotes`] where they are many, with the same rule the CSV parser uses: a
//! quote opens a quoted field only at the start of a field.
//! Each chunk carries the physical line it starts on, so problems can name their line exactly
//! whichever thread parses the chunk. A record that cannot be closed within `max_record` bytes (an
//! unclosed quote, a file with no line ends) is an error, not unbounded memory.

use super::quotes;
use super::source::FileHash;
use memchr::memchr;
use std::io::{self, Read};

/// Records of one input, cut at a record boundary.
#[derive(Debug)]
pub struct Chunk {
    pub data: Vec<u8>,
    /// Physical line (1-based, the header being line 1) where the chunk's first record starts.
    pub first_line: u64,
}

#[derive(Debug)]
pub enum ChunkError {
    Io(io::Error),
    /// No record boundary within the size limit, starting at this line; `quoted` when a quoted
    /// field opened in it is still open (an unclosed quote), else it simply has no line end.
    RecordTooLong {
        line: u64,
        limit: usize,
        quoted: bool,
    },
}

impl std::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkError::Io(e) => write!(f, "read error: {e}"),
            ChunkError::RecordTooLong {
                line,
                limit,
                quoted,
            } => write!(
                f,
                "{line}: a record here runs over {} MiB without ending ({})",
                limit >> 20,
                if *quoted {
                    "an unclosed quote?"
                } else {
                    "it has no line end: is this a CSV file?"
                }
            ),
        }
    }
}

pub struct Chunker<R> {
    reader: R,
    buf: Vec<u8>,
    eof: bool,
    target: usize,
    max_record: usize,
    delimiter: u8,
    next_line: u64,
    /// Buffers of parsed chunks, reused for the next ones.
    pool: Vec<Vec<u8>>,
    /// The file's hash, fed every byte as it is read (the report's audit trail).
    tap: Option<FileHash>,
    /// Bytes of the input handed out as chunks or skipped so far: where the next chunk starts
    /// in the input.
    consumed: u64,
}

impl<R: Read> Chunker<R> {
    pub fn new(reader: R, target: usize, max_record: usize) -> Self {
        Chunker {
            reader,
            buf: Vec::new(),
            eof: false,
            target: target.max(1),
            max_record,
            delimiter: b',',
            next_line: 1,
            pool: Vec::new(),
            tap: None,
            consumed: 0,
        }
    }

    /// Feeds every byte read, and the end of the input, to `tap`.
    pub fn tapped(mut self, tap: Option<FileHash>) -> Self {
        self.tap = tap;
        self
    }

    /// The first line with anything on it but delimiters and spaces (the header line), read
    /// ahead without consuming it, for delimiter detection. Blank lines and Excel's empty rows
    /// (`;;;;`) above the header say nothing about the delimiter.
    pub fn peek_first_line(&mut self) -> Result<&[u8], ChunkError> {
        let blank = |line: &[u8]| line.iter().all(|b| b" \t\r,;".contains(b));
        let (mut start, mut scanned) = (0, 0);
        loop {
            while let Some(i) = memchr(b'\n', &self.buf[scanned..]) {
                let end = scanned + i;
                if !blank(&self.buf[start..end]) {
                    return Ok(&self.buf[start..end]);
                }
                (start, scanned) = (end + 1, end + 1);
            }
            scanned = self.buf.len();
            if self.eof || self.buf.len() >= self.max_record {
                return Ok(&self.buf[start..]);
            }
            // Grow geometrically so a file with no line end costs linear time, not quadratic.
            self.fill((self.buf.len() * 2).max(64 << 10).min(self.max_record))?;
        }
    }

    /// The first `lines` physical lines (fewer at the end of input, or as many as fit in
    /// `max_bytes`), read ahead without consuming them, for finding the header below title
    /// rows; and whether they reach the end of the input.
    pub fn peek_lines(
        &mut self,
        lines: usize,
        max_bytes: usize,
    ) -> Result<(&[u8], bool), ChunkError> {
        let mut scanned = 0;
        let mut seen = 0;
        loop {
            while let Some(i) = memchr(b'\n', &self.buf[scanned..]) {
                scanned += i + 1;
                seen += 1;
                if seen == lines {
                    return Ok((&self.buf[..scanned], false));
                }
            }
            scanned = self.buf.len();
            if self.eof || self.buf.len() >= max_bytes.min(self.max_record) {
                let end = self.buf.len().min(max_bytes);
                return Ok((&self.buf[..end], self.eof && end == self.buf.len()));
            }
            self.fill((self.buf.len() * 2).max(64 << 10).min(self.max_record))?;
        }
    }

    /// The next physical line, read ahead without consuming it (for delimiter detection on a
    /// header line given by number).
    pub fn peek_line(&mut self) -> Result<&[u8], ChunkError> {
        let (lines, _) = self.peek_lines(1, self.max_record)?;
        Ok(lines.strip_suffix(b"\n").unwrap_or(lines))
    }

    /// Drops the next `n` physical lines as they are, quotes or not (title rows above a header
    /// are no part of the table), and returns how many there were: fewer than `n` at the end of
    /// the input. Line numbers go on counting from where the lines were.
    pub fn skip_lines(&mut self, n: u64) -> Result<u64, ChunkError> {
        let mut left = n;
        while left > 0 {
            let mut end = 0;
            while left > 0 {
                match memchr(b'\n', &self.buf[end..]) {
                    Some(i) => {
                        end += i + 1;
                        left -= 1;
                    }
                    None => break,
                }
            }
            self.buf.drain(..end);
            self.consumed += end as u64;
            if left == 0 {
                break;
            }
            if self.eof {
                // A last line without a line end is a line too.
                if !self.buf.is_empty() {
                    self.consumed += self.buf.len() as u64;
                    self.buf.clear();
                    left -= 1;
                }
                break;
            }
            // No line end in what is buffered: it is all one line so far.
            if self.buf.len() >= self.max_record {
                let kept = self.buf.len();
                self.consumed += kept as u64;
                self.buf.clear();
                self.fill((kept).max(64 << 10))?;
                continue;
            }
            self.fill((self.buf.len() * 2).max(64 << 10).min(self.max_record))?;
        }
        let skipped = n - left;
        self.next_line += skipped;
        Ok(skipped)
    }

    /// Where the next chunk starts, in bytes from the start of the input.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
    }

    /// The first record (the header), or `None` for an empty input.
    pub fn header(&mut self) -> Result<Option<Chunk>, ChunkError> {
        loop {
            if let Some(end) = first_boundary(&self.buf, self.delimiter) {
                return Ok(Some(self.take(end)));
            }
            if self.eof {
                return Ok(if self.buf.is_empty() {
                    None
                } else {
                    Some(self.take(self.buf.len()))
                });
            }
            self.grow()?;
        }
    }

    /// The next chunk of whole records, `None` at the end of input.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, ChunkError> {
        loop {
            if self.buf.len() > self.target {
                // Cut near the target size: the last record end before it, else the first one
                // after it (a record longer than the target makes a bigger chunk).
                let near = last_boundary(&self.buf[..self.target], self.delimiter);
                let cut = near.or_else(|| boundary_from(&self.buf, self.delimiter, self.target));
                if let Some(end) = cut {
                    return Ok(Some(self.take(end)));
                }
            }
            if self.eof {
                return Ok((!self.buf.is_empty()).then(|| self.take(self.buf.len())));
            }
            self.grow()?;
        }
    }

    /// Reads more: up to the target size, or doubling when one record is longer than that. A
    /// record may be `max_record` bytes long, its line end not counted: the buffer may hold one
    /// byte more, and only a buffer that full with no record end in it is an error.
    fn grow(&mut self) -> Result<(), ChunkError> {
        if self.buf.len() > self.max_record {
            return Err(ChunkError::RecordTooLong {
                line: self.next_line,
                limit: self.max_record,
                quoted: ends_in_quotes(&self.buf, self.delimiter),
            });
        }
        let want = (self.buf.len() * 2)
            .max(self.target)
            .min(self.max_record + 1);
        self.fill(want)
    }

    fn fill(&mut self, want: usize) -> Result<(), ChunkError> {
        // Room for all of it at once (a no-op when there is room already).
        self.buf.reserve(want.saturating_sub(self.buf.len()));
        while self.buf.len() < want && !self.eof {
            // `read_to_end` through `take` reads into spare capacity without zeroing it first,
            // and retries a read interrupted by a signal itself.
            let before = self.buf.len();
            let limit = (want - before) as u64;
            match (&mut self.reader).take(limit).read_to_end(&mut self.buf) {
                Ok(n) => {
                    if let Some(tap) = &self.tap {
                        tap.update(&self.buf[before..]);
                    }
                    if (n as u64) < limit {
                        self.eof = true;
                        if let Some(tap) = &self.tap {
                            tap.end();
                        }
                    }
                }
                Err(e) => return Err(ChunkError::Io(e)),
            }
        }
        Ok(())
    }

    /// Gives back a chunk's buffer once its records are read.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.pool.len() < 4 && buf.capacity() > 0 {
            buf.clear();
            self.pool.push(buf);
        }
    }

    fn take(&mut self, end: usize) -> Chunk {
        let mut rest = self.pool.pop().unwrap_or_default();
        rest.extend_from_slice(&self.buf[end..]);
        let mut data = std::mem::replace(&mut self.buf, rest);
        data.truncate(end);
        self.consumed += end as u64;
        let first_line = self.next_line;
        self.next_line += bytecount::count(&data, b'\n') as u64;
        Chunk { data, first_line }
    }
}

/// Whether a quote at `i` opens a quoted field. This must match `record`'s reading exactly (only
/// `\n` ends a record there; a lone `\r` is data), or chunks would be cut inside a record.
fn at_field_start(buf: &[u8], i: usize, delimiter: u8) -> bool {
    i == 0 || buf[i - 1] == b'\n' || buf[i - 1] == delimiter
}

/// Whether a quoted field opened in `buf` (read from a record start) is still open at its end.
/// Run once, when a record is too long, to say whether a quote is to blame.
fn ends_in_quotes(buf: &[u8], delimiter: u8) -> bool {
    let mut in_quotes = false;
    let mut pos = 0;
    while let Some(off) = memchr(b'"', &buf[pos..]) {
        let i = pos + off;
        pos = i + 1;
        if !in_quotes {
            in_quotes = at_field_start(buf, i, delimiter);
        } else {
            match buf.get(i + 1) {
                Some(b'"') => pos = i + 2,
                Some(_) => in_quotes = false,
                // Maybe half of `""`: still open as far as anyone can tell.
                None => {}
            }
        }
    }
    in_quotes
}

/// Index just past the first line end outside quotes.
pub fn first_boundary(buf: &[u8], delimiter: u8) -> Option<usize> {
    boundary_from(buf, delimiter, 0)
}

/// Whether `buf` has many quotes (a spreadsheet export that quotes every cell), judged from its
/// first 16 KiB: then the quote masks of [`quotes::Blocks`], 64 bytes at a time, find the record
/// ends faster than following quotes one by one with `memchr` (which wins when quotes are few).
fn quoted_densely(buf: &[u8]) -> bool {
    let sample = &buf[..buf.len().min(16 << 10)];
    bytecount::count(sample, b'"') * 64 >= sample.len()
}

/// Index just past the first line end outside quotes that lies at or after `min`.
pub fn boundary_from(buf: &[u8], delimiter: u8, min: usize) -> Option<usize> {
    if quoted_densely(buf) {
        boundary_from_masks(buf, delimiter, min)
    } else {
        follow::boundary_from(buf, delimiter, min)
    }
}

/// Index just past the last line end outside quotes, scanning from a record start.
pub fn last_boundary(buf: &[u8], delimiter: u8) -> Option<usize> {
    if quoted_densely(buf) {
        last_boundary_masks(buf, delimiter)
    } else {
        follow::last_boundary(buf, delimiter)
    }
}

/// [`boundary_from`] by the masks: the first line end outside quotes in a block, at or after
/// `min`.
fn boundary_from_masks(buf: &[u8], delimiter: u8, min: usize) -> Option<usize> {
    for block in quotes::Blocks::new(buf, 0, delimiter) {
        let skip = min.saturating_sub(block.base);
        let eol = if skip >= 64 {
            0
        } else {
            block.eol >> skip << skip
        };
        if eol != 0 {
            return Some(block.base + eol.trailing_zeros() as usize + 1);
        }
    }
    None
}

/// [`last_boundary`] by the masks: the last line end outside quotes of the last block with one.
/// (A quote as the last byte may be half of `""`, but no line end lies after it, so it changes
/// nothing.)
fn last_boundary_masks(buf: &[u8], delimiter: u8) -> Option<usize> {
    let mut last = None;
    for block in quotes::Blocks::new(buf, 0, delimiter) {
        if block.eol != 0 {
            last = Some(block.base + 64 - block.eol.leading_zeros() as usize);
        }
    }
    last
}

/// The boundary search for buffers with few quotes: following them one by one, a `memchr` and a
/// branch per quote (and the model the masks are tested against).
mod follow {
    use super::at_field_start;
    use memchr::{memchr, memchr2, memrchr};

    pub fn boundary_from(buf: &[u8], delimiter: u8, min: usize) -> Option<usize> {
        let mut in_quotes = false;
        let mut pos = 0;
        while let Some(off) = memchr2(b'"', b'\n', &buf[pos..]) {
            let i = pos + off;
            pos = i + 1;
            match buf[i] {
                b'\n' if !in_quotes && i >= min => return Some(i + 1),
                b'"' if !in_quotes => in_quotes = at_field_start(buf, i, delimiter),
                b'"' => match buf.get(i + 1) {
                    Some(b'"') => pos = i + 2,
                    Some(_) => in_quotes = false,
                    None => return None,
                },
                _ => {}
            }
        }
        None
    }

    pub fn last_boundary(buf: &[u8], delimiter: u8) -> Option<usize> {
        let mut in_quotes = false;
        let mut pos = 0;
        let mut outside_from = 0;
        let mut best = None;
        while let Some(off) = memchr(b'"', &buf[pos..]) {
            let q = pos + off;
            pos = q + 1;
            if !in_quotes {
                if at_field_start(buf, q, delimiter) {
                    if let Some(nl) = memrchr(b'\n', &buf[outside_from..q]) {
                        best = Some(outside_from + nl + 1);
                    }
                    in_quotes = true;
                }
            } else {
                match buf.get(q + 1) {
                    Some(b'"') => pos = q + 2,
                    Some(_) => {
                        in_quotes = false;
                        outside_from = pos;
                    }
                    None => return best,
                }
            }
        }
        if !in_quotes && let Some(nl) = memrchr(b'\n', &buf[outside_from..]) {
            return Some(outside_from + nl + 1);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_respect_quotes() {
        let buf = b"a,b\n\"x\ny\",z\nc,\"d";
        assert_eq!(first_boundary(buf, b','), Some(4));
        assert_eq!(last_boundary(buf, b','), Some(12));
        assert_eq!(last_boundary(b"a,\"q\nq\"\"\n", b','), None);
        assert_eq!(last_boundary(b"ab\"c\nd\n", b','), Some(7));
        assert_eq!(last_boundary(b"a\"\"b,c\n", b','), Some(7));
        // A lone CR is data, so the quote after it is literal (found by fuzzing).
        assert_eq!(last_boundary(b"\r\"a\nb", b','), Some(4));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The masks find the same first and last record ends as following quotes one by one,
        /// on any text: quotes opening fields or not, doubled, unclosed or last, CR, LF and
        /// runs that cross the 64-byte blocks; and so do chunks cut from it at any size.
        #[test]
        fn boundaries_as_following_quotes(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", "\"x\"", "\"a,\nb\"",
                    "\"q\"\"\n\"", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n\"",
                ]),
                0..50,
            ),
            delimiter in proptest::sample::select(vec![b',', b';']),
            min in 0usize..200,
        ) {
            let text: String = parts.concat();
            let buf = text.as_bytes();
            proptest::prop_assert_eq!(
                last_boundary_masks(buf, delimiter),
                follow::last_boundary(buf, delimiter),
                "{:?}",
                text
            );
            proptest::prop_assert_eq!(
                boundary_from_masks(buf, delimiter, min),
                follow::boundary_from(buf, delimiter, min),
                "{:?} from {}",
                text,
                min
            );
            for end in [buf.len().saturating_sub(1), buf.len() / 2, 64.min(buf.len())] {
                proptest::prop_assert_eq!(
                    last_boundary_masks(&buf[..end], delimiter),
                    follow::last_boundary(&buf[..end], delimiter),
                    "{:?}",
                    &text.as_bytes()[..end]
                );
            }
        }
    }

    fn chunks(input: &[u8], target: usize) -> Vec<(u64, Vec<u8>)> {
        let mut c = Chunker::new(input, target, 1 << 20);
        let mut out = vec![];
        let h = c.header().unwrap().unwrap();
        out.push((h.first_line, h.data));
        while let Some(ch) = c.next_chunk().unwrap() {
            out.push((ch.first_line, ch.data));
        }
        out
    }

    #[test]
    fn every_byte_once_and_lines_right() {
        let input = b"h1,h2\n1,\"a\nb\"\n2,x\n3,\"c\"\"\nd\"\n4,y";
        for target in 1..input.len() + 2 {
            let parts = chunks(input, target);
            let joined: Vec<u8> = parts.iter().flat_map(|p| p.1.clone()).collect();
            assert_eq!(joined, input.to_vec(), "target {target}");
            for (line, data) in &parts {
                let before = input
                    .windows(data.len())
                    .position(|w| w == data.as_slice())
                    .unwrap();
                let expect = 1 + input[..before].iter().filter(|&&b| b == b'\n').count() as u64;
                assert_eq!(*line, expect);
                // No chunk ends inside a quoted field.
                assert!(data.ends_with(b"\n") || data.ends_with(b"y"));
            }
        }
    }

    /// A reader that counts how often it is asked for bytes.
    struct Counting<'a> {
        data: &'a [u8],
        reads: usize,
    }

    impl Read for Counting<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            self.data.read(out)
        }
    }

    #[test]
    fn chunks_stay_near_the_target_size() {
        // A record longer than the target (opening with a quoted field) first, then far more
        // than the record limit of short ones with quoted fields: only cutting near the target,
        // also after the long record and after closing quotes, reads it all.
        let long = [&b"\"a,\"\"b\"\"\","[..], &[b'x'; 40], b"\n"].concat();
        let short: Vec<u8> = (0..500)
            .flat_map(|i| format!("{i},\"x\"\n").into_bytes())
            .collect();
        let input = [long.clone(), short].concat();
        let mut c = Chunker::new(&input[..], 16, 64);
        let mut joined = Vec::new();
        while let Some(ch) = c.next_chunk().unwrap() {
            assert!(
                ch.data.len() <= 16 || ch.data == long,
                "{} bytes",
                ch.data.len()
            );
            joined.extend(ch.data);
        }
        assert_eq!(joined, input);
    }

    #[test]
    fn a_record_may_be_as_long_as_the_limit_and_no_longer() {
        let mut at_limit = vec![b'a'; 16];
        at_limit.extend_from_slice(b"\nb\n");
        let mut c = Chunker::new(&at_limit[..], 4, 16);
        assert_eq!(c.header().unwrap().unwrap().data.len(), 17);
        let over = [&[b'a'; 17][..], b"\nb\n"].concat();
        let mut c = Chunker::new(&over[..], 4, 16);
        assert!(matches!(
            c.header(),
            Err(ChunkError::RecordTooLong {
                line: 1,
                limit: 16,
                quoted: false
            })
        ));
        assert_eq!(
            ChunkError::RecordTooLong {
                line: 7,
                limit: 64 << 20,
                quoted: true
            }
            .to_string(),
            "7: a record here runs over 64 MiB without ending (an unclosed quote?)"
        );
        assert_eq!(
            ChunkError::RecordTooLong {
                line: 7,
                limit: 64 << 20,
                quoted: false
            }
            .to_string(),
            "7: a record here runs over 64 MiB without ending (it has no line end: is this a \
             CSV file?)"
        );
    }

    #[test]
    fn a_long_record_takes_few_reads() {
        // Reads double in size, so a record of 4 MiB costs a few dozen reads, not millions: time
        // stays linear in the record's length. Each way in reads on its own.
        let long = vec![b'a'; 4 << 20];
        let first = [&long[..], b"\nb\n"].concat();
        let second = [&b"h\n"[..], &long, b"\nb\n"].concat();
        let reads = |input: &[u8], go: &dyn Fn(&mut Chunker<&mut Counting>)| {
            let mut reader = Counting {
                data: input,
                reads: 0,
            };
            go(&mut Chunker::new(&mut reader, 16, 8 << 20));
            reader.reads
        };
        let peeked = reads(&first, &|c| {
            assert_eq!(c.peek_first_line().unwrap().len(), 4 << 20);
        });
        let header = reads(&first, &|c| {
            assert_eq!(c.header().unwrap().unwrap().data.len(), (4 << 20) + 1);
        });
        let chunk = reads(&second, &|c| {
            assert_eq!(c.header().unwrap().unwrap().data, b"h\n");
            assert_eq!(c.next_chunk().unwrap().unwrap().data.len(), (4 << 20) + 1);
        });
        assert!(
            peeked < 200 && header < 200 && chunk < 200,
            "{peeked} {header} {chunk}"
        );
    }

    #[test]
    fn runaway_record_is_an_error() {
        let input = vec![b'"'; 10_000];
        let mut c = Chunker::new(&input[..], 64, 1024);
        assert!(matches!(
            c.header(),
            Err(ChunkError::RecordTooLong {
                line: 1,
                quoted: true,
                ..
            })
        ));
        // A quote inside a field (not at its start) opens nothing, and a closed one is closed.
        assert!(!ends_in_quotes(b"ab\"c,d", b','));
        assert!(!ends_in_quotes(b"\"a\"\"b\",c", b','));
        assert!(ends_in_quotes(b"a,\"b\nc", b','));
    }

    #[test]
    fn lines_above_a_header_are_dropped_and_counted() {
        let input = b"Title \"quoted\nstill title\n;;;\nh1;h2\n1;2\n";
        let mut c = Chunker::new(&input[..], 4, 1 << 20);
        let (top, complete) = c.peek_lines(2, 1 << 20).unwrap();
        assert_eq!(
            (top, complete),
            (&b"Title \"quoted\nstill title\n"[..], false)
        );
        let (all, complete) = c.peek_lines(50, 1 << 20).unwrap();
        assert_eq!((all.len(), complete), (input.len(), true));
        // Physical lines, quotes or not: the unclosed quote of the title is no record.
        assert_eq!(c.skip_lines(3).unwrap(), 3);
        c.set_delimiter(b';');
        let header = c.header().unwrap().unwrap();
        assert_eq!((header.first_line, header.data), (4, b"h1;h2\n".to_vec()));
        assert_eq!(c.next_chunk().unwrap().unwrap().first_line, 5);
        // Past the end: only the lines there are (a last line without its end counts).
        let mut c = Chunker::new(&b"a\nb"[..], 4, 1 << 20);
        assert_eq!(c.skip_lines(5).unwrap(), 2);
        assert!(c.header().unwrap().is_none());
        // Lines longer than the record limit are skipped without holding them.
        let long = [&vec![b'x'; 300][..], b"\nh\n"].concat();
        let mut c = Chunker::new(&long[..], 4, 64);
        assert_eq!(c.skip_lines(1).unwrap(), 1);
        assert_eq!(c.peek_line().unwrap(), b"h");
    }
}

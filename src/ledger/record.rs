//! Splitting a chunk into records and fields, without copying or allocating per row.
//!
//! This is the innermost loop of every run. Every chunk, quoted or not, is split from the bit
//! masks of [`quotes`]: the delimiters and line ends outside quotes, 64 bytes at a time, taken
//! bit by bit rather than byte by byte. (Splitting each line found with `memchr` eight bytes at
//! a time was slower even on ledgers without a quote: 0.77 s against 0.65 s for the benchmark's
//! summary.) The rules are RFC 4180's as the CSV crate reads it: a quote opens a quoted field
//! only at the start of a field; `""` is a quote; a quoted field may hold delimiters and line
//! ends; text after a closing quote is kept. A field with nothing to unescape is a slice of the
//! chunk; the others are unescaped into a scratch buffer. The chunker cuts records with the same
//! rule. A trailing `\r` before `\n` is dropped; lines with nothing on them are skipped. The
//! chunk is checked to be UTF-8 once, up front, so every field is text.

use super::chunk::Chunk;
use super::quotes;
use anyhow::Result;

/// One field's place: in the chunk, or (unescaped) in the scratch buffer.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    scratch: bool,
}

/// The fields of one record.
pub struct Record<'a> {
    data: &'a [u8],
    scratch: &'a [u8],
    spans: &'a [Span],
    unclosed: bool,
}

// A record always has at least one field (empty lines are skipped), so it has no `is_empty`.
#[allow(clippy::len_without_is_empty)]
impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Where the record starts in the text it was read from (a chunk), when its first field is
    /// a slice of that text (not unescaped into a copy): a record starts a line, and its first
    /// field starts on that line, at most a quote after the record's start.
    pub fn start(&self) -> Option<usize> {
        let first = self.spans.first().filter(|s| !s.scratch)?;
        let at = first.start as usize;
        Some(memchr::memrchr(b'\n', self.data.get(..at)?).map_or(0, |i| i + 1))
    }

    /// Field `i` as bytes (valid UTF-8: the chunk was checked).
    pub fn bytes(&self, i: usize) -> &'a [u8] {
        match self.spans.get(i) {
            None => b"",
            Some(s) if s.scratch => &self.scratch[s.start as usize..s.end as usize],
            Some(s) => &self.data[s.start as usize..s.end as usize],
        }
    }

    /// ORs `first[a] & second[b]` over the fields at `fields`, where `a` and `b` are the two
    /// bytes a field starts with: a per-row test of a few columns that must cost next to
    /// nothing (the fast lane's look for totals labels in the columns it does not read). A
    /// quoted field, or one too near the end of the input to have two bytes after its start,
    /// gives 0xFF ("could be anything"). A field shorter than two bytes gives what follows it
    /// too, so the tables must only care about fields of two bytes or more. Always inlined: the
    /// fast lane calls it on every row, where a call was measured to cost.
    #[inline(always)]
    pub fn starts(&self, fields: &[u32], first: &[u8; 256], second: &[u8; 256]) -> u8 {
        let mut hit = 0u8;
        for &i in fields {
            hit |= match self.spans.get(i as usize) {
                Some(s) if !s.scratch => {
                    let at = s.start as usize;
                    match self.data.get(at..at + 2) {
                        Some(&[a, b]) => first[a as usize] & second[b as usize],
                        _ => 0xFF,
                    }
                }
                _ => 0xFF,
            };
        }
        hit
    }

    /// Field `i` as text.
    pub fn text(&self, i: usize) -> &'a str {
        // Fields are cut at ASCII bytes of a chunk already known to be UTF-8, so this cannot
        // fail; an empty string would be the harmless answer if it ever did.
        std::str::from_utf8(self.bytes(i)).unwrap_or_default()
    }

    pub fn texts(&self) -> Vec<&'a str> {
        (0..self.len()).map(|i| self.text(i)).collect()
    }

    /// True when a quoted field of this record is never closed (it ran to the end of the input,
    /// swallowing every line after it).
    pub fn unclosed_quote(&self) -> bool {
        self.unclosed
    }

    /// True when every field is empty or white space.
    pub fn is_blank(&self) -> bool {
        (0..self.len()).all(|i| self.bytes(i).iter().all(u8::is_ascii_whitespace))
    }
}

/// Calls `f` with each record of `chunk` and the physical line it starts on.
pub fn for_each_record<F>(chunk: &Chunk, delimiter: u8, file: &str, mut f: F) -> Result<()>
where
    F: FnMut(&Record<'_>, u64) -> Result<()>,
{
    for_each_record_ahead(chunk, delimiter, file, |record, line, _| f(record, line))
}

/// The record after a record, and its line, when it was read first: see
/// [`for_each_record_ahead`].
pub type Next<'r, 'a> = Option<(&'r Record<'a>, u64)>;

/// Calls `f` with each record of `chunk`, the physical line it starts on, and often the record
/// after it with its line (read already, and handed to `f` next). A row's work can then start
/// fetching from memory what the next row will need, while this one is worked on: a lookup in
/// a table out of cache waits on memory for longer than a core can look ahead within one row.
/// Every record but a chunk's last is read one ahead.
pub fn for_each_record_ahead<F>(chunk: &Chunk, delimiter: u8, file: &str, f: F) -> Result<()>
where
    F: FnMut(&Record<'_>, u64, Next<'_, '_>) -> Result<()>,
{
    let data = chunk.data.as_slice();
    check_utf8(data, delimiter, file, chunk.first_line)?;
    read_records(data, chunk.first_line, delimiter, f)
}

/// Every record of `data`, its first on line `line`, each (but the last) with the record after
/// it.
fn read_records<F>(data: &[u8], line: u64, delimiter: u8, mut f: F) -> Result<()>
where
    F: FnMut(&Record<'_>, u64, Next<'_, '_>) -> Result<()>,
{
    quoted_records(data, 0, line, delimiter, false, &mut f)
}

/// The records of `data` from `start` (a record start), from the masks of [`quotes::Blocks`]:
/// each delimiter or line end outside quotes ends a field (bit by bit, not byte by byte); a
/// field holding a doubled or literal quote (a bit of [`quotes::Block::odd`] before its end),
/// text after its closing quote, or an unclosed quote is unescaped by [`unescape`]; every other
/// field is a slice of the chunk. Line ends inside quotes are counted from the masks too.
///
/// Each record is handed over with the one after it (held back until that one is read), so the
/// fast lane can fetch what the next row needs while it works on this one. `once`: only the
/// first record, with no next.
fn quoted_records<F>(
    data: &[u8],
    start: usize,
    first_line: u64,
    delimiter: u8,
    once: bool,
    f: &mut F,
) -> Result<()>
where
    F: FnMut(&Record<'_>, u64, Next<'_, '_>) -> Result<()>,
{
    let mut now = Fields::default();
    // The record read before this one, not yet handed over.
    let mut held = Fields::default();
    let (mut field_start, mut record_start) = (start, start);
    // Whether the field being read holds an odd quote.
    let mut odd = false;
    let mut line = first_line;
    // Line ends in the blocks before the current one.
    let mut lines_before = 0u64;
    let mut blocks = quotes::Blocks::new(data, start, delimiter);
    for block in &mut blocks {
        // Odd quotes are rare: a block without one takes the loop that never looks for them.
        let mut events = block.sep | block.odd;
        while events != 0 {
            let bit = events.trailing_zeros();
            events &= events - 1;
            if block.odd != 0 && (block.odd >> bit) & 1 != 0 {
                odd = true;
                continue;
            }
            let at = block.base + bit as usize;
            let eol = (block.eol >> bit) & 1 != 0;
            now.push(data, field_start, at, eol, odd, delimiter);
            (field_start, odd) = (at + 1, false);
            if eol {
                if !is_blank_line(data, record_start, at) {
                    if once {
                        return f(&now.record(data), line, None);
                    }
                    hold(&mut now, &mut held, data, line, f)?;
                }
                // The next record starts on the line after every line end up to this one.
                line = first_line + lines_before + u64::from((block.nl << (63 - bit)).count_ones());
                record_start = at + 1;
                if once {
                    return Ok(());
                }
                now.clear();
            }
        }
        lines_before += u64::from(block.nl.count_ones());
    }
    // A last record with no line end after it.
    if record_start < data.len() {
        now.push(data, field_start, data.len(), true, odd, delimiter);
        debug_assert!(!blocks.in_quotes() || now.unclosed);
        if !is_blank_line(data, record_start, data.len()) {
            hold(&mut now, &mut held, data, line, f)?;
        }
    }
    if let Some(at) = held.line {
        f(&held.record(data), at, None)?;
    }
    Ok(())
}

/// One record's fields as they are read: their spans, the bytes of those unescaped, whether a
/// quote was left open, and (once read whole and held back) its line.
#[derive(Default)]
struct Fields {
    spans: Vec<Span>,
    scratch: Vec<u8>,
    unclosed: bool,
    line: Option<u64>,
}

impl Fields {
    /// Pushes the span of the field `data[start..end]`, where `end` is the delimiter or line
    /// end after it (or the end of the data); `last` when it ends the record, so a `\r` before
    /// the line end is not data; `odd` when a doubled or literal quote lies in it. A quote
    /// never closed marks the record `unclosed` (only a record's last field can be so: it runs
    /// to the end of the data).
    #[inline(always)]
    fn push(
        &mut self,
        data: &[u8],
        start: usize,
        end: usize,
        last: bool,
        odd: bool,
        delimiter: u8,
    ) {
        if data.get(start) != Some(&b'"') {
            // Unquoted: as it is (a quote inside is just a quote).
            let body = if last && end > start && data[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            self.spans.push(Span {
                start: start as u32,
                end: body as u32,
                scratch: false,
            });
            return;
        }
        // The plain case: `"text"` then the delimiter or line end, or `"text"\r` then the line
        // end. With no odd quote in the field, a quote there is its closing one. (A quote that
        // opened and never closed has no closing one: the field runs to the end of the data,
        // inside quotes, and its last byte is no quote, or it would have closed it.)
        if !odd {
            let close = match data[..end] {
                [.., b'"'] => end - 1,
                [.., b'"', b'\r'] if last => end - 2,
                _ => 0,
            };
            if close > start {
                self.spans.push(Span {
                    start: start as u32 + 1,
                    end: close as u32,
                    scratch: false,
                });
                return;
            }
        }
        let (next, _, unclosed) =
            unescape(data, start, delimiter, &mut self.scratch, &mut self.spans);
        debug_assert_eq!(next, end, "{:?}", String::from_utf8_lossy(data));
        self.unclosed |= unclosed;
    }

    fn record<'a>(&'a self, data: &'a [u8]) -> Record<'a> {
        Record {
            data,
            scratch: &self.scratch,
            spans: &self.spans,
            unclosed: self.unclosed,
        }
    }

    /// Hands these fields over, if they are a record held back, with `next` (on line `at`) as
    /// the record after it.
    #[inline(always)]
    fn hand_over<F>(&self, data: &[u8], next: &Fields, at: u64, f: &mut F) -> Result<()>
    where
        F: FnMut(&Record<'_>, u64, Next<'_, '_>) -> Result<()>,
    {
        match self.line {
            Some(line) => f(&self.record(data), line, Some((&next.record(data), at))),
            None => Ok(()),
        }
    }

    fn clear(&mut self) {
        self.spans.clear();
        self.scratch.clear();
        self.unclosed = false;
        self.line = None;
    }
}

/// Holds `now` (read whole, on line `line`) back, and hands over the record held before it
/// with `now` as its next; `now` is then the buffer of the record handed over, to be cleared.
#[inline(always)]
fn hold<F>(now: &mut Fields, held: &mut Fields, data: &[u8], line: u64, f: &mut F) -> Result<()>
where
    F: FnMut(&Record<'_>, u64, Next<'_, '_>) -> Result<()>,
{
    held.hand_over(data, now, line, f)?;
    std::mem::swap(now, held);
    held.line = Some(line);
    Ok(())
}

/// A line with nothing on it but perhaps the `\r` of a CRLF: skipped, not a record.
#[inline]
fn is_blank_line(data: &[u8], start: usize, end: usize) -> bool {
    end == start || (end == start + 1 && data[start] == b'\r')
}

/// The record that starts at `pos` of `data` (the start of a line of a chunk
/// [`for_each_record`] read), split exactly as that reads it; `None` for a blank line. For
/// `check`, which reads a few rows again by their line.
pub fn record_at<R>(
    data: &[u8],
    pos: usize,
    delimiter: u8,
    f: impl FnOnce(&Record<'_>) -> R,
) -> Option<R> {
    if pos >= data.len() {
        return None;
    }
    let (mut f, mut out) = (Some(f), None);
    let mut take = |record: &Record<'_>, _line: u64, _: Next<'_, '_>| -> Result<()> {
        if let Some(f) = f.take() {
            out = Some(f(record));
        }
        Ok(())
    };
    quoted_records(data, pos, 0, delimiter, true, &mut take).ok()?;
    out
}

/// One quoted field that needs unescaping (a doubled quote inside, text after the closing
/// quote, or no closing quote), from `pos` (its opening quote) into `scratch`, byte by byte as
/// RFC 4180 says; pushes its span. Returns where it stops (at the delimiter, line end or end of
/// data after it), the line ends inside it, and whether its quote was never closed.
fn unescape(
    data: &[u8],
    mut pos: usize,
    delimiter: u8,
    scratch: &mut Vec<u8>,
    spans: &mut Vec<Span>,
) -> (usize, u64, bool) {
    let (mut lines, mut unclosed) = (0u64, false);
    let start = scratch.len();
    pos += 1;
    loop {
        match data.get(pos) {
            None => {
                unclosed = true;
                break;
            }
            Some(b'"') if data.get(pos + 1) == Some(&b'"') => {
                scratch.push(b'"');
                pos += 2;
            }
            Some(b'"') => {
                pos += 1;
                break;
            }
            Some(&b) => {
                if b == b'\n' {
                    lines += 1;
                }
                scratch.push(b);
                pos += 1;
            }
        }
    }
    // The rest after a closing quote, up to the delimiter or the line end.
    let unquoted = scratch.len();
    while let Some(&b) = data.get(pos) {
        if b == delimiter || b == b'\n' {
            break;
        }
        scratch.push(b);
        pos += 1;
    }
    let mut end = scratch.len();
    // The `\r` of a CRLF line end is not data (one inside quotes is).
    if end > unquoted && scratch[end - 1] == b'\r' && data.get(pos).is_none_or(|&b| b == b'\n') {
        end -= 1;
    }
    spans.push(Span {
        start: start as u32,
        end: end as u32,
        scratch: true,
    });
    (pos, lines, unclosed)
}

/// An error naming the line and column of the first byte that is not UTF-8.
fn check_utf8(data: &[u8], delimiter: u8, file: &str, first_line: u64) -> Result<()> {
    if simdutf8::basic::from_utf8(data).is_ok() {
        return Ok(());
    }
    let bad = match simdutf8::compat::from_utf8(data) {
        Ok(_) => return Ok(()),
        Err(e) => e.valid_up_to(),
    };
    let line = first_line + bytecount::count(&data[..bad], b'\n') as u64;
    let line_so_far = data[..bad]
        .rsplit(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    let column = 1 + bytecount::count(line_so_far, delimiter);
    Err(super::table::not_utf8(file, line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<(u64, Vec<String>)> {
        let chunk = Chunk {
            data: text.to_vec(),
            first_line: 10,
        };
        let mut out = Vec::new();
        for_each_record(&chunk, b',', "t", |r, line| {
            out.push((line, r.texts().iter().map(|s| s.to_string()).collect()));
            Ok(())
        })
        .unwrap();
        out
    }

    fn row(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|s| s.to_string()).collect())
    }

    /// Every record read again by its line, from the start of that line, is the record the
    /// whole chunk's reading gave, quoted fields over several lines included.
    #[test]
    fn a_record_read_again_by_its_line_is_the_same() {
        let text: &[u8] =
            b"a,b\r\n\r\n\"x,\"\"y\"\"\nz\",c\r\nlast,\"q\"tail\n,\nplain,\"quoted\"\r\n\"open";
        for (line, fields) in records(text) {
            let pos = if line == 10 {
                0
            } else {
                memchr::memchr_iter(b'\n', text)
                    .nth((line - 11) as usize)
                    .unwrap()
                    + 1
            };
            let again = record_at(text, pos, b',', |r| {
                r.texts().iter().map(|s| s.to_string()).collect::<Vec<_>>()
            });
            assert_eq!(again, Some(fields), "line {line}");
        }
        assert_eq!(record_at(text, 5, b',', |r| r.len()), None, "a blank line");
    }

    #[test]
    fn plain_quoted_blank_and_crlf() {
        assert_eq!(
            records(b"a,b\r\n\r\n\"x,\"\"y\"\"\nz\",c\r\nlast,\"q\"tail\n,\n\"open"),
            vec![
                row(10, &["a", "b"]),
                row(12, &["x,\"y\"\nz", "c"]),
                row(14, &["last", "qtail"]),
                row(15, &["", ""]),
                row(16, &["open"]),
            ]
        );
        assert_eq!(records(b"a\"b,c\n"), vec![row(10, &["a\"b", "c"])]);
        assert_eq!(
            records(b"\"a\"\r\n1,2"),
            vec![row(10, &["a"]), row(11, &["1", "2"])]
        );
        assert_eq!(records(b"\"a\r\"\n"), vec![row(10, &["a\r"])]);
    }

    #[test]
    fn same_records_as_the_csv_crate() {
        let samples: [&[u8]; 5] = [
            b"a,b,c\n1,\"2\n3\",4\n\n5,6,7\r\n",
            b"\"\",\"\"\"\",x\n,,\n",
            b"h\nx\"y\"z,\"w\"\"\"\n",
            b"a,\"b\r\nc\"\r\nd,e",
            b"1,2\n\n\n3,4\n",
        ];
        for s in samples {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(s);
            let want: Vec<Vec<String>> = rdr
                .records()
                .map(|r| r.unwrap().iter().map(|f| f.to_string()).collect())
                .collect();
            let got: Vec<Vec<String>> = records(s).into_iter().map(|(_, f)| f).collect();
            assert_eq!(got, want, "{}", String::from_utf8_lossy(s));
        }
    }

    /// The record parser as it was before fields were found with `memchr` and then with bit
    /// masks: every field byte by byte. The reference the fast parser must agree with.
    fn parse_quoted_bytewise(
        data: &[u8],
        mut pos: usize,
        delimiter: u8,
    ) -> (usize, u64, bool, Vec<Vec<u8>>) {
        let (mut lines, mut unclosed, mut fields) = (0u64, false, Vec::new());
        loop {
            let mut field = Vec::new();
            if data.get(pos) == Some(&b'"') {
                pos += 1;
                loop {
                    match data.get(pos) {
                        None => {
                            unclosed = true;
                            break;
                        }
                        Some(b'"') if data.get(pos + 1) == Some(&b'"') => {
                            field.push(b'"');
                            pos += 2;
                        }
                        Some(b'"') => {
                            pos += 1;
                            break;
                        }
                        Some(&b) => {
                            lines += u64::from(b == b'\n');
                            field.push(b);
                            pos += 1;
                        }
                    }
                }
            }
            let unquoted = field.len();
            while let Some(&b) = data.get(pos) {
                if b == delimiter || b == b'\n' {
                    break;
                }
                field.push(b);
                pos += 1;
            }
            if field.len() > unquoted
                && field.last() == Some(&b'\r')
                && data.get(pos).is_none_or(|&b| b == b'\n')
            {
                field.pop();
            }
            fields.push(field);
            match data.get(pos) {
                Some(&b) if b == delimiter => pos += 1,
                Some(_) => return (pos + 1, lines + 1, unclosed, fields),
                None => return (pos, lines, unclosed, fields),
            }
        }
    }

    /// One record as the tests compare it: its line, fields and whether a quote is unclosed.
    type Read = (u64, Vec<Vec<u8>>, bool);

    /// Every record of `data` by the byte-by-byte parser; a line with nothing on it (or only the
    /// `\r` of a CRLF) is no record.
    fn records_bytewise(data: &[u8], delimiter: u8, mut line: u64) -> Vec<Read> {
        let (mut pos, mut out) = (0, Vec::new());
        while pos < data.len() {
            let (next, lines, unclosed, fields) = parse_quoted_bytewise(data, pos, delimiter);
            let raw = &data[pos..next];
            let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
            if !raw.is_empty() && raw != b"\r" {
                out.push((line, fields, unclosed));
            }
            line += lines;
            pos = next;
        }
        out
    }

    /// The records of `data` read as a chunk, as `for_each_record` reads them.
    fn records_fast(data: &[u8], delimiter: u8, first_line: u64) -> Vec<Read> {
        let chunk = Chunk {
            data: data.to_vec(),
            first_line,
        };
        let mut out = Vec::new();
        for_each_record(&chunk, delimiter, "t", |r, line| {
            let fields = (0..r.len()).map(|i| r.bytes(i).to_vec()).collect();
            out.push((line, fields, r.unclosed_quote()));
            Ok(())
        })
        .unwrap();
        out
    }

    /// The records of `data`; every record handed over as the next one is checked to be, field
    /// for field and line, the one handed over after it, and only a chunk's last has no next.
    fn records_in(data: &[u8], delimiter: u8, first_line: u64) -> Vec<Read> {
        let mut out = Vec::new();
        let mut promised: Option<Read> = None;
        let mut without_next = 0;
        read_records(data, first_line, delimiter, |r, line, next| {
            let fields: Vec<Vec<u8>> = (0..r.len()).map(|i| r.bytes(i).to_vec()).collect();
            let read = (line, fields, r.unclosed_quote());
            if let Some(p) = promised.take() {
                assert_eq!(p, read, "the record read ahead is not the next one");
            }
            without_next += usize::from(next.is_none());
            promised = next.map(|(n, at)| {
                let fields = (0..n.len()).map(|i| n.bytes(i).to_vec()).collect();
                (at, fields, n.unclosed_quote())
            });
            out.push(read);
            Ok(())
        })
        .unwrap();
        assert_eq!(promised, None, "a record read ahead was never handed over");
        assert_eq!(
            without_next,
            usize::from(!out.is_empty()),
            "a record without its next"
        );
        out
    }

    /// Pieces of CSV text the property tests join at random: quotes, doubled quotes, text after
    /// a closing quote, every delimiter, CR, LF and CRLF, and runs long enough that fields and
    /// quoted regions cross the 64-byte blocks of the masks (and end at or near their edges).
    fn pieces() -> Vec<String> {
        let mut p: Vec<String> = [
            "a",
            "b",
            "ộ",
            ",",
            ";",
            "\t",
            "\"",
            "\"\"",
            "\r",
            "\n",
            "\r\n",
            "\"x\"",
            "\"a,b\"",
            "\"q\"\"q\"",
            "\"\r\n\"",
            "\"\r",
            "\"\",",
            "\"\"\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [7, 31, 62, 63, 64, 65] {
            p.push("x".repeat(n));
            p.push(format!("\"{}\"", "y".repeat(n)));
            p.push(format!("\"{},\n\"", "z".repeat(n)));
        }
        p
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever the text (any mix of the pieces above, with any of the three delimiters),
        /// the chunk reads exactly as the byte-by-byte parser reads it: the same records, each
        /// on the same line, with the same fields and the same unclosed quote, whether its
        /// fields are slices of the chunk or unescaped.
        #[test]
        fn quoted_records_read_as_byte_by_byte(
            parts in proptest::collection::vec(proptest::sample::select(pieces()), 0..60),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
            first_line in 1u64..5,
        ) {
            let text: String = parts.concat();
            let data = text.as_bytes();
            let want = records_bytewise(data, delimiter, first_line);
            proptest::prop_assert_eq!(records_in(data, delimiter, first_line), want, "{:?}", text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Cut into chunks of any size by the chunker (so quotes, doubled quotes and quoted line
        /// ends fall at a chunk's very end and start), the text reads as the byte-by-byte parser
        /// reads it whole: no record split or merged, every line number the same.
        #[test]
        fn chunked_records_read_as_byte_by_byte(
            parts in proptest::collection::vec(proptest::sample::select(pieces()), 0..60),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
            target in 1usize..300,
        ) {
            let text: String = parts.concat();
            let data = text.as_bytes();
            let mut chunker = crate::ledger::chunk::Chunker::new(data, target, 1 << 20);
            chunker.set_delimiter(delimiter);
            let mut got = Vec::new();
            while let Some(chunk) = chunker.next_chunk().unwrap() {
                got.extend(records_fast(&chunk.data, delimiter, chunk.first_line));
            }
            proptest::prop_assert_eq!(got, records_bytewise(data, delimiter, 1), "{:?}", text);
        }
    }

    #[test]
    fn fully_quoted_rows_across_blocks_read_as_byte_by_byte() {
        // Rows like a spreadsheet's, every field quoted, some with doubled quotes and the
        // delimiter, one with a line end inside: long enough that every offset in a block is a
        // field's start, end or quote somewhere.
        let mut text = String::from("\"date\",\"unit\",\"note\"\r\n");
        for i in 0..300 {
            let note = match i % 4 {
                0 => String::new(),
                1 => format!("\"\"Tư\"\" {i}, ok"),
                2 => format!("line\n{i}"),
                _ => "x".repeat(i % 70),
            };
            text.push_str(&format!(
                "\"2024-{i}\",\"U{}\",\"{note}\"\r\n",
                "u".repeat(i % 13)
            ));
        }
        for cut in [0, 1, 63, 64, 65, 200] {
            let data = &text.as_bytes()[..text.len() - cut];
            let want = records_bytewise(data, b',', 1);
            assert_eq!(records_fast(data, b',', 1), want, "cut {cut}");
            assert_eq!(records_in(data, b',', 1), want, "cut {cut}");
        }
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let chunk = Chunk {
            data: b"a,b\nc,d\xff\n".to_vec(),
            first_line: 5,
        };
        let err = for_each_record(&chunk, b',', "f.csv", |_, _| Ok(())).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.csv:6: column 2: text is not UTF-8"),
            "{err}"
        );
    }
}

//! Splitting a chunk into records and fields, without copying or allocating per row.
//!
//! This is the innermost loop of every run, so it is written for the common case: a line with no
//! quote (found with `memchr`) is split on the delimiter eight bytes at a time, and its fields are
//! slices of the chunk. A line
//! with a quote goes through a small RFC 4180 parser (a quote opens a quoted field only at the
//! start of a field; `""` is a quote; a quoted field may hold delimiters and line ends), which
//! writes unescaped fields into a scratch buffer. The rules are the CSV crate's, and the chunker
//! cuts records with the same rule. A trailing `\r` before `\n` is dropped; lines with nothing on
//! them are skipped. The chunk is checked to be UTF-8 once, up front, so every field is text.

use super::chunk::Chunk;
use anyhow::Result;
use memchr::memchr;

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
    /// too, so the tables must only care about fields of two bytes or more.
    #[inline]
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
    let data = chunk.data.as_slice();
    check_utf8(data, delimiter, file, chunk.first_line)?;
    let mut spans: Vec<Span> = Vec::with_capacity(16);
    let mut scratch: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut line = chunk.first_line;
    // Quotes are rare: find the next one once, and only records that reach it take the full
    // parser. Line ends come from `memchr`; delimiters inside a line from `split_line`.
    let mut next_quote = memchr(b'"', data).unwrap_or(usize::MAX);
    while pos < data.len() {
        let eol = memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
        spans.clear();
        if next_quote < eol {
            scratch.clear();
            let (next, lines, unclosed) =
                parse_quoted(data, pos, delimiter, &mut spans, &mut scratch);
            emit(&spans, &scratch, data, line, unclosed, &mut f)?;
            line += lines;
            pos = next;
            next_quote =
                memchr(b'"', data.get(pos..).unwrap_or_default()).map_or(usize::MAX, |i| pos + i);
            continue;
        }
        let body_end = if eol > pos && data[eol - 1] == b'\r' {
            eol - 1
        } else {
            eol
        };
        split_line(data, pos, body_end, delimiter, &mut spans);
        emit(&spans, &[], data, line, false, &mut f)?;
        line += 1;
        pos = eol + 1;
    }
    Ok(())
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
    let mut spans: Vec<Span> = Vec::with_capacity(16);
    let mut scratch: Vec<u8> = Vec::new();
    let rest = data.get(pos..)?;
    let eol = memchr(b'\n', rest).map_or(data.len(), |i| pos + i);
    let unclosed = if memchr(b'"', &data[pos..eol]).is_some() {
        parse_quoted(data, pos, delimiter, &mut spans, &mut scratch).2
    } else {
        let body_end = if eol > pos && data[eol - 1] == b'\r' {
            eol - 1
        } else {
            eol
        };
        split_line(data, pos, body_end, delimiter, &mut spans);
        false
    };
    if spans.len() == 1 && spans[0].start == spans[0].end && !spans[0].scratch {
        return None;
    }
    Some(f(&Record {
        data,
        scratch: &scratch,
        spans: &spans,
        unclosed,
    }))
}

/// Splits `data[start..end]` (a line with no quote) at `delimiter`, eight bytes at a time: each
/// whole word is compared with the delimiter using the exact "which bytes are zero" bit trick,
/// and the set bits are read off with `trailing_zeros`; the last few bytes are looked at one by
/// one. Whole words come from `chunks_exact`, so no word needs a check of its own for the end
/// of the line. (`memchr` per line was tried: fewer instructions than the word scan had, but
/// slower in `check`.)
#[inline]
fn split_line(data: &[u8], start: usize, end: usize, delimiter: u8, spans: &mut Vec<Span>) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let splat = u64::from(delimiter) * 0x0101_0101_0101_0101;
    let line = data.get(start..end).unwrap_or_default();
    let mut push = |field_start: usize, at: usize| {
        spans.push(Span {
            start: (start + field_start) as u32,
            end: (start + at) as u32,
            scratch: false,
        });
    };
    let mut field_start = 0;
    let mut words = line.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let w = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        let x = w ^ splat;
        let mut mask = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while mask != 0 {
            let at = base + mask.trailing_zeros() as usize / 8;
            mask &= mask - 1;
            push(field_start, at);
            field_start = at + 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            push(field_start, base + i);
            field_start = base + i + 1;
        }
    }
    push(field_start, line.len());
}

/// Hands one record to `f`, unless it is an empty line.
fn emit<F>(
    spans: &[Span],
    scratch: &[u8],
    data: &[u8],
    line: u64,
    unclosed: bool,
    f: &mut F,
) -> Result<()>
where
    F: FnMut(&Record<'_>, u64) -> Result<()>,
{
    if spans.len() == 1 && spans[0].start == spans[0].end && !spans[0].scratch {
        return Ok(());
    }
    f(
        &Record {
            data,
            scratch,
            spans,
            unclosed,
        },
        line,
    )
}

/// Parses one record that holds a quote, starting at `pos`. Returns where the next record
/// starts, how many line ends this one spanned, and whether a quote was left open at the end of
/// the data.
///
/// Spreadsheet exports quote every text cell, so this is a hot path too: a field's end is found
/// with `memchr` (the closing quote, or the delimiter or line end after an unquoted field), and a
/// field that needs no unescaping (no doubled quote inside, nothing after its closing quote) is
/// a slice of the chunk like any unquoted field. Only the others are unescaped into `scratch`.
fn parse_quoted(
    data: &[u8],
    mut pos: usize,
    delimiter: u8,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> (usize, u64, bool) {
    let mut lines = 0u64;
    let mut unclosed = false;
    // Where a field that ends at `at` stops: the delimiter after it (go on), or the line end
    // or the end of the data (the record is over).
    let ends = |at: usize| data.get(at).is_none_or(|&b| b == delimiter || b == b'\n');
    let crlf = |at: usize| data.get(at).is_none_or(|&b| b == b'\n');
    loop {
        // One field.
        if data.get(pos) == Some(&b'"') {
            let open = pos + 1;
            let close = memchr(b'"', &data[open..]).map(|i| open + i);
            match close {
                // The plain case: `"text"` then a delimiter, a line end (CRLF too: its `\r` is
                // not data) or the end of the data. (`""` is unescaped, as an empty span in the
                // scratch buffer: a record of it alone is a record, not a blank line.)
                Some(close)
                    if close > open
                        && (ends(close + 1)
                            || (data.get(close + 1) == Some(&b'\r') && crlf(close + 2))) =>
                {
                    lines += bytecount::count(&data[open..close], b'\n') as u64;
                    spans.push(Span {
                        start: open as u32,
                        end: close as u32,
                        scratch: false,
                    });
                    pos = if ends(close + 1) {
                        close + 1
                    } else {
                        close + 2
                    };
                }
                _ => {
                    let (next, n, open_at_end) = unescape(data, pos, delimiter, scratch, spans);
                    lines += n;
                    unclosed |= open_at_end;
                    pos = next;
                }
            }
        } else {
            // Unquoted: up to the delimiter or the line end; a quote inside is just a quote.
            let end =
                memchr::memchr2(delimiter, b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
            // The `\r` of a CRLF line end is not data.
            let body = if end > pos && data[end - 1] == b'\r' && data.get(end) != Some(&delimiter) {
                end - 1
            } else {
                end
            };
            spans.push(Span {
                start: pos as u32,
                end: body as u32,
                scratch: false,
            });
            pos = end;
        }
        match data.get(pos) {
            Some(&b) if b == delimiter => pos += 1,
            Some(_) => return (pos + 1, lines + 1, unclosed), // '\n'
            None => return (pos, lines, unclosed),
        }
    }
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

    /// The record parser as it was before fields were found with `memchr`: every field byte by
    /// byte into the scratch buffer. The reference the fast parser must agree with.
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

    proptest::proptest! {
        /// A record with quotes reads exactly as the byte-by-byte parser reads it (fields, line
        /// ends spanned, where the next record starts, an unclosed quote), whether its fields
        /// are slices of the chunk or unescaped: any mix of quotes, doubled quotes, text after
        /// a closing quote, delimiters, CR, LF and CRLF.
        #[test]
        fn quoted_records_read_as_byte_by_byte(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "b", "ộ", ",", "\"", "\"\"", "\r", "\n", "\r\n", "\"x\"", "\"a,b\"",
                    "\"q\"\"q\"", "\"\r\n\"", "\"\r",
                ]),
                0..40,
            ),
            start in 0usize..8,
        ) {
            let text: String = parts.concat();
            let data = text.as_bytes();
            let start = start.min(data.len());
            let want = parse_quoted_bytewise(data, start, b',');
            let (mut spans, mut scratch) = (Vec::new(), Vec::new());
            let (next, lines, unclosed) = parse_quoted(data, start, b',', &mut spans, &mut scratch);
            let rec = Record { data, scratch: &scratch, spans: &spans, unclosed };
            let fields: Vec<Vec<u8>> = (0..rec.len()).map(|i| rec.bytes(i).to_vec()).collect();
            proptest::prop_assert_eq!((next, lines, unclosed, fields), want, "{:?}", text);
        }
    }

    #[test]
    fn split_line_finds_every_delimiter_and_nothing_past_the_end() {
        let data = b"a,b,,\xe1\xbb\x99,\x80\x7f,xxxxxxxxxxxxxxx,y;,,,";
        for end in 0..data.len() {
            for start in 0..=end {
                let mut spans = Vec::new();
                split_line(data, start, end, b',', &mut spans);
                let got: Vec<&[u8]> = spans
                    .iter()
                    .map(|s| &data[s.start as usize..s.end as usize])
                    .collect();
                let want: Vec<&[u8]> = data[start..end].split(|&b| b == b',').collect();
                assert_eq!(got, want, "{start}..{end}");
            }
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

//! Splitting a chunk into records and fields, without copying or allocating per row.
//!
//! This is the innermost loop of every run, so it is written for the common case: a line with no
//! quote is split on the delimiter with `memchr`, and its fields are slices of the chunk. A line
//! with a quote goes through a small RFC 4180 parser (a quote opens a quoted field only at the
//! start of a field; `""` is a quote; a quoted field may hold delimiters and line ends), which
//! writes unescaped fields into a scratch buffer. The rules are the CSV crate's, and the chunker
//! cuts records with the same rule. A trailing `\r` before `\n` is dropped; lines with nothing on
//! them are skipped. The chunk is checked to be UTF-8 once, up front, so every field is text.

use super::chunk::Chunk;
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
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` as bytes (valid UTF-8: the chunk was checked).
    pub fn bytes(&self, i: usize) -> &'a [u8] {
        match self.spans.get(i) {
            None => b"",
            Some(s) if s.scratch => &self.scratch[s.start as usize..s.end as usize],
            Some(s) => &self.data[s.start as usize..s.end as usize],
        }
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
    // One `memchr3` pass over the whole chunk finds every delimiter, quote and line end; a
    // record with a quote is handed to the full parser and the pass starts again after it.
    'chunk: while pos < data.len() {
        let base = pos;
        let mut field_start = pos;
        spans.clear();
        for hit in Hits::new(data, base, delimiter) {
            match data[hit] {
                b'\n' => {
                    let body_end = if hit > field_start && data[hit - 1] == b'\r' {
                        hit - 1
                    } else {
                        hit
                    };
                    spans.push(Span {
                        start: field_start as u32,
                        end: body_end as u32,
                        scratch: false,
                    });
                    emit(&spans, &[], data, line, &mut f)?;
                    line += 1;
                    pos = hit + 1;
                    field_start = pos;
                    spans.clear();
                }
                b'"' => {
                    spans.clear();
                    scratch.clear();
                    let (next, lines) =
                        parse_quoted(data, pos, delimiter, &mut spans, &mut scratch);
                    emit(&spans, &scratch, data, line, &mut f)?;
                    line += lines;
                    pos = next;
                    continue 'chunk;
                }
                _ => {
                    spans.push(Span {
                        start: field_start as u32,
                        end: hit as u32,
                        scratch: false,
                    });
                    field_start = hit + 1;
                }
            }
        }
        // The last record, without a line end.
        let end = data.len();
        let body_end = if end > field_start && data[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        spans.push(Span {
            start: field_start as u32,
            end: body_end as u32,
            scratch: false,
        });
        emit(&spans, &[], data, line, &mut f)?;
        break;
    }
    Ok(())
}

/// Positions of every delimiter, quote and line end from `start` on, found eight bytes at a
/// time: each word is compared with all three bytes at once with the exact "which bytes are
/// zero" bit trick, and set bits are read off with `trailing_zeros`. On lines of ~100 bytes
/// with ten fields this beats calling `memchr3` once per field.
struct Hits<'a> {
    data: &'a [u8],
    word: usize,
    mask: u64,
    splat: [u64; 3],
}

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

impl<'a> Hits<'a> {
    fn new(data: &'a [u8], start: usize, delimiter: u8) -> Self {
        let splat = [delimiter, b'"', b'\n'].map(|b| u64::from(b) * 0x0101_0101_0101_0101);
        let mut hits = Hits {
            data,
            word: start,
            mask: 0,
            splat,
        };
        hits.mask = hits.matches();
        hits
    }

    /// Bit 8k+7 set where byte `word + k` is one of the three.
    #[inline(always)]
    fn matches(&self) -> u64 {
        let w = match self.data.get(self.word..self.word + 8).and_then(|b| b.try_into().ok()) {
            Some(bytes) => u64::from_le_bytes(bytes),
            None => self.tail(),
        };
        let [a, b, c] = self.splat;
        let found = |s: u64| {
            let x = w ^ s;
            !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
        };
        found(a) | found(b) | found(c)
    }

    /// The last, short word, padded with a byte that is none of the three.
    #[cold]
    fn tail(&self) -> u64 {
        let mut tail = [b'a'; 8];
        let rest = self.data.get(self.word..).unwrap_or_default();
        let n = rest.len().min(8);
        tail[..n].copy_from_slice(&rest[..n]);
        u64::from_le_bytes(tail)
    }
}

impl Iterator for Hits<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.word += 8;
            if self.word >= self.data.len() {
                return None;
            }
            self.mask = self.matches();
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.word + bit / 8)
    }
}

/// Hands one record to `f`, unless it is an empty line.
fn emit<F>(spans: &[Span], scratch: &[u8], data: &[u8], line: u64, f: &mut F) -> Result<()>
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
        },
        line,
    )
}

/// Parses one record that holds a quote, starting at `pos`. Every field goes to `scratch`.
/// Returns where the next record starts and how many line ends this one spanned.
fn parse_quoted(
    data: &[u8],
    mut pos: usize,
    delimiter: u8,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> (usize, u64) {
    let mut lines = 0u64;
    loop {
        // One field.
        let start = scratch.len();
        if data.get(pos) == Some(&b'"') {
            pos += 1;
            loop {
                match data.get(pos) {
                    None => break,
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
        }
        // Unquoted (or the rest after a closing quote) up to the delimiter or the line end.
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
        if end > unquoted && scratch[end - 1] == b'\r' && data.get(pos).is_none_or(|&b| b == b'\n')
        {
            end -= 1;
        }
        spans.push(Span {
            start: start as u32,
            end: end as u32,
            scratch: true,
        });
        match data.get(pos) {
            Some(&b) if b == delimiter => pos += 1,
            Some(_) => return (pos + 1, lines + 1), // '\n'
            None => return (pos, lines),
        }
    }
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
    let line_start = data[..bad]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = first_line + bytecount::count(&data[..bad], b'\n') as u64;
    let column = 1 + bytecount::count(&data[line_start..bad], delimiter);
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

    #[test]
    fn hits_find_exactly_the_three_bytes() {
        let data = b"a,b\"c\nd,,\xe1\xbb\x99,\x80\x7f\n,";
        for start in 0..data.len() {
            let want: Vec<usize> = (start..data.len())
                .filter(|&i| matches!(data[i], b',' | b'"' | b'\n'))
                .collect();
            assert_eq!(
                Hits::new(data, start, b',').collect::<Vec<_>>(),
                want,
                "from {start}"
            );
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

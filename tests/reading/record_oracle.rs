//! The record reader (`ledger::record` and `ledger::chunk`) against the `csv` crate, on input that
//! really uses quoting: quoted fields, doubled quotes, delimiters (`,` and `;`) and LF, CR and CRLF
//! inside quotes, CRLF and CR-only line ends, empty fields, blank lines, Vietnamese text and
//! quotes left open at the end. Most cases are well-formed CSV built from a list of records, so
//! the written records, the `csv` crate and danvan must agree exactly, field for field; each
//! record's line must be the physical line where it starts, counted here from the written
//! bytes; and cutting the input into chunks must change nothing. Byte soup checks what can be
//! justified without a structure: equality with the `csv` crate where the two rules coincide, and
//! chunking, on anything.
//!
//! Deliberate differences from the `csv` crate (see the module docs of `ledger::record`), which
//! the oracle encodes rather than hides:
//! - **Only LF ends a line.** The README promises "LF or CRLF"; a lone CR is data, both for the
//!   reader and for the chunker (which must cut records exactly where the reader ends them). The
//!   `csv` crate's default ends a record at a lone CR too. So input with a lone-CR line end is
//!   compared with the `csv` crate set to `Terminator::Any(b'\n')`, which has the same rule.
//! - **A CR just before LF (or before the end of input) outside quotes is dropped.** That is how
//!   CRLF is read; a CR inside quotes is kept. With `Terminator::Any(b'\n')` the `csv` crate
//!   keeps such a CR, so the oracle input has exactly those CRs removed; the serializer knows
//!   which bytes it wrote outside quotes.
//! - **Empty lines are skipped** ("" or a lone "\r" before LF); the `csv` crate skips them too.
//!   A line holding only `""` is a record with one empty field for both.
//! - **An unclosed quote** runs to the end of the input; both readers give its text as the field,
//!   danvan also flags the record (`unclosed_quote()`), so that flag is checked separately.
//! - **Line numbers are physical lines** (1 + the LFs before the record's first byte, LFs inside
//!   quoted fields included); the `csv` crate counts differently, so lines are computed here.

use danvan::ledger::chunk::{Chunk, Chunker};
use danvan::ledger::record::for_each_record;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// One record as danvan reads it: the line it starts on, its fields, and the unclosed flag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    line: u64,
    fields: Vec<String>,
    unclosed: bool,
}

fn collect(chunk: &Chunk, delimiter: u8, out: &mut Vec<Got>) {
    for_each_record(chunk, delimiter, "oracle", |r, line| {
        out.push(Got {
            line,
            fields: r.texts().iter().map(|s| s.to_string()).collect(),
            unclosed: r.unclosed_quote(),
        });
        Ok(())
    })
    .expect("UTF-8 input is always read");
}

/// danvan's reading of the whole input as one chunk.
fn read_whole(data: &[u8], delimiter: u8) -> Vec<Got> {
    let chunk = Chunk {
        data: data.to_vec(),
        first_line: 1,
    };
    let mut out = Vec::new();
    collect(&chunk, delimiter, &mut out);
    out
}

/// danvan's reading of the input cut by the chunker near `target` bytes, after taking
/// `headers` records with `header()` first as a table does (blank lines before a header).
fn read_chunked(data: &[u8], delimiter: u8, target: usize, headers: usize) -> Vec<Got> {
    let mut chunker = Chunker::new(data, target, 1 << 20);
    chunker.set_delimiter(delimiter);
    let mut out = Vec::new();
    for _ in 0..headers {
        match chunker.header().expect("small input") {
            Some(c) => collect(&c, delimiter, &mut out),
            None => break,
        }
    }
    while let Some(c) = chunker.next_chunk().expect("small input") {
        collect(&c, delimiter, &mut out);
    }
    out
}

/// The `csv` crate's records with the byte offset each starts reading at (blank lines before a
/// record are included in its offset). `lf_only` makes LF the only record terminator.
fn csv_read(data: &[u8], delimiter: u8, lf_only: bool) -> Vec<(usize, Vec<String>)> {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter);
    if lf_only {
        builder.terminator(csv::Terminator::Any(b'\n'));
    }
    let mut rdr = builder.from_reader(data);
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    while rdr
        .read_byte_record(&mut rec)
        .expect("the csv crate reads any bytes")
    {
        let at = rec.position().map_or(0, |p| p.byte() as usize);
        let fields = rec
            .iter()
            .map(|f| String::from_utf8(f.to_vec()).expect("cut at ASCII bytes"))
            .collect();
        out.push((at, fields));
    }
    out
}

/// Physical line of byte `at`: 1 + the LFs before it (a CRLF is one LF; a lone CR is not a line
/// end for danvan, see the module docs).
fn line_of(data: &[u8], at: usize) -> u64 {
    1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

/// The `csv` crate's records as danvan should give them, with lines computed from the bytes:
/// a record starts after the blank-line bytes (`skip`) at the offset the crate reports.
fn csv_expected(data: &[u8], delimiter: u8, lf_only: bool) -> Vec<Got> {
    let skip: &[u8] = if lf_only { b"\n" } else { b"\r\n" };
    csv_read(data, delimiter, lf_only)
        .into_iter()
        .map(|(at, fields)| {
            let start = at + data[at..].iter().take_while(|b| skip.contains(b)).count();
            Got {
                line: line_of(data, start),
                fields,
                unclosed: false,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Well-formed input, built from records.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Lf,
    CrLf,
    Cr,
}

impl End {
    fn bytes(self) -> &'static [u8] {
        match self {
            End::Lf => b"\n",
            End::CrLf => b"\r\n",
            End::Cr => b"\r",
        }
    }
}

/// Line ends of a whole file: one kind throughout, or each line its own.
#[derive(Debug, Clone, Copy)]
enum Ends {
    All(End),
    Mixed,
}

#[derive(Debug, Clone, Copy)]
enum Quoting {
    /// Only fields that need it.
    Minimal,
    /// Every field.
    Always,
    /// Fields that need it, and others when their `force` flag says so.
    Some,
}

#[derive(Debug, Clone)]
struct Line {
    /// Field text and whether to quote it even when it need not be.
    fields: Vec<(String, bool)>,
    end: End,
    /// Blank lines after this one, each with its line end.
    blanks: Vec<End>,
}

#[derive(Debug, Clone)]
struct Case {
    delimiter: u8,
    ends: Ends,
    quoting: Quoting,
    lines: Vec<Line>,
    /// Whether the last line has its line end.
    final_end: bool,
    /// A quoted field never closed at the end: its text, and whether it starts a new record
    /// (else it is one more field of the last one).
    tail: Option<(String, bool)>,
}

/// What the serializer wrote.
struct Written {
    text: Vec<u8>,
    /// For each byte of `text`: written outside any quoted field.
    outside: Vec<bool>,
    /// The records as written (not those written as an empty line), for files where every line
    /// end is LF or CRLF; with a lone-CR line end, danvan reads several of them as one.
    records: Vec<Vec<String>>,
    lone_cr: bool,
}

impl Written {
    fn push(&mut self, bytes: &[u8], outside: bool) {
        self.text.extend_from_slice(bytes);
        self.outside
            .extend(std::iter::repeat_n(outside, bytes.len()));
    }

    fn quoted(&mut self, field: &str, close: bool) {
        self.push(b"\"", false);
        self.push(field.replace('"', "\"\"").as_bytes(), false);
        if close {
            self.push(b"\"", false);
        }
    }

    fn end(&mut self, end: End) {
        self.push(end.bytes(), true);
        self.lone_cr |= end == End::Cr;
    }
}

fn special(c: char, delimiter: u8) -> bool {
    matches!(c, '"' | '\r' | '\n') || c as u32 == u32::from(delimiter)
}

fn serialize(case: &Case) -> Written {
    let d = case.delimiter;
    let mut w = Written {
        text: Vec::new(),
        outside: Vec::new(),
        records: Vec::new(),
        lone_cr: false,
    };
    let tail_is_field = matches!(case.tail, Some((_, false)));
    // After a lone CR (data, not a line end, for danvan) a quote would not be at the start of a
    // field, so the quoting this serializer means would not be the one danvan and the oracle
    // read. The next record's first field is therefore written plain there. (A quote after a
    // lone CR is covered by the lone-CR byte soup below.)
    let mut after_cr = false;
    for (i, line) in case.lines.iter().enumerate() {
        let start = w.text.len();
        let mut record = Vec::new();
        for (j, (field, force)) in line.fields.iter().enumerate() {
            if j > 0 {
                w.push(&[d], true);
            }
            let mut field = field.clone();
            let mut quote = field.chars().any(|c| special(c, d))
                || match case.quoting {
                    Quoting::Minimal => false,
                    Quoting::Always => true,
                    Quoting::Some => *force,
                };
            if j == 0 && after_cr {
                field.retain(|c| !special(c, d));
                quote = false;
            }
            if quote {
                w.quoted(&field, true);
            } else {
                w.push(field.as_bytes(), true);
            }
            record.push(field);
        }
        // One empty field written bare is an empty line: no record for either reader.
        if w.text.len() > start {
            w.records.push(record);
        }
        let last = i + 1 == case.lines.len();
        if !last || (case.final_end && !tail_is_field) {
            let pick = |e: End| match case.ends {
                Ends::All(all) => all,
                Ends::Mixed => e,
            };
            w.end(pick(line.end));
            for &b in &line.blanks {
                w.end(pick(b));
            }
            after_cr = w.text.last() == Some(&b'\r');
        }
    }
    if let Some((tail, as_record)) = &case.tail {
        let at_line_start = w.text.last().is_none_or(|&b| b == b'\n');
        if *as_record {
            if !at_line_start {
                // The tail starts a record, so its quote must follow a real line end.
                w.end(End::Lf);
            }
            w.quoted(tail, false);
            w.records.push(vec![tail.clone()]);
        } else {
            w.push(&[d], true);
            w.quoted(tail, false);
            match w.records.last_mut() {
                Some(last) if !at_line_start => last.push(tail.clone()),
                _ => w.records.push(vec![String::new(), tail.clone()]),
            }
        }
    }
    w
}

/// What danvan must read from `w`: its lines are split at the LFs written outside quotes (the
/// only line ends for danvan); a line that is empty, or only the CR of a CRLF, is skipped; every
/// other line is one record starting there. Its fields are the `csv` crate's with LF as the only
/// terminator, on the text without the CRs danvan drops (outside quotes, before LF or the end).
fn expected(w: &Written, delimiter: u8, unclosed_tail: bool) -> Vec<Got> {
    let text = &w.text;
    let mut starts = Vec::new();
    let mut from = 0;
    for i in 0..=text.len() {
        if i == text.len() || (text[i] == b'\n' && w.outside[i]) {
            let line = &text[from..i];
            if !line.is_empty() && line != b"\r" {
                starts.push(from);
            }
            from = i + 1;
        }
    }
    let kept: Vec<u8> = (0..text.len())
        .filter(|&i| {
            let dropped =
                text[i] == b'\r' && w.outside[i] && text.get(i + 1).is_none_or(|&b| b == b'\n');
            !dropped
        })
        .map(|i| text[i])
        .collect();
    let fields: Vec<Vec<String>> = csv_read(&kept, delimiter, true)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    assert_eq!(
        fields.len(),
        starts.len(),
        "oracle: one csv record per non-empty line of {:?}",
        String::from_utf8_lossy(text)
    );
    let n = starts.len();
    starts
        .into_iter()
        .zip(fields)
        .enumerate()
        .map(|(k, (start, fields))| Got {
            line: line_of(text, start),
            fields,
            unclosed: unclosed_tail && k + 1 == n,
        })
        .collect()
}

fn field_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-z0-9]{1,4}",
        2 => prop::sample::select(vec![
            "Hội Phụ nữ",
            "Ủy ban MTTQ phường Yên Giang",
            "Liên Hòa/Thôn 1",
            "106,8 triệu",
            "1.200.000 đ",
            "₫",
            // Decomposed (NFD) text: the reader must leave it as it is.
            "Ho\u{302}\u{323}i",
        ])
        .prop_map(String::from),
        3 => prop::sample::select(vec![
            ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "\u{a0}",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|v| v.concat())
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![Just(End::Lf), Just(End::CrLf), Just(End::Cr)]
}

fn line() -> impl Strategy<Value = Line> {
    (
        prop::collection::vec((field_text(), any::<bool>()), 1..5),
        end(),
        prop_oneof![3 => Just(vec![]), 1 => prop::collection::vec(end(), 1..3)],
    )
        .prop_map(|(fields, end, blanks)| Line {
            fields,
            end,
            blanks,
        })
}

fn case() -> impl Strategy<Value = Case> {
    let ends = prop_oneof![
        3 => Just(Ends::All(End::Lf)),
        3 => Just(Ends::All(End::CrLf)),
        1 => Just(Ends::All(End::Cr)),
        2 => Just(Ends::Mixed),
    ];
    let quoting = prop_oneof![
        Just(Quoting::Minimal),
        Just(Quoting::Always),
        Just(Quoting::Some)
    ];
    (
        prop::sample::select(vec![b',', b';']),
        ends,
        quoting,
        prop::collection::vec(line(), 0..7),
        any::<bool>(),
        prop::option::weighted(0.2, (field_text(), any::<bool>())),
    )
        .prop_map(|(delimiter, ends, quoting, lines, final_end, tail)| Case {
            delimiter,
            ends,
            quoting,
            lines,
            final_end,
            tail,
        })
}

// ---------------------------------------------------------------------------------------------
// Byte soup.

/// Soup with CRs only in CRLF pairs: danvan and the `csv` crate's defaults read it alike.
fn soup_crlf() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        ",", ";", "\"", "\"\"", "\n", "\r\n", "a", "Hội", " ", "x\"y", "\n\n",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes())
}

/// Soup with lone CRs, none before an LF or at the end: danvan and the `csv` crate with LF as
/// the only terminator read it alike (no CR is dropped). Includes a quote right after a CR,
/// which is literal for both, since it is not at the start of a field.
fn soup_lone_cr() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        ",", ";", "\"", "\"\"", "\n", "a", "Ủy", " ", "\ra", "\r\"", "\r,", "\r;", "\r\rb",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes())
}

/// Anything (as UTF-8): line ends of every kind anywhere, including a CR last.
fn soup_any() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", "Hội", "a", " ",
        ])
        .prop_map(String::from),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes())
}

/// Properties of any reading: lines go strictly forward within the input, and only the last
/// record can hold a quote left open (it swallows the rest of the input).
fn sane(got: &[Got], data: &[u8]) -> Result<(), TestCaseError> {
    let last_line = line_of(data, data.len());
    prop_assert!(got.windows(2).all(|w| w[0].line < w[1].line), "{got:?}");
    prop_assert!(got.iter().all(|g| (1..=last_line).contains(&g.line)));
    prop_assert!(
        got.iter().rev().skip(1).all(|g| !g.unclosed),
        "unclosed before the end: {got:?}"
    );
    prop_assert!(got.iter().all(|g| !g.unclosed) || data.contains(&b'"'));
    Ok(())
}

/// danvan's reading of `data` equals the `csv` crate's (with LF as the only terminator when
/// `lf_only`), lines and all, and chunking changes nothing.
fn reads_like_the_csv_crate(
    data: &[u8],
    semicolon: bool,
    target: usize,
    lf_only: bool,
) -> Result<(), TestCaseError> {
    let d = if semicolon { b';' } else { b',' };
    let whole = read_whole(data, d);
    sane(&whole, data)?;
    let strip = |g: &[Got]| {
        g.iter()
            .map(|g| (g.line, g.fields.clone()))
            .collect::<Vec<_>>()
    };
    prop_assert_eq!(strip(&whole), strip(&csv_expected(data, d, lf_only)));
    prop_assert_eq!(read_chunked(data, d, target, 1), whole);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/record_oracle.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Well-formed CSV: danvan reads exactly the written records (lines included), the same as
    /// the `csv` crate, whole or cut into chunks.
    #[test]
    fn well_formed_csv_reads_like_the_csv_crate(
        case in case(),
        target in 1usize..48,
        headers in 0usize..3,
    ) {
        let w = serialize(&case);
        let d = case.delimiter;
        let want = expected(&w, d, case.tail.is_some());
        let whole = read_whole(&w.text, d);
        prop_assert_eq!(&whole, &want, "text {:?}", String::from_utf8_lossy(&w.text));
        if !w.lone_cr {
            // LF and CRLF only: the `csv` crate's defaults, with no adjustment at all, and the
            // records exactly as they were written.
            let plain: Vec<Vec<String>> =
                csv_read(&w.text, d, false).into_iter().map(|(_, f)| f).collect();
            let fields: Vec<Vec<String>> = whole.iter().map(|g| g.fields.clone()).collect();
            prop_assert_eq!(&fields, &plain);
            prop_assert_eq!(&fields, &w.records);
        }
        prop_assert_eq!(read_chunked(&w.text, d, target, headers), want);
    }

    /// CRs only in CRLF pairs: equal to the `csv` crate's defaults, lines and all; chunks too.
    #[test]
    fn crlf_soup_reads_like_the_csv_crate(
        data in soup_crlf(),
        semicolon in any::<bool>(),
        target in 1usize..48,
    ) {
        reads_like_the_csv_crate(&data, semicolon, target, false)?;
    }

    /// Lone CRs (never before LF or at the end): equal to the `csv` crate with LF as the only
    /// terminator, lines and all; chunks too.
    #[test]
    fn lone_cr_soup_reads_like_the_csv_crate_with_lf_only(
        data in soup_lone_cr(),
        semicolon in any::<bool>(),
        target in 1usize..48,
    ) {
        reads_like_the_csv_crate(&data, semicolon, target, true)?;
    }

    /// Anything: a sane reading, and chunking never changes it.
    #[test]
    fn any_soup_is_read_the_same_in_chunks(
        data in soup_any(),
        semicolon in any::<bool>(),
        target in 1usize..48,
        headers in 0usize..3,
    ) {
        let d = if semicolon { b';' } else { b',' };
        let whole = read_whole(&data, d);
        sane(&whole, &data)?;
        prop_assert_eq!(read_chunked(&data, d, target, headers), whole);
    }
}

/// The deliberate differences, spelled out on small inputs, with the `csv` crate's reading
/// alongside so a change on either side shows.
#[test]
fn lone_cr_is_data_where_the_csv_crate_ends_a_record() {
    let data = b"a,b\rc,d\r";
    let fields = |g: Vec<Got>| g.into_iter().map(|g| g.fields).collect::<Vec<_>>();
    // The csv crate: two records. danvan: one physical line, the final CR dropped.
    let plain: Vec<Vec<String>> = csv_read(data, b',', false)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    assert_eq!(plain, [vec!["a", "b"], vec!["c", "d"]]);
    assert_eq!(fields(read_whole(data, b',')), [vec!["a", "b\rc", "d"]]);
    // A quote after a lone CR is not at the start of a field, so it is literal.
    assert_eq!(
        fields(read_whole(b"x\r\"y,z\"", b',')),
        [vec!["x\r\"y", "z\""]]
    );
}

/// The README's rules on one small file, values written by hand: CRLF ends a line, a blank line
/// is skipped, a CRLF inside quotes is data, lines are physical (the quoted CRLF counts), `""` is
/// a record, and a quote left open runs to the end and is flagged.
#[test]
fn crlf_dropped_outside_quotes_kept_inside_and_lines_are_physical() {
    let data = "h;k\r\n\r\n\"Hội\r\nPhụ nữ\";\"1\"\"\"\r\n;\r\n\"\"\r\n\"mở".as_bytes();
    let got = read_whole(data, b';');
    let want = [
        (1, vec!["h", "k"], false),
        (3, vec!["Hội\r\nPhụ nữ", "1\""], false),
        (5, vec!["", ""], false),
        (6, vec![""], false),
        (7, vec!["mở"], true),
    ];
    let got: Vec<(u64, Vec<&str>, bool)> = got
        .iter()
        .map(|g| {
            let f = g.fields.iter().map(String::as_str).collect();
            (g.line, f, g.unclosed)
        })
        .collect();
    assert_eq!(got, want);
}

/// The generator must really exercise quoting: each shape below in a good share of the cases,
/// or the properties above would pass on input that never reaches the quoted-field parser.
#[test]
fn the_generator_reaches_every_quoting_shape() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let n = 500;
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..n {
        let case = case().new_tree(&mut runner).unwrap().current();
        let w = serialize(&case);
        let t = &w.text;
        let inside = |b: u8| (0..t.len()).any(|i| t[i] == b && !w.outside[i]);
        let shapes = [
            (
                "doubled quote inside quotes",
                w.records.iter().flatten().any(|f| f.contains('"')),
            ),
            ("delimiter inside quotes", inside(case.delimiter)),
            ("LF inside quotes", inside(b'\n')),
            ("CR inside quotes", inside(b'\r')),
            (
                "CRLF line end",
                (1..t.len()).any(|i| t[i - 1] == b'\r' && t[i] == b'\n' && w.outside[i]),
            ),
            ("lone CR line end", w.lone_cr),
            (
                "blank line",
                t.windows(2).any(|p| p == b"\n\n") || t.windows(3).any(|p| p == b"\n\r\n"),
            ),
            (
                "empty field",
                w.records.iter().flatten().any(String::is_empty),
            ),
            ("semicolon", case.delimiter == b';'),
            ("unclosed quote", case.tail.is_some()),
            ("Vietnamese", t.iter().any(|&b| b >= 0x80)),
            ("three or more records", w.records.len() >= 3),
        ];
        for (name, hit) in shapes {
            *seen.entry(name).or_default() += usize::from(hit);
        }
    }
    for (name, hits) in seen {
        assert!(hits * 20 >= n, "{name}: {hits} of {n}");
    }
}

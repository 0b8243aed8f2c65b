//! Fuzzing, as property tests over arbitrary bytes (no nightly toolchain needed): the record
//! reader, the number reader and the date reader must never panic, and must agree with
//! independent readings of the same input. Part of tests/reading.rs (tests named `fuzz::…`).
//! CI runs a few hundred cases of each; a long run is
//!
//! ```sh
//! PROPTEST_CASES=1000000 cargo test --release --test reading fuzz::
//! ```
//!
//! Failures proptest finds are kept in `proptest-regressions/fuzz.txt` and replayed first.

use chrono::Datelike;
use danvan::ledger::chunk::{Chunk, Chunker};
use danvan::ledger::date::{parse_date, parse_date_bytes};
use danvan::ledger::number::{Reading, parse_amount, parse_amount_bytes};
use danvan::ledger::record::for_each_record;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Bytes that look like a ledger often enough to reach deep paths: delimiters, quotes, line
/// ends, digits, separators, Vietnamese letters, and anything else.
fn ledgerish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("Hội".as_bytes().to_vec()),
        Just(b"2024-03-15".to_vec()),
        Just(b"1.200.000".to_vec()),
        "[0-9.,-]{1,6}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// One record as read: its line, its fields, and whether a quote was left open.
type Read = (u64, Vec<Vec<u8>>, bool);

fn records(data: &[u8], first_line: u64) -> Result<Vec<Read>, String> {
    let chunk = Chunk {
        data: data.to_vec(),
        first_line,
    };
    let mut out = Vec::new();
    for_each_record(&chunk, b',', "fuzz", |r, line| {
        out.push((
            line,
            (0..r.len()).map(|i| r.bytes(i).to_vec()).collect(),
            r.unclosed_quote(),
        ));
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/fuzz.txt"))),
        ..ProptestConfig::default()
    })]

    /// The reader never panics; lines only go forward; text without quotes splits exactly like
    /// a plain split on line ends and commas (blank lines skipped, CR before LF dropped).
    #[test]
    fn record_reader(data in ledgerish()) {
        let Ok(recs) = records(&data, 1) else {
            // Only invalid UTF-8 is refused.
            prop_assert!(std::str::from_utf8(&data).is_err());
            return Ok(());
        };
        prop_assert!(recs.windows(2).all(|w| w[0].0 < w[1].0));
        if !data.contains(&b'"') && !data.contains(&b'\r') {
            let want: Vec<Vec<Vec<u8>>> = data
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| l.split(|&b| b == b',').map(<[u8]>::to_vec).collect())
                .collect();
            let got: Vec<Vec<Vec<u8>>> = recs.into_iter().map(|r| r.1).collect();
            prop_assert_eq!(got, want);
        }
    }

    /// Cutting the input into chunks anywhere the chunker likes gives the same records, on the
    /// same lines, as reading it whole.
    #[test]
    fn chunking_never_changes_records(data in ledgerish(), target in 1usize..64) {
        let Ok(whole) = records(&data, 1) else { return Ok(()) };
        let mut chunker = Chunker::new(&data[..], target, 1 << 20);
        chunker.set_delimiter(b',');
        let mut pieces = Vec::new();
        while let Some(c) = chunker.next_chunk().map_err(|e| TestCaseError::fail(e.to_string()))? {
            let recs = records(&c.data, c.first_line).map_err(TestCaseError::fail)?;
            pieces.extend(recs);
        }
        prop_assert_eq!(pieces, whole);
    }

    /// The number reader never panics, its fast path agrees with the full rules, and a value it
    /// reads, printed plainly and read again, is the same value.
    #[test]
    fn number_reader(cell in prop_oneof![
        any::<String>(),
        "-?[0-9]{1,30}([.,][0-9]{1,30}){0,3}( ?(triệu|tỷ|nghìn|tr|k))?( ?(đ|₫|VND|VNĐ|đồng))?",
    ]) {
        let full = parse_amount(&cell);
        prop_assert_eq!(&parse_amount_bytes(cell.trim().as_bytes()), &full);
        if let Ok(a) = full
            && let Reading::Exact { value, .. } = a.reading
        {
            let printed = value.normalize().to_string();
            if !printed.contains('e') {
                let back = parse_amount(&printed).map(|a| a.reading);
                match back {
                    Ok(Reading::Exact { value: v, .. }) => prop_assert_eq!(v, value),
                    // `1.200`-shaped prints read two ways; the en reading is the printed one.
                    Ok(Reading::Ambiguous { en, .. }) => prop_assert_eq!(en, value),
                    Err(e) => prop_assert!(false, "{printed} unreadable: {e}"),
                }
            }
        }
    }

    /// The date reader never panics, the byte path agrees, and a date it reads, written day
    /// first or ISO, reads back the same.
    #[test]
    fn date_reader(cell in prop_oneof![
        any::<String>(),
        "[0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{1,5}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?",
    ]) {
        let d = parse_date(&cell);
        prop_assert_eq!(&parse_date_bytes(cell.as_bytes()), &d);
        if let Ok(date) = d {
            let (y, m, dd) = (date.year(), date.month(), date.day());
            prop_assert_eq!(parse_date(&format!("{dd:02}/{m:02}/{y}")), Ok(date));
            prop_assert_eq!(parse_date(&format!("{y}-{m:02}-{dd:02}")), Ok(date));
        }
    }
}

//! The date reader (`ledger::date`) against an independent model of the README's rules, written
//! here without calling danvan or asking chrono whether a date exists. Both entry points,
//! `parse_date` and `parse_date_bytes`, must give the model's answer, variant and value, for
//! every input: so a reader that accepts too much (mixed separators, a stray fragment after the
//! date) fails as surely as one that refuses a good date or reads it as the wrong day. The
//! generator builds dates of every written form with valid and invalid parts, times valid and
//! not, surrounding white space and noise, so every branch is reached many times in one run.
//!
//! The rules the model encodes (README "Dates", SPEC §1), in the order they decide:
//! 1. The cell is trimmed of white space (Unicode); nothing left is **Missing**.
//! 2. A time may follow the date after the first space or `T`, with white space around it:
//!    `H:MM` or `HH:MM`, optionally `:SS` and then `.fraction` (digits), every part 1–2 digits,
//!    then (after white space or none) a 12-hour mark `SA`, `CH`, `AM` or `PM` in any case, or a
//!    zone: `Z`, or `+` or `-` and `HH`, `HHMM` or `HH:MM`. It is ignored. Anything else after
//!    the date is **Unreadable**.
//! 3. The date is `D/M/YYYY`, `D-M-YYYY` or `D.M.YYYY` (day first, day and month 1–2 digits,
//!    one separator kind throughout), where the year may have two digits (`YY` is 20YY), or year
//!    first with a four-digit year (`2024-03-15`); anything else is **Unreadable**. Digits are
//!    ASCII.
//! 4. A year outside 1900–2100 is **OutOfRange**, checked before the calendar (so `31/02/1800`
//!    is out of range, not impossible).
//! 5. A day or month that does not exist (`31/02/2024`, `29/02/2023`, month 13, day 0) is
//!    **Impossible**. Leap years follow the Gregorian rule, computed here.
//!
//! The errors carry the trimmed cell (time included), as the messages quote it. Bytes that are
//! not UTF-8 are read as their lossy decoding (`parse_date_bytes` is `parse_date` for a cell
//! given as bytes).
//!
//! One choice the README leaves open is encoded as the code has it: year first is read with any
//! of the three separators and 1–2 digit month and day (`2024/3/5`, `2024.03.15`), since only a
//! four-digit year can come first, so no reading is guessed.

use chrono::Datelike;
use danvan::ledger::date::{DateError, parse_date, parse_date_bytes};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// A reading, comparable across the model and danvan: a date as (year, month, day).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reading {
    Date(i32, u32, u32),
    Missing,
    Unreadable(String),
    Impossible(String),
    OutOfRange(String),
}

fn from_danvan(r: Result<chrono::NaiveDate, DateError>) -> Reading {
    match r {
        Ok(d) => Reading::Date(d.year(), d.month(), d.day()),
        Err(DateError::Missing) => Reading::Missing,
        Err(DateError::Unreadable(s)) => Reading::Unreadable(s),
        Err(DateError::Impossible(s)) => Reading::Impossible(s),
        Err(DateError::OutOfRange(s)) => Reading::OutOfRange(s),
    }
}

/// `s` as a number when it is `min..=max` ASCII digits.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// `H:MM`, `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`: parts of 1–2 digits, a fraction only after the
/// seconds, of digits; then nothing, a 12-hour mark or a zone. Its values are not checked: the
/// time is ignored. Read from the front, one character class at a time.
fn is_time(t: &str) -> bool {
    let b = t.as_bytes();
    let mut at = 0;
    // A run of 1–2 ASCII digits at `at`.
    let run = |at: usize| {
        let n = (b.get(at..).unwrap_or_default().iter())
            .take_while(|c| c.is_ascii_digit())
            .count();
        (1..=2).contains(&n).then_some(at + n)
    };
    let Some(h) = run(at) else { return false };
    at = h;
    if b.get(at) != Some(&b':') {
        return false;
    }
    let Some(m) = run(at + 1) else { return false };
    at = m;
    if b.get(at) == Some(&b':') {
        let Some(sec) = run(at + 1) else { return false };
        at = sec;
        if b.get(at) == Some(&b'.') {
            let n = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if n == 0 {
                return false;
            }
            at += 1 + n;
        }
    }
    if b[at..].first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let rest = t[at..].trim_start();
    let shape = |z: &[u8], s: &[u8]| {
        z.len() == s.len()
            && z.iter().zip(s).all(|(c, w)| {
                if *w == b'd' {
                    c.is_ascii_digit()
                } else {
                    c == w
                }
            })
    };
    rest.is_empty()
        || ["sa", "ch", "am", "pm"].contains(&rest.to_ascii_lowercase().as_str())
        || rest == "Z"
        || rest.strip_prefix(['+', '-']).is_some_and(|z| {
            let z = z.as_bytes();
            shape(z, b"dd") || shape(z, b"dddd") || shape(z, b"dd:dd")
        })
}

/// (year, month, day) of a date written in one of the accepted forms, before any range check.
fn date_form(s: &str) -> Option<(u32, u32, u32)> {
    // The first separator sets the kind for the whole date.
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    // A part holding another separator is not digits, so mixed separators fail here.
    if a.len() == 4 {
        Some((digits(a, 4, 4)?, digits(b, 1, 2)?, digits(c, 1, 2)?))
    } else {
        let year = if c.len() == 2 {
            2000 + digits(c, 2, 2)?
        } else {
            digits(c, 4, 4)?
        };
        Some((year, digits(b, 1, 2)?, digits(a, 1, 2)?))
    }
}

fn leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The model: what the README's rules make of a cell.
fn model(cell: &str) -> Reading {
    let cell = cell.trim();
    if cell.is_empty() {
        return Reading::Missing;
    }
    let unreadable = || Reading::Unreadable(cell.to_string());
    // A date holds no white space and no `T`, so the first of them starts the time (any white
    // space: Excel puts a non-breaking space there).
    let date = match cell.find(|c: char| c.is_whitespace() || c == 'T') {
        None => cell,
        Some(i) => {
            let sep = cell[i..].chars().next().map_or(1, char::len_utf8);
            if !is_time(cell[i + sep..].trim()) {
                return unreadable();
            }
            cell[..i].trim_end()
        }
    };
    let Some((y, m, d)) = date_form(date) else {
        return unreadable();
    };
    if !(1900..=2100).contains(&y) {
        return Reading::OutOfRange(cell.to_string());
    }
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Reading::Impossible(cell.to_string());
    }
    Reading::Date(y as i32, m, d)
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// A number written with `width` digits (zero-padded, or cut to its last digits).
fn written(n: u32, width: usize) -> String {
    let s = format!("{n:0width$}");
    s[s.len() - width..].to_string()
}

/// Day and month: mostly real ones, often the edges and the impossible ones.
fn day() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 1u32..=28, 2 => 28u32..=32, 1 => Just(0u32), 1 => 0u32..100]
}

fn month() -> impl Strategy<Value = u32> {
    prop_oneof![5 => 1u32..=12, 1 => prop::sample::select(vec![0u32, 2, 13, 99])]
}

/// Years around every edge: the range's ends, leap centuries, typos; with their width.
fn year() -> impl Strategy<Value = (u32, usize)> {
    let value = prop_oneof![
        4 => 2020u32..2030,
        3 => prop::sample::select(vec![
            1899u32, 1900, 1901, 1999, 2000, 2004, 2024, 2096, 2100, 2101, 2400,
        ]),
        1 => 0u32..10000,
    ];
    let width =
        prop_oneof![16 => Just(4usize), 1 => Just(2usize), 1 => Just(3usize), 1 => Just(5usize)];
    (value, width)
}

/// Widths for day and month: 2 (padded), 1 (bare when the number allows), 3 (too long).
fn part_width() -> impl Strategy<Value = usize> {
    prop_oneof![10 => Just(2usize), 4 => Just(1usize), 1 => Just(3usize)]
}

fn separator() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['/', '-', '.'])
}

/// A date in one of the written forms, its parts and separators varied: day first or year
/// first, one separator or two different ones.
fn date_text() -> impl Strategy<Value = String> {
    // Month ends, the leap day and the days just past them, often: they decide Impossible.
    let edge = prop::sample::select(vec![
        (29u32, 2u32),
        (29, 2),
        (29, 2),
        (28, 2),
        (30, 2),
        (31, 1),
        (31, 4),
        (30, 4),
        (31, 12),
        (1, 1),
        (32, 12),
    ]);
    (
        prop_oneof![3 => (day(), month()), 2 => edge],
        year(),
        (part_width(), part_width()),
        separator(),
        prop_oneof![9 => Just(None), 1 => separator().prop_map(Some)],
        any::<bool>(),
    )
        .prop_map(|((d, m), (y, yw), (dw, mw), s1, s2, year_first)| {
            // A bare width keeps every digit of a two-digit number.
            let dw = if dw == 1 && d >= 10 { 2 } else { dw };
            let mw = if mw == 1 && m >= 10 { 2 } else { mw };
            let (d, m, y) = (written(d, dw), written(m, mw), written(y, yw));
            let s2 = s2.unwrap_or(s1);
            if year_first {
                format!("{y}{s1}{m}{s2}{d}")
            } else {
                format!("{d}{s1}{m}{s2}{y}")
            }
        })
}

/// What may follow a date: nothing, a time (valid or not) after a space or `T`, or a fragment.
fn after_date() -> impl Strategy<Value = String> {
    let suffix = prop::sample::select(vec![
        " SA", " CH", " am", "PM", " sa", "Z", "+07:00", " +0700", "-05", " Z", " XA", "+7", "z",
        " +07:0", " S A", " SA Z",
    ]);
    let time = prop_oneof![
        8 => ("[0-9]{1,2}", "[0-9]{1,2}", "(:[0-9]{1,2})?", suffix)
            .prop_map(|(h, m, s, x)| format!("{h}:{m}{s}{x}")),
        4 => ("[0-9]{1,2}", "[0-9]{1,2}").prop_map(|(h, m)| format!("{h}:{m}")),
        4 => ("[0-9]{1,2}", "[0-9]{2}", "[0-9]{1,2}")
            .prop_map(|(h, m, s)| format!("{h}:{m}:{s}")),
        2 => ("[0-9]{2}:[0-9]{2}:[0-9]{2}", "[0-9]{1,6}").prop_map(|(t, f)| format!("{t}.{f}")),
        3 => prop::sample::select(vec![
            "12", "abc", "12:", ":30", "123:00", "12:345", "12:30:00:00", "12:30:", "12.5",
            "12:30:00.", "12:30:00.abc", "12:30.5", "12.5:30", "12:30:00.5 sáng", "１２:３０",
            "00:00 00:00", "sáng", "",
        ])
        .prop_map(String::from),
    ];
    let gap = prop::sample::select(vec![
        " ", "T", "  ", " \t", "\t ", "T ", " T", "\t", "\u{a0}", "\u{a0} ",
    ]);
    prop_oneof![
        8 => Just(String::new()),
        5 => (gap, time).prop_map(|(g, t)| format!("{g}{t}")),
        1 => prop::sample::select(vec!["x", "/1", "1", ".", "-", "/2024", "Z", "đ"])
            .prop_map(String::from),
    ]
}

fn white() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", "", "", "", "", "", "", " ", "  ", "\t", "\u{a0}", "\u{3000}", "\n", "\r\n",
    ])
}

/// Exactly ten bytes, `DD?MM?YYYY` or `YYYY?MM?DD` with any two separators: the shapes the
/// reader takes on a fast path, where one wrong byte position would let `2024-03/15` through.
fn ten_bytes() -> impl Strategy<Value = String> {
    (
        prop_oneof![3 => (day(), month()), 1 => (0u32..100, 0u32..100)],
        year(),
        separator(),
        separator(),
        any::<bool>(),
    )
        .prop_map(|((d, m), (y, _), s1, s2, year_first)| {
            let (d, m, y) = (written(d, 2), written(m, 2), written(y, 4));
            if year_first {
                format!("{y}{s1}{m}{s2}{d}")
            } else {
                format!("{d}{s1}{m}{s2}{y}")
            }
        })
}

/// Cells: written dates (the most), near misses of every kind, and anything at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => (white(), date_text(), after_date(), white())
            .prop_map(|(a, d, t, b)| format!("{a}{d}{t}{b}")),
        4 => ten_bytes(),
        2 => "[0-9]{0,5}[-/. T:]{0,2}[0-9]{0,5}[-/. ]{0,2}[0-9]{0,5}",
        1 => white().prop_map(String::from),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/date_oracle.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Both entry points give the model's reading, variant and value.
    #[test]
    fn dates_read_as_the_rules_say(cell in cell()) {
        let want = model(&cell);
        prop_assert_eq!(&from_danvan(parse_date(&cell)), &want, "parse_date({:?})", cell);
        prop_assert_eq!(
            &from_danvan(parse_date_bytes(cell.as_bytes())),
            &want,
            "parse_date_bytes({:?})",
            cell
        );
    }

    /// Bytes that are not UTF-8 read as their lossy decoding.
    #[test]
    fn bytes_not_utf8_read_as_their_lossy_text(
        cell in cell(),
        bad in prop::sample::select(vec![&b"\xff"[..], b"\xc3", b"\xe1\xbb", b"\x80"]),
        at_end in any::<bool>(),
    ) {
        let mut bytes = cell.into_bytes();
        if at_end {
            bytes.extend_from_slice(bad);
        } else {
            bytes.splice(0..0, bad.iter().copied());
        }
        let want = model(&String::from_utf8_lossy(&bytes));
        prop_assert_eq!(from_danvan(parse_date_bytes(&bytes)), want);
    }
}

/// Hand-checked cells for each rule, so the model itself is held to the README: every form, each
/// refusal and the precedence between them.
#[test]
fn the_model_follows_the_readme() {
    use Reading::*;
    let un = |s: &str| Unreadable(s.to_string());
    let cases: Vec<(&str, Reading)> = vec![
        ("15/03/2024", Date(2024, 3, 15)),
        ("5/3/2024", Date(2024, 3, 5)),
        ("15-03-2024", Date(2024, 3, 15)),
        ("15.03.2024", Date(2024, 3, 15)),
        ("2024-03-15", Date(2024, 3, 15)),
        (" 15/03/2024\t", Date(2024, 3, 15)),
        ("15/03/2024 00:00:00", Date(2024, 3, 15)),
        ("2024-03-15T08:30", Date(2024, 3, 15)),
        ("15/03/2024 8:30:59.125", Date(2024, 3, 15)),
        ("29/02/2000", Date(2000, 2, 29)),
        ("", Missing),
        (" \u{a0} ", Missing),
        ("15/03/24", Date(2024, 3, 15)),
        ("5/3/99", Date(2099, 3, 5)),
        ("15/03/024", un("15/03/024")),
        ("24-03-15", Date(2015, 3, 24)),
        ("05/03/2025 12:00:00 SA", Date(2025, 3, 5)),
        ("05/03/2025 1:30:00 CH", Date(2025, 3, 5)),
        ("05/03/2025 8:30 AM", Date(2025, 3, 5)),
        ("05/03/2025 8:30pm", Date(2025, 3, 5)),
        ("2025-03-05T08:30:00Z", Date(2025, 3, 5)),
        ("2025-03-05T08:30:00.5+07:00", Date(2025, 3, 5)),
        ("2025-03-05 08:30 -0500", Date(2025, 3, 5)),
        ("05/03/2025 SA", un("05/03/2025 SA")),
        ("05/03/2025 8:30z", un("05/03/2025 8:30z")),
        ("05/03/2025 8:30 +7", un("05/03/2025 8:30 +7")),
        ("29/02/25", Impossible("29/02/25".into())),
        ("2024-03/15", un("2024-03/15")),
        ("15/03-2024", un("15/03-2024")),
        ("015/03/2024", un("015/03/2024")),
        ("15/03/02024", un("15/03/02024")),
        ("15/03/2024 12", un("15/03/2024 12")),
        ("15/03/2024 abc", un("15/03/2024 abc")),
        ("15/03/2024x", un("15/03/2024x")),
        ("01/01/1899", OutOfRange("01/01/1899".into())),
        ("31/02/1800", OutOfRange("31/02/1800".into())),
        ("01/01/2101 00:00", OutOfRange("01/01/2101 00:00".into())),
        ("31/02/2024", Impossible("31/02/2024".into())),
        ("29/02/2023", Impossible("29/02/2023".into())),
        ("29/02/1900", Impossible("29/02/1900".into())),
        ("29/02/2100", Impossible("29/02/2100".into())),
        ("15/13/2024", Impossible("15/13/2024".into())),
        ("0/3/2024", Impossible("0/3/2024".into())),
        ("31/04/2024", Impossible("31/04/2024".into())),
    ];
    for (cell, want) in cases {
        assert_eq!(model(cell), want, "model({cell:?})");
        assert_eq!(from_danvan(parse_date(cell)), want, "parse_date({cell:?})");
    }
}

/// Text after the date that is not a time is unreadable (README: a *time* after the date is
/// ignored). These cells carry a fraction where a time has none, or text after it.
#[test]
fn only_a_time_may_follow_the_date() {
    for cell in [
        "15/03/2024 12:30:00.5 tiền mặt",
        "15/03/2024 12:30.abc",
        "15/03/2024 12.5:30",
        "15/03/2024 12:30:00.",
    ] {
        assert_eq!(
            from_danvan(parse_date(cell)),
            Reading::Unreadable(cell.to_string()),
            "{cell:?}"
        );
    }
}

/// Whether a cell writes the 29th of February, day first or year first.
fn leap_day_written(t: &str) -> bool {
    let date = t.split([' ', 'T']).next().unwrap_or_default();
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (*m == "02" || *m == "2") && *d == "29",
        [d, m, _] => *d == "29" && (*m == "02" || *m == "2"),
        _ => false,
    }
}

/// The generator must reach every outcome of the rules often, or the property above would pass
/// while a branch goes untested: each reading, times that are read and refused, and the
/// ten-byte shapes that the reader takes on a fast path.
#[test]
fn the_generator_reaches_every_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let n = 2000;
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..n {
        let cell = cell().new_tree(&mut runner).unwrap().current();
        let reading = model(&cell);
        let t = cell.trim();
        let b = t.as_bytes();
        let ten =
            b.len() == 10 && ((b[4] == b'-' && b[7] == b'-') || (b[2] == b'/' && b[5] == b'/'));
        // Ten bytes that only just miss those shapes: one separator of another kind.
        let near_ten = b.len() == 10
            && !ten
            && ((b[4] == b'-' || b[7] == b'-') || (b[2] == b'/' || b[5] == b'/'));
        let has_time = t.contains(':');
        let shapes = [
            ("date", matches!(reading, Reading::Date(..))),
            (
                "date with a time",
                matches!(reading, Reading::Date(..)) && has_time,
            ),
            ("missing", reading == Reading::Missing),
            ("unreadable", matches!(reading, Reading::Unreadable(_))),
            (
                "unreadable time",
                matches!(reading, Reading::Unreadable(_)) && has_time,
            ),
            ("impossible", matches!(reading, Reading::Impossible(_))),
            ("out of range", matches!(reading, Reading::OutOfRange(_))),
            (
                "29 February read",
                matches!(reading, Reading::Date(_, 2, 29)),
            ),
            (
                "29 February impossible",
                matches!(reading, Reading::Impossible(_)) && leap_day_written(t),
            ),
            (
                "date with a 12-hour mark or a zone",
                matches!(reading, Reading::Date(..))
                    && t.ends_with(|c: char| c.is_ascii_alphabetic() || c.is_ascii_digit())
                    && (t.to_ascii_lowercase().ends_with(['a', 'h', 'm', 'z'])
                        || t.rfind(['+', '-']).is_some_and(|i| i > 10)),
            ),
            (
                "two-digit year read",
                matches!(reading, Reading::Date(y, _, _) if y >= 2000)
                    && t.split([' ', 'T']).next().is_some_and(|d| {
                        d.rsplit(['/', '-', '.'])
                            .next()
                            .is_some_and(|y| y.len() == 2)
                    }),
            ),
            ("ten-byte shape", ten),
            ("ten bytes, mixed separators", near_ten),
            ("surrounding white space", t.len() < cell.len()),
        ];
        for (name, hit) in shapes {
            *seen.entry(name).or_default() += usize::from(hit);
        }
    }
    for (name, hits) in seen {
        // The leap day is one date in 1461: 1 case in 200 is already far more often.
        let share = if name.starts_with("29 February") {
            200
        } else if name.starts_with("date with a 12-hour") {
            // A valid date, then a time, then a mark or zone: three draws that must all land.
            100
        } else {
            40
        };
        assert!(hits * share >= n, "{name}: {hits} of {n}");
    }
}

//! Text normalization: every text value in a ledger goes through [`normalize`].
//!
//! Clerks type the same name in many byte-forms: trailing spaces, doubled spaces, and (from macOS
//! or old Windows-1258 files) decomposed accents. Grouping must treat them as one, so every value is
//! trimmed, white-space runs become one space, and the result is put in Unicode NFC.

use std::borrow::Cow;
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// Trim, collapse white-space runs to one space, and put the text in NFC.
///
/// Borrows when the value is already normal (the common case: plain ASCII or NFC without doubled
/// spaces), so the hot path allocates nothing.
pub fn normalize(raw: &str) -> Cow<'_, str> {
    let trimmed = raw.trim();
    if is_clean(trimmed) {
        return Cow::Borrowed(trimmed);
    }
    Cow::Owned(normalize_full(trimmed))
}

/// The whole rules, for trimmed text: collapse white space, then compose.
fn normalize_full(trimmed: &str) -> String {
    let mut spaced = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            if !in_space {
                spaced.push(' ');
            }
            in_space = true;
        } else {
            spaced.push(c);
            in_space = false;
        }
    }
    // Values reach this slow path once per distinct spelling (readers cache by raw bytes), so
    // composing again what may already be NFC costs nothing that shows.
    spaced.nfc().collect()
}

/// True when `s` needs no change: no white space but single ASCII spaces, and already NFC.
///
/// One walk over the text for what most values are, ASCII and precomposed Latin letters
/// (every Vietnamese letter in NFC): these are no white space, and NFC leaves them and ASCII as
/// they are (each is a starter that composes with nothing before it; `latin_letters_are_clean`
/// checks every one), so such text needs no closer look. A ledger of millions of distinct names
/// comes here once per name.
fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut prev_space = false;
    // Every character so far ASCII or a letter of the table, read from the bytes.
    let mut simple = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
            i += 1;
            continue;
        }
        prev_space = false;
        if b.is_ascii() {
            if b.is_ascii_whitespace() {
                return false;
            }
            i += 1;
            continue;
        }
        simple &= starts_latin_letter(b, bytes.get(i + 1).copied().unwrap_or(0));
        // The character's length, from its first byte.
        i += match b {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
    }
    if simple {
        return true;
    }
    // Other Unicode spaces (NBSP from Excel) need collapsing too.
    !s.chars().any(|c| c.is_whitespace() && c != ' ')
        && matches!(
            is_nfc_quick(s.chars()),
            unicode_normalization::IsNormalized::Yes
        )
}

/// Lower-case form used to compare header names and keywords.
pub fn fold_case(s: &str) -> String {
    normalize(s).to_lowercase()
}

/// A key that ignores case and accents, so `check` can find spellings of one name that differ
/// only in those (`Hội phụ nữ` / `Hội Phụ Nữ` / `Hoi phu nu`).
pub fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_accents_into(s, &mut out);
    out
}

/// [`fold_accents`] into `out` (cleared first), so a caller folding millions of values (a
/// summary of many groups looking for spellings that differ) reuses one buffer.
///
/// Text made only of ASCII and precomposed Latin letters (every Vietnamese name in NFC) is
/// folded letter by letter from a table: each such letter is a starter whose decomposition is
/// itself and then marks, so no mark moves across letters and the whole text folds to its
/// letters' folds end to end. Anything else (a lone combining mark, another script) takes the
/// full rules.
pub fn fold_accents_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    let table = latin_folds();
    for c in s.chars() {
        match latin_index(c) {
            Some(i) => out.push_str(&table[i]),
            None if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            None => {
                out.clear();
                out.extend(fold_accents_slow(s));
                return;
            }
        }
    }
}

/// [`fold_accents`] with every white space left out, as UTF-8 bytes into `out` (cleared
/// first): the spelling a name is compared by when looking for names that differ only in case,
/// accents or spacing (`Hội Phụ nữ` / `Hội Phụnữ`). One walk over the text for the ASCII and
/// precomposed Latin letters [`fold_accents_into`] folds from its table, so a summary of
/// millions of names pays little for the look.
pub fn fold_spelling_into(s: &str, out: &mut Vec<u8>) {
    out.clear();
    let table = latin_folds();
    for c in s.chars() {
        if c.is_ascii() {
            if !c.is_whitespace() {
                out.push(c.to_ascii_lowercase() as u8);
            }
        } else if let Some(i) = latin_index(c) {
            // A letter's fold is letters, never a space (tested).
            out.extend_from_slice(table[i].as_bytes());
        } else {
            out.clear();
            let mut utf8 = [0; 4];
            for c in fold_accents_slow(s).filter(|c| !c.is_whitespace()) {
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            return;
        }
    }
}

/// The full rules: decompose, drop marks, `đ` as `d`, lower case.
fn fold_accents_slow(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
}

/// The precomposed Latin letters folded from the table: Latin-1 Supplement and Extended-A/B
/// letters (U+00C0–U+024F) and Latin Extended Additional (U+1E00–U+1EFF, where most Vietnamese
/// letters with two marks live).
const LATIN: [(u32, u32); 2] = [(0xC0, 0x250), (0x1E00, 0x1F00)];

fn latin_index(c: char) -> Option<usize> {
    let c = c as u32;
    let (a, b) = (LATIN[0], LATIN[1]);
    if (a.0..a.1).contains(&c) {
        Some((c - a.0) as usize)
    } else if (b.0..b.1).contains(&c) {
        Some((a.1 - a.0 + c - b.0) as usize)
    } else {
        None
    }
}

/// Whether the UTF-8 character whose first two bytes are `first` and `second` is a letter of
/// [`LATIN`] (what [`latin_index`] says of the character): two bytes from `C3 80` (U+00C0) to
/// `C9 8F` (U+024F), or three from `E1 B8 80` (U+1E00) to `E1 BB BF` (U+1EFF). A test holds
/// the two to each other for every character.
fn starts_latin_letter(first: u8, second: u8) -> bool {
    match first {
        0xC3..=0xC8 => true,
        0xC9 => second < 0x90,
        0xE1 => (0xB8..=0xBB).contains(&second),
        _ => false,
    }
}

/// Each letter of [`LATIN`] folded by the full rules, computed once.
fn latin_folds() -> &'static [Box<str>] {
    static TABLE: std::sync::OnceLock<Vec<Box<str>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        LATIN
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .map(|c| {
                let s = char::from_u32(c).map(String::from).unwrap_or_default();
                fold_accents_slow(&s).collect::<String>().into_boxed_str()
            })
            .collect()
    })
}

/// Normalize an area path: each `/`-separated level is normalized on its own and empty levels
/// dropped, so `Yên Giang / Khu 3` and `Yên Giang/Khu 3` are one area.
pub fn normalize_area(raw: &str) -> Cow<'_, str> {
    let n = normalize(raw);
    if !n.contains('/') {
        return n;
    }
    let joined = n
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if joined == n { n } else { Cow::Owned(joined) }
}

/// The first `depth` levels of an area path; the whole path when `depth` is 0.
pub fn cut_area(area: &str, depth: usize) -> &str {
    match area.match_indices('/').nth(depth.saturating_sub(1)) {
        Some((i, _)) if depth > 0 => &area[..i],
        _ => area,
    }
}

/// True when `area` is `prefix` or lies under it (level by level, not letter by letter).
pub fn area_under(area: &str, prefix: &str) -> bool {
    area == prefix || (area.starts_with(prefix) && area.as_bytes().get(prefix.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_collapses_and_composes() {
        assert_eq!(normalize("  Hội  Phụ\tnữ "), "Hội Phụ nữ");
        let nfd: String = "Hội Phụ nữ".nfd().collect();
        assert_ne!(nfd, "Hội Phụ nữ");
        assert_eq!(normalize(&nfd), "Hội Phụ nữ");
        assert_eq!(normalize("a\u{a0}b"), "a b");
        assert!(matches!(normalize("plain"), Cow::Borrowed(_)));
    }

    /// Every letter the fast test passes is as NFC leaves it, no white space, and composes with
    /// nothing before it (the quick check says yes after any ASCII letter or table letter).
    #[test]
    fn latin_letters_are_clean() {
        for c in LATIN
            .iter()
            .flat_map(|&(lo, hi)| lo..hi)
            .filter_map(char::from_u32)
        {
            let one = c.to_string();
            assert!(!c.is_whitespace(), "{c:?}");
            assert!(
                matches!(
                    is_nfc_quick(std::iter::once(c)),
                    unicode_normalization::IsNormalized::Yes
                ),
                "{c:?}"
            );
            assert_eq!(normalize_full(&one), one, "{c:?}");
            for before in ['a', 'E', ' ', 'ộ', 'Ư', 'ǅ'] {
                let two: String = [before, c].into_iter().collect();
                assert_eq!(normalize_full(&two), two, "{before:?} {c:?}");
            }
        }
    }

    /// The letters of the table known by their first two bytes are those [`latin_index`]
    /// knows, over every character.
    #[test]
    fn a_table_letter_is_known_by_its_first_two_bytes() {
        for c in ('\u{80}'..=char::MAX).filter(|c| !c.is_ascii()) {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            assert_eq!(
                starts_latin_letter(bytes[0], bytes[1]),
                latin_index(c).is_some(),
                "{c:?}"
            );
        }
    }

    /// Characters of every length before doubled spaces: the byte-wise test steps over each
    /// whole character, so the spaces after it are still seen.
    #[test]
    fn doubled_spaces_after_characters_of_every_length() {
        for c in ["a", "ơ", "ạ", "Ω", "\u{a0}", "北", "😀", "𝐀"] {
            for s in [format!("{c}  x"), format!("x{c}  {c}  x")] {
                assert_eq!(normalize(&s), normalize_full(s.trim()), "{s:?}");
            }
        }
    }

    proptest::proptest! {
        /// The fast test never changes a result: `normalize` gives what the whole rules give,
        /// over text with decomposed accents, lone marks, doubled spaces, tabs, NBSP and other
        /// Unicode spaces, precomposed letters of every kind, characters of four bytes.
        #[test]
        fn the_fast_path_is_the_full_path(
            s in "[ a-zA-Z0-9/\t\u{a0}\u{3000}\u{2003}\u{300}\u{301}\u{302}\u{303}\u{309}\u{323}\u{31b}àáạảãâầấậẩẫăằắặẳẵđĐơƠưƯộỘếệữỮǅẞΩ\u{212b}\u{f900}\u{340}😀𝐀]{0,12}"
        ) {
            let got = normalize(&s);
            let want = normalize_full(s.trim());
            proptest::prop_assert_eq!(got.as_ref(), want.as_str());
            // Normal text stays as it is.
            let again = normalize(&want);
            proptest::prop_assert_eq!(again.as_ref(), want.as_str());
        }
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold_accents("Hội Phụ Nữ"), fold_accents("hoi phu nu"));
        assert_eq!(fold_accents("Đoàn"), "doan");
    }

    #[test]
    fn the_letter_table_folds_like_the_full_rules() {
        let slow = |s: &str| fold_accents_slow(s).collect::<String>();
        // Every letter of the table, beside ASCII, a lone mark and other scripts.
        let mut text = String::new();
        for (lo, hi) in LATIN {
            text.extend((lo..hi).filter_map(char::from_u32));
        }
        text.push_str("Hội PHỤ nữ Đoàn ĐĂK Lắk  x\u{301}y Ωμέγα ﬁ İı ǅ ẞ 東京 ");
        assert_eq!(fold_accents(&text), slow(&text));
        let chars: Vec<char> = text.chars().collect();
        for (i, w) in chars.windows(3).enumerate() {
            let s: String = w.iter().collect();
            assert_eq!(fold_accents(&s), slow(&s), "at {i}: {s:?}");
        }
        let nfd: String = "Hội Phụ nữ".nfd().collect();
        assert_eq!(fold_accents(&nfd), "hoi phu nu");
    }

    proptest::proptest! {
        /// The spelling is the accents folded and the spaces left out, whatever the text:
        /// letters of the table, ASCII spaces of every kind, Unicode spaces, lone marks.
        #[test]
        fn a_spelling_is_the_fold_without_spaces(
            s in "[ a-zA-Z0-9/\t\n\r\u{b}\u{c}\u{a0}\u{3000}\u{2003}\u{300}\u{301}\u{323}àáạảãâầấậẩẫăằắặẳẵđĐơƠưƯộỘếệữỮǅẞΩİﬁ\u{1e9e}]{0,12}"
        ) {
            let mut got = Vec::new();
            fold_spelling_into(&s, &mut got);
            let want: String = fold_accents(&s).chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(got, want.into_bytes());
        }
    }

    /// No letter of the table folds to anything with a space in it: [`fold_spelling_into`]
    /// takes the table's folds as they are.
    #[test]
    fn no_letter_folds_to_a_space() {
        for fold in latin_folds() {
            assert!(!fold.chars().any(char::is_whitespace), "{fold:?}");
        }
    }

    #[test]
    fn areas() {
        assert_eq!(normalize_area(" Yên Giang / Khu 3 "), "Yên Giang/Khu 3");
        assert_eq!(cut_area("A/B/C", 1), "A");
        assert_eq!(cut_area("A/B/C", 2), "A/B");
        assert_eq!(cut_area("A/B/C", 5), "A/B/C");
        // No level to keep means no cut (the command refuses --depth 0 before this).
        assert_eq!(cut_area("A/B/C", 0), "A/B/C");
        assert!(area_under("Yên Giang/Khu 3", "Yên Giang"));
        assert!(!area_under("Yên Giang 2/Khu 3", "Yên Giang"));
        assert!(area_under("Yên Giang", "Yên Giang"));
    }
}

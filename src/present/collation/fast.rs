//! Quick sort keys for simple Vietnamese texts, ordered exactly as the ICU collator orders them.
//!
//! An ICU key costs ~3.4 µs a name; this one is built in a table walk. It covers "simple" texts:
//! printable ASCII and the precomposed Vietnamese letters (every tone on every vowel, both
//! cases, `đ Đ`), so NFC by construction, with digit runs of at most [`MAX_DIGITS`] digits.
//! Anything else makes [`Model::write_key`] say no, and the sort then uses ICU keys for all.
//!
//! The model of the collation (Vietnamese tailoring, numeric on, strength tertiary, alternate
//! non-ignorable): ICU turns such a text into collation elements, one per character, except
//! that a digit run is one number and a toned letter is its base letter (primary) followed by a
//! secondary-only element for the tone. It compares all primaries first, then all secondaries,
//! then all tertiaries, each as a sequence (a shorter one that is the start of a longer one first).
//! - Primary: the base letter in `a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x
//!   y z`; spaces, punctuation and symbols before digits, digits before letters, and their order
//!   among themselves read from ICU at first use. A digit run is one element: numbers compare
//!   by value (leading zeros ignored, so `01` equals `1`; `00` is zero).
//! - Secondary: every element has the common weight, the lowest; a tone adds an element after its
//!   letter with a higher one (CLDR vi: grave < hook above < tilde < acute < dot below). When the
//!   primaries are equal the elements line up, so comparing these sequences is comparing one
//!   token per letter: no tone, then the tones in order.
//! - Tertiary: lower case (and everything uncased) before upper case, one token per letter.
//!
//! The key is the primaries, [`SEPARATOR`], the secondary tokens, [`SEPARATOR`], the tertiary
//! tokens, with trailing lowest tokens left out (equal primaries give sequences of equal length,
//! where a dropped lowest tail compares as it would written out). No byte is zero, so
//! label keys need no escaping.

use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;

/// Between the levels: below every weight, so a shorter level sorts first.
const SEPARATOR: u8 = 1;
/// The secondary token of a letter without a tone; a tone's is this plus its rank.
const NO_TONE: u8 = 2;
/// The tertiary tokens.
const LOWER: u8 = 2;
const UPPER: u8 = 3;
/// The longest digit run (leading zeros included) a quick key covers; ICU cuts runs into
/// segments of 254 digits, so any bound below that keeps one number one element.
pub const MAX_DIGITS: usize = 30;

/// The tones in their secondary order (CLDR vi: `&̀<<̉<<̃<<́<<̣`).
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];
/// The Vietnamese alphabet with the Latin letters it lacks at their Latin places.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];
/// The letters that take tones.
const VOWELS: [char; 12] = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];

/// What one character weighs; `primary` 0 means not covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Weights {
    primary: u8,
    /// [`NO_TONE`] or higher.
    tone: u8,
    /// [`LOWER`] or [`UPPER`].
    case: u8,
}

/// The weights a digit run counts as at the secondary and tertiary levels: the lowest tokens.
const DIGITS: Weights = Weights {
    primary: 0,
    tone: NO_TONE,
    case: LOWER,
};

/// How many elements' tokens [`Model::write_key`] keeps on the stack; names are far shorter.
const INLINE: usize = 64;

/// The first code points of the two blocks that hold the precomposed Vietnamese letters.
const LATIN_FROM: u32 = 0xC0;
const LATIN_TO: u32 = 0x1B1;
const VIETNAMESE_FROM: u32 = 0x1EA0;
const VIETNAMESE_TO: u32 = 0x1EFA;

/// The weights of every simple character.
pub struct Model {
    ascii: [Weights; 128],
    /// U+00C0..U+01B0 (Latin-1 Supplement and Extended-A/B: `à á â ã`, `ă đ ĩ ũ ơ ư`…).
    latin: Vec<Weights>,
    /// U+1EA0..U+1EF9 (Latin Extended Additional: `ạ ả ấ`…).
    vietnamese: Vec<Weights>,
    /// The primary of a digit run.
    digits: u8,
}

impl Model {
    /// The model for the collator `cmp` compares with: the order of spaces, punctuation,
    /// symbols and digits is read from it, and checked to differ at the primary level (else
    /// `None`: no quick keys then, ICU's for all).
    pub fn new(cmp: impl Fn(&str, &str) -> Ordering) -> Option<Model> {
        let mut others: Vec<char> = (0x20u8..0x7F)
            .map(char::from)
            .filter(|c| !c.is_ascii_alphanumeric())
            .chain(['0'])
            .collect();
        others.sort_by(|a, b| cmp(&a.to_string(), &b.to_string()));
        for pair in others.windows(2) {
            // Equal primaries would let the next element decide: "xb" < "ya" only if x < y at
            // the primary level.
            if cmp(&format!("{}b", pair[0]), &format!("{}a", pair[1])) != Ordering::Less {
                return None;
            }
        }
        let last = others.last().copied().unwrap_or(' ');
        if cmp(&format!("{last}b"), "aa") != Ordering::Less {
            return None;
        }
        let mut ascii = [Weights::default(); 128];
        let mut digits = 0;
        let mut primary = SEPARATOR + 1;
        for &c in &others {
            if c == '0' {
                digits = primary;
            } else {
                ascii[c as usize] = Weights {
                    primary,
                    tone: NO_TONE,
                    case: LOWER,
                };
            }
            primary += 1;
        }
        let mut latin = vec![Weights::default(); (LATIN_TO - LATIN_FROM) as usize];
        let mut vietnamese = vec![Weights::default(); (VIETNAMESE_TO - VIETNAMESE_FROM) as usize];
        let mut set = |c: char, w: Weights| {
            let u = c as u32;
            if u < 0x80 {
                ascii[u as usize] = w;
            } else if (LATIN_FROM..LATIN_TO).contains(&u) {
                latin[(u - LATIN_FROM) as usize] = w;
            } else if (VIETNAMESE_FROM..VIETNAMESE_TO).contains(&u) {
                vietnamese[(u - VIETNAMESE_FROM) as usize] = w;
            }
        };
        for letter in ALPHABET {
            let toned = VOWELS.contains(&letter);
            for (case, c) in [(LOWER, letter), (UPPER, upper(letter))] {
                set(
                    c,
                    Weights {
                        primary,
                        tone: NO_TONE,
                        case,
                    },
                );
                if toned {
                    for (rank, &mark) in (1..).zip(&TONES) {
                        if let Some(t) = composed(c, mark) {
                            set(
                                t,
                                Weights {
                                    primary,
                                    tone: NO_TONE + rank,
                                    case,
                                },
                            );
                        }
                    }
                }
            }
            primary += 1;
        }
        Some(Model {
            ascii,
            latin,
            vietnamese,
            digits,
        })
    }

    fn weights(&self, c: char) -> Weights {
        let u = c as u32;
        let table = if u < 0x80 {
            self.ascii.get(u as usize)
        } else if u < LATIN_TO {
            self.latin.get(u.wrapping_sub(LATIN_FROM) as usize)
        } else {
            self.vietnamese
                .get(u.wrapping_sub(VIETNAMESE_FROM) as usize)
        };
        table.copied().unwrap_or_default()
    }

    /// Appends `text`'s quick key to `key` and says true, or says false (leaving `key` with
    /// some bytes more, for the caller to drop) when `text` is not simple.
    ///
    /// One walk over the text: each element's tone and case tokens are kept on the stack while
    /// its primary is written (a report ranks millions of names, and walking each three times
    /// was most of the ranking). A text of more than [`INLINE`] elements walks again for the
    /// tokens past them.
    pub fn write_key(&self, text: &str, key: &mut Vec<u8>) -> bool {
        let (mut tones, mut cases) = ([0u8; INLINE], [0u8; INLINE]);
        // Elements so far, and how many elements the tone and case tokens must cover: up to
        // the last toned, the last upper-case one (the lowest tokens after them are left out).
        let (mut elements, mut toned, mut upper) = (0, 0, 0);
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&b) = bytes.get(at) {
            let w = if b.is_ascii_digit() {
                let run = bytes[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if run > MAX_DIGITS {
                    return false;
                }
                let number = &bytes[at..at + run];
                let zeros = number.iter().take_while(|&&b| b == b'0').count();
                let significant = if zeros == run {
                    &b"0"[..]
                } else {
                    &number[zeros..]
                };
                key.push(self.digits);
                key.push(significant.len() as u8);
                key.extend_from_slice(significant);
                at += run;
                // Digits have the lowest tokens at both levels.
                DIGITS
            } else {
                let w = if b.is_ascii() {
                    at += 1;
                    self.ascii[usize::from(b)]
                } else {
                    let Some(c) = text[at..].chars().next() else {
                        return false;
                    };
                    at += c.len_utf8();
                    self.weights(c)
                };
                if w.primary == 0 {
                    return false;
                }
                key.push(w.primary);
                if w.tone != NO_TONE {
                    toned = elements + 1;
                }
                if w.case != LOWER {
                    upper = elements + 1;
                }
                w
            };
            if let (Some(t), Some(c)) = (tones.get_mut(elements), cases.get_mut(elements)) {
                (*t, *c) = (w.tone, w.case);
            }
            elements += 1;
        }
        key.push(SEPARATOR);
        self.write_level(text, &tones, toned, key, |w| w.tone);
        key.push(SEPARATOR);
        self.write_level(text, &cases, upper, key, |w| w.case);
        true
    }

    /// The first `count` tokens of one level: those kept in `kept`, and past them the text
    /// walked again.
    fn write_level(
        &self,
        text: &str,
        kept: &[u8; INLINE],
        count: usize,
        key: &mut Vec<u8>,
        token: impl Fn(Weights) -> u8,
    ) {
        match kept.get(..count) {
            Some(tokens) => key.extend_from_slice(tokens),
            None => self.write_tokens(text, count, key, token),
        }
    }

    /// One token per element of a text known simple, the first `count`.
    fn write_tokens(
        &self,
        text: &str,
        count: usize,
        key: &mut Vec<u8>,
        token: impl Fn(Weights) -> u8,
    ) {
        let mut chars = text.chars().peekable();
        let mut written = 0;
        while written < count {
            let Some(c) = chars.next() else { break };
            if c.is_ascii_digit() {
                while chars.next_if(char::is_ascii_digit).is_some() {}
                key.push(token(DIGITS));
            } else {
                key.push(token(self.weights(c)));
            }
            written += 1;
        }
    }
}

/// The one character that is `letter` with `mark` in NFC. Not `char::compose`: `ậ` is `a`,
/// dot below, circumflex in canonical order, so `â` and a dot below do not compose directly.
fn composed(letter: char, mark: char) -> Option<char> {
    let mut nfc = [letter, mark].into_iter().nfc();
    match (nfc.next(), nfc.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The upper case of a letter that has one single-character upper case.
fn upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Every simple character but the digits, each once: for tests that go through them all.
#[cfg(test)]
pub fn simple_chars(model: &Model) -> Vec<char> {
    (0u32..VIETNAMESE_TO)
        .filter_map(char::from_u32)
        .filter(|&c| !c.is_ascii_digit() && model.weights(c).primary != 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Value;
    use crate::domain::order::{TextOrder, sort_by_label, sort_texts};
    use crate::present::collation::VIETNAMESE;
    use proptest::prelude::*;

    fn quick(text: &str) -> Vec<u8> {
        let mut key = Vec::new();
        assert!(
            VIETNAMESE.write_quick_key(text, &mut key),
            "{text:?} is simple"
        );
        key
    }

    fn model() -> Model {
        let collator = VIETNAMESE
            .collator
            .as_ref()
            .expect("the compiled data makes one");
        Model::new(|a, b| collator.compare(a, b)).expect("ICU agrees with the model")
    }

    /// Every simple character, digits included.
    fn every_char() -> Vec<char> {
        let mut chars = simple_chars(&model());
        chars.extend('0'..='9');
        chars
    }

    #[test]
    fn every_pair_of_simple_characters_orders_as_icu() {
        let chars = every_char();
        // ASCII printable (95), 12 vowels × 2 cases × 6 tones less the 12 ASCII ones, đ Đ.
        assert_eq!(chars.len(), 95 + 12 * 2 * 6 - 12 + 2);
        let texts: Vec<String> = chars.iter().map(char::to_string).collect();
        let keys: Vec<Vec<u8>> = texts.iter().map(|t| quick(t)).collect();
        for (a, ka) in texts.iter().zip(&keys) {
            for (b, kb) in texts.iter().zip(&keys) {
                assert_eq!(ka.cmp(kb), VIETNAMESE.cmp_text(a, b), "{a:?} {b:?}");
                // The level structure: the second character decides only if the first ties at
                // the primary level, and then only at the level where the first differs.
                for tail in ["a", "A", "á", "0", " "] {
                    let (x, y) = (format!("{a}{tail}"), format!("{b}a"));
                    assert_eq!(
                        quick(&x).cmp(&quick(&y)),
                        VIETNAMESE.cmp_text(&x, &y),
                        "{x:?} {y:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_compare_by_value_as_icu_does() {
        let pairs = [
            ("1", "01"),
            ("0", "00"),
            ("0", "000a"),
            ("9", "10"),
            ("Khu 2", "Khu 10"),
            ("1234567", "1234568"),
            ("9999999", "10000000"),
            ("12000000", "12000001"),
            (
                "100000000000000000000000000000",
                "99999999999999999999999999999",
            ),
            ("000000000000000000000000000001", "1"),
            ("a1b", "a01B"),
            ("1à", "01a"),
            ("1.5", "1.10"),
            ("2024-01", "2024-1"),
        ];
        for (a, b) in pairs {
            assert_eq!(
                quick(a).cmp(&quick(b)),
                VIETNAMESE.cmp_text(a, b),
                "{a} {b}"
            );
            assert_eq!(
                quick(b).cmp(&quick(a)),
                VIETNAMESE.cmp_text(b, a),
                "{b} {a}"
            );
        }
        assert_eq!(VIETNAMESE.cmp_text("1", "01"), Ordering::Equal);
        assert_eq!(VIETNAMESE.cmp_text("0", "00"), Ordering::Equal);
        let long = "1".repeat(MAX_DIGITS + 1);
        assert!(!VIETNAMESE.write_quick_key(&long, &mut Vec::new()));
    }

    #[test]
    fn texts_that_are_not_simple_have_no_quick_key() {
        for text in [
            "tab\there",
            "Müller",
            "a\u{301}",
            "北京",
            "ǹ",
            "e\u{7f}",
            "Ā",
        ] {
            assert!(
                !VIETNAMESE.write_quick_key(text, &mut Vec::new()),
                "{text:?}"
            );
        }
    }

    /// The deep-tie alphabet: letters that share a base letter, tones, cases, digits and a few
    /// separators, so that random pairs often tie at the primary or secondary level.
    const PIECES: [&str; 35] = [
        "a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ắ", "â", "ậ", "A", "Á", "Ă", "Â", "d", "đ", "D",
        "Đ", "o", "ơ", "ô", "ờ", "u", "ư", "U", "Ư", "0", "1", "9", " ", "/", "-", ".", "(",
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..10)
            .prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn quick_keys_order_pairs_as_icu(a in text(), b in text()) {
            prop_assert_eq!(quick(&a).cmp(&quick(&b)), VIETNAMESE.cmp_text(&a, &b), "{:?} {:?}", a, b);
        }

        /// Pairs that share a start, so that the end decides.
        #[test]
        fn quick_keys_order_near_pairs_as_icu(start in text(), a in text(), b in text()) {
            let (a, b) = (format!("{start}{a}"), format!("{start}{b}"));
            prop_assert_eq!(quick(&a).cmp(&quick(&b)), VIETNAMESE.cmp_text(&a, &b), "{:?} {:?}", a, b);
        }

        #[test]
        fn sorting_by_quick_keys_sorts_as_icu(mut texts in proptest::collection::vec(text(), 0..40)) {
            let mut pairwise = texts.clone();
            pairwise.sort_by(|a, b| VIETNAMESE.cmp_text(a, b));
            let mut by_key = texts.clone();
            by_key.sort_by_cached_key(|t| quick(t));
            prop_assert_eq!(&by_key, &pairwise);
            sort_texts(&*VIETNAMESE, &mut texts);
            prop_assert_eq!(&texts, &pairwise);
        }
    }

    /// The quick key written apart, element by element, each level's lowest tokens at its end
    /// trimmed: what [`Model::write_key`]'s one walk must give.
    fn key_by_elements(model: &Model, text: &str) -> Option<Vec<u8>> {
        let mut elements: Vec<(Vec<u8>, Weights)> = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                let mut run = c.to_string();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    run.push(d);
                }
                if run.len() > MAX_DIGITS {
                    return None;
                }
                let value = run.trim_start_matches('0');
                let value = if value.is_empty() { "0" } else { value };
                let mut primary = vec![model.digits, value.len() as u8];
                primary.extend_from_slice(value.as_bytes());
                elements.push((primary, DIGITS));
            } else {
                let w = model.weights(c);
                if w.primary == 0 {
                    return None;
                }
                elements.push((vec![w.primary], w));
            }
        }
        let level = |token: fn(&Weights) -> u8, lowest: u8| {
            let mut tokens: Vec<u8> = elements.iter().map(|(_, w)| token(w)).collect();
            while tokens.last() == Some(&lowest) {
                tokens.pop();
            }
            tokens
        };
        let mut key: Vec<u8> = elements.iter().flat_map(|(p, _)| p.clone()).collect();
        key.push(SEPARATOR);
        key.extend(level(|w| w.tone, NO_TONE));
        key.push(SEPARATOR);
        key.extend(level(|w| w.case, LOWER));
        Some(key)
    }

    proptest! {
        /// Texts short and long (past the tokens kept on the stack), simple or not.
        #[test]
        fn one_walk_writes_the_key_element_by_element(
            pieces in proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..150),
            odd in proptest::option::of((0usize..150, proptest::sample::select(&["ü", "\t", "\u{301}", "1234567890123456789012345678901"][..]))),
        ) {
            let mut text = pieces.concat();
            if let Some((at, piece)) = odd {
                let at = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                text.insert_str(at, piece);
            }
            let model = model();
            let mut key = Vec::new();
            let written = model.write_key(&text, &mut key);
            let expected = key_by_elements(&model, &text);
            prop_assert_eq!(written, expected.is_some(), "{:?}", text);
            if let Some(expected) = expected {
                prop_assert_eq!(key, expected, "{:?}", text);
            }
        }
    }

    /// Names like a real ledger's, with one that quick keys do not cover somewhere.
    fn names(count: usize, odd_one: Option<usize>) -> Vec<Vec<Value>> {
        let initials = [
            "Đ", "Ư", "Ủ", "A", "Ă", "Â", "Ô", "Ơ", "D", "U", "H", "T", "Y", "đ", "ư",
        ];
        let mut x: u64 = 11;
        (0..count)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (x >> 33) as usize;
                let name = if Some(i) == odd_one {
                    "Hội Müller 7".to_string()
                } else {
                    format!(
                        "{}ội {} khu {}",
                        initials[r % initials.len()],
                        r % 977,
                        r % 50
                    )
                };
                vec![Value::Text(name), Value::Area(format!("Xã {}", r % 3))]
            })
            .collect()
    }

    fn sorted_pairwise(mut labels: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
        labels.sort_by(|a, b| crate::domain::order::cmp_labels(&*VIETNAMESE, a, b));
        labels
    }

    #[test]
    fn whole_lists_sort_as_icu_compares() {
        // Many parts (above the parallel threshold) and many equal names, which keep their order.
        let labels = names(45_000, None);
        let mut sorted = labels.clone();
        sort_by_label(&*VIETNAMESE, &mut sorted, |l| l.as_slice());
        assert_eq!(sorted, sorted_pairwise(labels));
    }

    #[test]
    fn one_text_not_simple_makes_the_whole_sort_use_icu_keys() {
        for (count, odd) in [(50, 17), (45_000, 44_000), (45_000, 3)] {
            let labels = names(count, Some(odd));
            let mut sorted = labels.clone();
            sort_by_label(&*VIETNAMESE, &mut sorted, |l| l.as_slice());
            let full: Vec<Vec<u8>> = sorted
                .iter()
                .map(|l| crate::domain::order::label_key(&*VIETNAMESE, l))
                .collect();
            assert!(full.is_sorted(), "in the order of ICU keys");
            assert_eq!(sorted, sorted_pairwise(labels));
        }
    }
}

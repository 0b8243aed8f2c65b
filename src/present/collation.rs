//! Vietnamese alphabetical order, from ICU4X's collator with its compiled CLDR data: `a ă â b c
//! d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y`, tones after the base letter, case only when
//! everything else is equal, and numbers inside a text compared as numbers (`Khu 2` before
//! `Khu 10`). Reports use it for every text key in every format and language, since the data is
//! Vietnamese whatever language the reader wants.

use crate::domain::order::TextOrder;
use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;
use std::cmp::Ordering;
use std::sync::LazyLock;

/// The Vietnamese order. Texts that collate equal (which differ only in ways the collator
/// ignores) are ordered by code point, so no two different texts tie and output is stable.
pub struct Vietnamese {
    /// `None` only if the compiled data could not make a collator (it always can); code point
    /// order then.
    collator: Option<CollatorBorrowed<'static>>,
}

/// The one Vietnamese collator, made on first use.
pub static VIETNAMESE: LazyLock<Vietnamese> = LazyLock::new(|| {
    let mut prefs: CollatorPreferences = locale!("vi").into();
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    Vietnamese {
        collator: Collator::try_new(prefs, CollatorOptions::default()).ok(),
    }
});

impl TextOrder for Vietnamese {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering {
        match &self.collator {
            Some(c) => c.compare(a, b).then_with(|| a.cmp(b)),
            None => a.cmp(b),
        }
    }

    fn key(&self, text: &str) -> Option<Vec<u8>> {
        let mut key = Vec::with_capacity(text.len() * 2 + 8);
        match &self.collator {
            Some(c) => {
                let Ok(()) = c.write_sort_key_to(text, &mut key);
            }
            None => key.extend_from_slice(text.as_bytes()),
        }
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::sort_texts;

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut texts: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        sort_texts(&*VIETNAMESE, &mut texts);
        // Keys and pairwise comparison agree.
        let mut pairwise: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        pairwise.sort_by(|a, b| VIETNAMESE.cmp_text(a, b));
        assert_eq!(texts, pairwise);
        texts
    }

    #[test]
    fn the_alphabet() {
        let alphabet = [
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ];
        let mut reversed = alphabet;
        reversed.reverse();
        assert_eq!(sorted(&reversed), alphabet);
    }

    #[test]
    fn tricky_pairs() {
        let less = |a: &str, b: &str| {
            assert_eq!(VIETNAMESE.cmp_text(a, b), Ordering::Less, "{a} < {b}");
            assert!(VIETNAMESE.key(a) < VIETNAMESE.key(b), "key {a} < {b}");
        };
        less("Dung", "Đoàn");
        less("Đoàn Thanh niên", "Ủy ban");
        less("Uy", "Ưu");
        less("Ủy ban", "Ưu");
        less("Tho", "Thơ");
        less("Khu 2", "Khu 10");
        less("a", "ả");
        less("ả", "á");
        less("má", "mạ");
        less("ma", "mă");
        less("hội", "Hội");
        less("Hội", "hội phụ");
        less("An", "anh");
    }
}

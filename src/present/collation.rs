//! Vietnamese alphabetical order, from ICU4X's collator with its compiled CLDR data: `a ă â b c
//! d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y`, tones after the base letter, case only when
//! everything else is equal, and numbers inside a text compared as numbers (`Khu 2` before
//! `Khu 10`). Reports use it for every text key in every format and language, since the data is
//! Vietnamese whatever language the reader wants.
//!
//! Sorting many texts uses [`fast`]'s quick keys when every text is simple (ASCII and
//! precomposed Vietnamese letters), ICU's sort keys otherwise; both order as [`Vietnamese`]'s
//! `compare` does.

pub mod fast;

use crate::domain::order::TextOrder;
use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;
use std::cmp::Ordering;
use std::sync::LazyLock;

/// The Vietnamese order. Texts that collate equal (they differ only in what the collator
/// ignores) compare equal; reports sort stably, so they keep their code point order.
pub struct Vietnamese {
    /// `None` only if the compiled data could not make a collator (it always can); code point
    /// order then.
    collator: Option<CollatorBorrowed<'static>>,
    /// The quick keys' model of this collator, made on first use (`None`: no quick keys).
    quick: LazyLock<Option<fast::Model>>,
}

/// The one Vietnamese collator, made on first use.
pub static VIETNAMESE: LazyLock<Vietnamese> = LazyLock::new(|| {
    let mut prefs: CollatorPreferences = locale!("vi").into();
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    Vietnamese {
        collator: Collator::try_new(prefs, CollatorOptions::default()).ok(),
        quick: LazyLock::new(|| {
            let collator = VIETNAMESE.collator.as_ref()?;
            fast::Model::new(|a, b| collator.compare(a, b))
        }),
    }
});

impl TextOrder for Vietnamese {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering {
        match &self.collator {
            Some(c) => c.compare(a, b),
            None => a.cmp(b),
        }
    }

    fn has_keys(&self) -> bool {
        true
    }

    fn write_key(&self, text: &str, key: &mut Vec<u8>) {
        match &self.collator {
            Some(c) => {
                let Ok(()) = c.write_sort_key_to(text, key);
            }
            // UTF-8 bytes sort as code points.
            None => key.extend_from_slice(text.as_bytes()),
        }
    }

    fn write_quick_key(&self, text: &str, key: &mut Vec<u8>) -> bool {
        match &*self.quick {
            Some(model) => model.write_key(text, key),
            None => false,
        }
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
        let key = |t: &str| {
            let mut k = Vec::new();
            VIETNAMESE.write_key(t, &mut k);
            k
        };
        let less = |a: &str, b: &str| {
            assert_eq!(VIETNAMESE.cmp_text(a, b), Ordering::Less, "{a} < {b}");
            assert!(key(a) < key(b), "key {a} < {b}");
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

//! The languages danvan speaks to people: English and Vietnamese. What a language changes is
//! decided elsewhere (labels and number marks in `present`, sentences in the catalogues of
//! `problem`); machine formats (CSV, JSON) never depend on it.

/// A language for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, with `1,234.5` numbers (the default, and the fallback for any other locale).
    #[default]
    En,
    /// Vietnamese, with `1.234,5` numbers.
    Vi,
}

impl Lang {
    /// The language a POSIX locale name stands for (`vi_VN.UTF-8`, `vi`, `en_US`, `C`): one
    /// starting with `vi` is Vietnamese, any other English. `None` for an empty name, which
    /// says nothing (the next variable is asked).
    pub fn of_locale(name: &str) -> Option<Lang> {
        let name = name.trim();
        if name.is_empty() {
            None
        } else if name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("vi")) {
            Some(Lang::Vi)
        } else {
            Some(Lang::En)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names() {
        assert_eq!(Lang::of_locale("vi_VN.UTF-8"), Some(Lang::Vi));
        assert_eq!(Lang::of_locale("vi"), Some(Lang::Vi));
        assert_eq!(Lang::of_locale("VI_vn"), Some(Lang::Vi));
        assert_eq!(Lang::of_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::of_locale("C"), Some(Lang::En));
        assert_eq!(Lang::of_locale("fr_FR"), Some(Lang::En));
        assert_eq!(Lang::of_locale("v"), Some(Lang::En));
        assert_eq!(Lang::of_locale(""), None);
    }
}

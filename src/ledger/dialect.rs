//! How a file is written: its delimiter and which column holds what.
//!
//! Clerks' files come from many Excel versions and hands: `;` or `,` or tab, English or
//! Vietnamese headers, in any order. The delimiter is detected from the header line (quotes
//! respected) unless the user gives one; header names are matched after trimming, NFC and
//! lower-casing against a table of aliases shared by every command.

use crate::domain::text::fold_case;

/// The delimiter that occurs most often outside quotes in `header_line`; `,` when none does.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let candidates = [b',', b';', b'\t'];
    let mut in_quotes = false;
    for &b in header_line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    // Ties go to the earlier candidate; no delimiter at all means a one-column file.
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((0, &0));
    if *n == 0 { b',' } else { candidates[best] }
}

/// A column a ledger or registry may have, with the header spellings that name it.
pub struct ColumnSpec<K> {
    pub key: K,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

/// Where each known column sits in one file's header.
#[derive(Debug, Clone)]
pub struct HeaderMap<K> {
    found: Vec<(K, usize)>,
    /// The header cells as written (after normalization), for messages.
    pub names: Vec<String>,
    /// Header cells that match no known column, to be named once in a warning.
    pub unknown: Vec<String>,
}

/// What is wrong with a header, as a whole-run error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Missing(Vec<&'static str>),
    Duplicate {
        column: &'static str,
        first: usize,
        second: usize,
    },
}

impl std::fmt::Display for HeaderError {
    /// The English text, from the catalogue.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::problem::en::header_error(self))
    }
}

impl<K: Copy + PartialEq> HeaderMap<K> {
    pub fn build(cells: &[String], specs: &[ColumnSpec<K>]) -> Result<Self, HeaderError> {
        let mut found: Vec<(K, usize)> = Vec::new();
        let mut unknown = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let folded = fold_case(cell);
            // `Số tiền (đồng)`, `Amount (VND)`: a unit in brackets after the name is a note.
            let bare = match folded.rfind(" (") {
                Some(i) if folded.ends_with(')') => &folded[..i],
                _ => folded.as_str(),
            };
            let known = |name: &str| specs.iter().find(|s| s.aliases.contains(&name));
            match known(&folded).or_else(|| known(bare)) {
                Some(spec) => {
                    if let Some(&(_, first)) = found.iter().find(|(k, _)| *k == spec.key) {
                        return Err(HeaderError::Duplicate {
                            column: spec.aliases[0],
                            first: first + 1,
                            second: i + 1,
                        });
                    }
                    found.push((spec.key, i));
                }
                None if folded.is_empty() => {}
                None => unknown.push(cell.clone()),
            }
        }
        let missing: Vec<&'static str> = specs
            .iter()
            .filter(|s| s.required && !found.iter().any(|(k, _)| *k == s.key))
            .map(|s| s.aliases[0])
            .collect();
        if !missing.is_empty() {
            return Err(HeaderError::Missing(missing));
        }
        Ok(HeaderMap {
            found,
            names: cells.to_vec(),
            unknown,
        })
    }

    /// The column index of `key`, if the file has it.
    pub fn index(&self, key: K) -> Option<usize> {
        self.found.iter().find(|(k, _)| *k == key).map(|&(_, i)| i)
    }

    /// The header cell as written for `key`, or `fallback` (the canonical name).
    pub fn name(&self, key: K, fallback: &'static str) -> String {
        self.index(key)
            .and_then(|i| self.names.get(i).cloned())
            .unwrap_or_else(|| fallback.to_string())
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum K {
        A,
        B,
    }
    const SPECS: &[ColumnSpec<K>] = &[
        ColumnSpec {
            key: K::A,
            required: true,
            aliases: &["date", "ngày"],
        },
        ColumnSpec {
            key: K::B,
            required: false,
            aliases: &["amount", "số tiền"],
        },
    ];

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c"), b',');
        assert_eq!(detect_delimiter(b"abc"), b',');
        // Delimiters inside quotes never count, however many there are.
        assert_eq!(detect_delimiter(b"\"a;b;c\",d"), b',');
        assert_eq!(detect_delimiter(b"a;\"b,c,d\";e"), b';');
    }

    #[test]
    fn headers() {
        let cells: Vec<String> = ["  Số  Tiền (đồng)", "NGÀY", "extra"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = HeaderMap::build(&cells, SPECS).unwrap();
        assert_eq!(map.index(K::A), Some(1));
        assert_eq!(map.index(K::B), Some(0));
        assert_eq!(map.unknown, vec!["extra".to_string()]);
        let dup: Vec<String> = ["date", "Ngày"].iter().map(|s| s.to_string()).collect();
        assert!(matches!(
            HeaderMap::build(&dup, SPECS),
            Err(HeaderError::Duplicate { .. })
        ));
        // Only a closed bracket is a note: `Số tiền (đồng` is not the amount column.
        let open: Vec<String> = vec!["date".into(), "Số tiền (đồng".into()];
        let map = HeaderMap::build(&open, SPECS).unwrap();
        assert_eq!(map.index(K::B), None);
        assert_eq!(map.unknown, vec!["Số tiền (đồng".to_string()]);
        // An empty header cell (a trailing `;`) is no column to warn about.
        let trailing: Vec<String> = vec!["date".into(), String::new(), " ".into()];
        assert!(
            HeaderMap::build(&trailing, SPECS)
                .unwrap()
                .unknown
                .is_empty()
        );
        let none: Vec<String> = vec!["amount".into()];
        assert_eq!(
            HeaderMap::build(&none, SPECS).unwrap_err(),
            HeaderError::Missing(vec!["date"])
        );
    }
}

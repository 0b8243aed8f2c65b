//! A row's fingerprint, for `check`'s rows written twice: the sum of a hash of each of its
//! cells, each hashed with its column's role (or, for a column that is none of the ledger's,
//! its place in the row). A sum can be made in parts: the fast lane keeps, beside each
//! combination of names it remembers, the sum of those names' cells, and beside each field or
//! source it reads apart, that cell's; a row it knows then costs the hashes of its date and
//! amount, a dozen bytes, where hashing the row's kept fields took 160 instructions, and a row
//! with quoted cells or `;` between them was copied first (a quarter of `check`'s time on a
//! spreadsheet export).
//!
//! Equal rows have equal fingerprints however they are written (quoted or not, whatever the
//! delimiter): a cell is hashed as [`Record::bytes`](crate::ledger::record::Record::bytes)
//! gives it. Rows whose fingerprints are equal are only candidates: they are read again and
//! compared field by field.

use crate::ledger::Col;

/// The columns whose cells are hashed by their role, wherever they are in the row; a missing
/// one counts as an empty cell, as the fast lane reads it.
pub const ROLES: [Col; 8] = Col::CONTENT;

/// A cell of column `col`, one of [`ROLES`].
#[inline(always)]
pub fn role(col: Col, cell: &[u8]) -> u64 {
    hash(col as u64 + 1, cell)
}

/// A cell of a column that is none of [`ROLES`], the `index`th of its row.
#[inline(always)]
pub fn other(index: usize, cell: &[u8]) -> u64 {
    hash(1 << 32 | index as u64, cell)
}

/// The fingerprint of a row whose cells' hashes add up to `sum` (wrapping): the sum mixed, so
/// that its top bits, which [`crate::check`] keeps, depend on every bit of every cell's hash.
#[inline(always)]
pub fn finish(sum: u64) -> u64 {
    folded_multiply(sum ^ 0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344)
}

/// A cell's hash, seeded by its column: a cell of at most 16 bytes (nearly every date and
/// amount) is two words that overlap, as many bytes as it has in its length, and one multiply,
/// inlined; foldhash's call took 43 instructions a cell.
#[inline(always)]
fn hash(tag: u64, cell: &[u8]) -> u64 {
    let n = cell.len();
    // The length spread over every bit: cells of two lengths whose words are alike apart
    // from a few low bits ("2" and "12") must not meet.
    let seed =
        tag.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (n as u64).wrapping_mul(0xd6e8_feb8_6659_fd93);
    if n > 16 {
        return long(seed, cell);
    }
    let (first, last) = ends(cell);
    folded_multiply(
        first ^ seed ^ 0xa409_3822_299f_31d0,
        last ^ 0x082e_fa98_ec4e_6c89,
    )
}

/// A cell of more than 16 bytes, 16 at a time, the last 16 whatever overlaps.
#[inline(never)]
fn long(seed: u64, cell: &[u8]) -> u64 {
    let mut h = seed;
    let mut blocks = cell.chunks_exact(16);
    for b in &mut blocks {
        h = folded_multiply(
            word(&b[..8]) ^ h ^ 0x4528_21e6_38d0_1377,
            word(&b[8..]) ^ 0xbe54_66cf_34e9_0c6c,
        );
    }
    let n = cell.len();
    folded_multiply(
        word(&cell[n - 16..n - 8]) ^ h ^ 0xc0ac_29b7_c97c_50dd,
        word(&cell[n - 8..]) ^ 0x3f84_d5b5_b547_0917,
    )
}

/// A cell of at most 16 bytes as two words: its first and last eight bytes when it has eight
/// or more, its first and last four of four to seven, its first, middle and last byte when
/// shorter. They overlap: with the cell's length, they are the cell.
#[inline(always)]
pub(super) fn ends(cell: &[u8]) -> (u64, u64) {
    let n = cell.len();
    if n >= 8 {
        (word(&cell[..8]), word(&cell[n - 8..]))
    } else if n >= 4 {
        (half(&cell[..4]), half(&cell[n - 4..]))
    } else if n > 0 {
        let three = u64::from(cell[0]) | u64::from(cell[n / 2]) << 8 | u64::from(cell[n - 1]) << 16;
        (three, 0)
    } else {
        (0, 0)
    }
}

#[inline(always)]
fn word(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[inline(always)]
fn half(b: &[u8]) -> u64 {
    u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[inline(always)]
pub(super) fn folded_multiply(x: u64, y: u64) -> u64 {
    let product = u128::from(x) * u128::from(y);
    (product as u64) ^ (product >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell's hash depends on its column: the same text in two columns, or two texts swapped
    /// between columns, make other fingerprints.
    #[test]
    fn cells_are_hashed_with_their_column() {
        let a = role(Col::Unit, "Hội Nông dân".as_bytes());
        assert_ne!(a, role(Col::Area, "Hội Nông dân".as_bytes()));
        assert_ne!(a, other(2, "Hội Nông dân".as_bytes()));
        assert_ne!(other(2, b"x"), other(3, b"x"));
        let row = |unit: &[u8], area: &[u8]| {
            finish(role(Col::Unit, unit).wrapping_add(role(Col::Area, area)))
        };
        assert_ne!(row(b"Khu 1", b"Khu 2"), row(b"Khu 2", b"Khu 1"));
        assert_eq!(row(b"Khu 1", b"Khu 2"), row(b"Khu 1", b"Khu 2"));
        assert_ne!(role(Col::Amount, b""), role(Col::Amount, b"0"));
    }

    /// Cells of every length to 40 that differ in one byte, wherever it is, hash apart.
    #[test]
    fn cells_one_byte_apart_hash_apart() {
        for len in 0..=40usize {
            let base = vec![b'x'; len];
            let mut seen = std::collections::HashSet::new();
            assert!(seen.insert(role(Col::Area, &base)));
            for at in 0..len {
                let mut c = base.clone();
                c[at] = b'y';
                assert!(seen.insert(role(Col::Area, &c)), "{len} {at}");
            }
        }
    }

    /// The top 40 bits a fingerprint is kept by differ between rows that differ in one byte.
    #[test]
    fn the_kept_bits_tell_near_rows_apart() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..20_000u32 {
            let amount = format!("{i}");
            let print = finish(
                role(Col::Unit, "Hội Nông dân".as_bytes())
                    .wrapping_add(role(Col::Amount, amount.as_bytes())),
            );
            assert!(seen.insert(print >> 24), "{i}");
        }
    }
}

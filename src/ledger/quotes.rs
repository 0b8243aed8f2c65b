//! Where quoted regions are, 64 bytes at a time: the structure of CSV text as bitmasks.
//!
//! A spreadsheet export quotes every text cell, so following quotes one by one (a `memchr` and a
//! branch per quote, twice per field) cost more than reading the rest of the row. This does what
//! simdjson and simdcsv do: one mask per 64-byte block for quotes, delimiters and line ends (SSE2
//! compares, or AVX2's where the CPU has it), then the bytes inside quotes are the prefix XOR of
//! the quote mask (bit `i` is the parity of the quotes at or before `i`), so the delimiters and
//! line ends outside quotes are two bit operations away, with no branch per byte or per quote.
//! Every chunk is read this way, quoted or not: it is faster than splitting lines found with
//! `memchr` even where there is no quote at all.
//!
//! A prefix XOR treats every quote as a toggle, which is RFC 4180 only when quotes open fields:
//! here (as in the CSV crate) a quote opens a quoted field only at a field's start, and one inside
//! an unquoted field or after a closing quote (`a"b`, `"q"t"x`) is a literal byte. Such a quote
//! shows as a toggle that opens a region where no field starts; it is taken out of the mask and the
//! block's parity computed again, once per literal quote (rare). A doubled quote inside a quoted
//! field (`""`) is a closing toggle followed at once by an opening one, which the parity already
//! gets right. Both kinds are reported in [`Block::odd`], so a field holding one is unescaped the
//! slow, byte-by-byte way, and every other field is a slice of the input.

/// One block of the input, every mask with bit `i` for byte `base + i`.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub base: usize,
    /// Delimiters and line ends outside quotes: where fields end.
    pub sep: u64,
    /// Line ends outside quotes: where records end.
    pub eol: u64,
    /// Every line end, inside quotes or not (each one is a physical line).
    pub nl: u64,
    /// Quotes that make a field need unescaping: the second quote of each `""` inside a quoted
    /// field, and quotes that are literal bytes (not at a field's start).
    pub odd: u64,
}

/// The blocks of `data` from `start` (a record start) to its end, in order.
pub struct Blocks<'a> {
    data: &'a [u8],
    at: usize,
    delimiter: u8,
    /// All ones when the byte before this block is inside quotes.
    inside: u64,
    /// 1 when the byte before this block is a delimiter or line end (or there is none: the data
    /// starts a record), so a quote at bit 0 may open a field.
    after_sep: u64,
    /// 1 when the byte before this block is a closing quote.
    after_close: u64,
    /// Whether the CPU has AVX2 (32 bytes per compare rather than SSE2's 16).
    wide: bool,
}

impl<'a> Blocks<'a> {
    pub fn new(data: &'a [u8], start: usize, delimiter: u8) -> Self {
        Blocks {
            data,
            at: start,
            delimiter,
            inside: 0,
            after_sep: 1,
            after_close: 0,
            wide: wide(),
        }
    }

    /// Whether the data read so far ends inside quotes (an unclosed quote, at the end).
    pub fn in_quotes(&self) -> bool {
        self.inside != 0
    }
}

impl Iterator for Blocks<'_> {
    type Item = Block;

    // Inlined into each loop that reads blocks, so the masks a loop never reads (the chunker
    // reads only `eol`) are not computed at all.
    #[inline(always)]
    fn next(&mut self) -> Option<Block> {
        let base = self.at;
        let rest = self.data.get(base..).filter(|r| !r.is_empty())?;
        let (quote, delim, nl) = match rest.first_chunk::<64>() {
            Some(block) => classify(block, self.delimiter, self.wide),
            None => {
                // The last, short block: padded with zeros, which are cut off the masks below
                // (even were the delimiter a zero byte).
                let mut block = [0u8; 64];
                block[..rest.len()].copy_from_slice(rest);
                let valid = (1u64 << rest.len()) - 1;
                let (q, d, n) = classify(&block, self.delimiter, self.wide);
                (q & valid, d & valid, n & valid)
            }
        };
        self.at = base + 64;
        let seps = delim | nl;
        // Bytes right after a delimiter or line end: where a quote may open a field.
        let starts = (seps << 1) | self.after_sep;
        let mut quotes = quote;
        let mut literal = 0u64;
        let (inside, close, escaped) = loop {
            let inside = prefix_xor(quotes) ^ self.inside;
            // An opening quote is inside by the parity (the quote itself counts), a closing one
            // is not.
            let open = quotes & inside;
            let close = quotes & !inside;
            let after_close = (close << 1) | self.after_close;
            let wrong = open & !starts & !after_close;
            if wrong == 0 {
                break (inside, close, open & after_close);
            }
            // The first quote that opens where no field starts is a literal byte: out of the
            // mask, and the parity after it computed again.
            let first = wrong & wrong.wrapping_neg();
            quotes &= !first;
            literal |= first;
        };
        self.inside = ((inside as i64) >> 63) as u64;
        self.after_sep = seps >> 63;
        self.after_close = close >> 63;
        Some(Block {
            base,
            sep: seps & !inside,
            eol: nl & !inside,
            nl,
            odd: escaped | literal,
        })
    }
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `m`: the parity of the quotes up to each
/// byte. Six shifts and XORs (what a carry-less multiply by all ones gives in one instruction; on
/// this engine's profile the difference is a few instructions per 64 bytes).
#[inline(always)]
fn prefix_xor(mut m: u64) -> u64 {
    m ^= m << 1;
    m ^= m << 2;
    m ^= m << 4;
    m ^= m << 8;
    m ^= m << 16;
    m ^= m << 32;
    m
}

/// Whether [`classify`] may use AVX2 (detected once; `std` caches the answer).
fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Masks of the quotes, delimiters and line ends of a 64-byte block; `wide` only when [`wide`]
/// said so.
#[inline(always)]
fn classify(block: &[u8; 64], delimiter: u8, wide: bool) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        if wide {
            // SAFETY: `wide` comes from `wide()`, which checked that this CPU has AVX2, the
            // function's only requirement.
            unsafe { avx2::classify(block, delimiter) }
        } else {
            // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it, and Rust's
            // x86_64 targets enable it, so the function's only requirement always holds.
            unsafe { sse2::classify(block, delimiter) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = wide;
        classify_portable(block, delimiter)
    }
}

/// The same masks, byte by byte: other targets, and the model the SSE2 version is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn classify_portable(block: &[u8; 64], delimiter: u8) -> (u64, u64, u64) {
    let (mut quote, mut delim, mut nl) = (0u64, 0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        quote |= u64::from(b == b'"') << i;
        delim |= u64::from(b == delimiter) << i;
        nl |= u64::from(b == b'\n') << i;
    }
    (quote, delim, nl)
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8,
    };

    /// Sixteen bytes of `block` from `at`, read as two words (safe code; the compiler makes it
    /// one unaligned load).
    #[target_feature(enable = "sse2")]
    fn load(block: &[u8; 64], at: usize) -> __m128i {
        let word = |i: usize| {
            let bytes = block[i..i + 8]
                .first_chunk::<8>()
                .copied()
                .unwrap_or_default();
            i64::from_le_bytes(bytes)
        };
        _mm_set_epi64x(word(at + 8), word(at))
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn classify(block: &[u8; 64], delimiter: u8) -> (u64, u64, u64) {
        let quote = _mm_set1_epi8(b'"' as i8);
        let delim = _mm_set1_epi8(delimiter as i8);
        let nl = _mm_set1_epi8(b'\n' as i8);
        let mask =
            |v: __m128i, c: __m128i| u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) as u16);
        let (mut q, mut d, mut n) = (0u64, 0u64, 0u64);
        for k in 0..4 {
            let v = load(block, 16 * k);
            q |= mask(v, quote) << (16 * k);
            d |= mask(v, delim) << (16 * k);
            n |= mask(v, nl) << (16 * k);
        }
        (q, d, n)
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };

    #[target_feature(enable = "avx2")]
    pub(super) fn classify(block: &[u8; 64], delimiter: u8) -> (u64, u64, u64) {
        let quote = _mm256_set1_epi8(b'"' as i8);
        let delim = _mm256_set1_epi8(delimiter as i8);
        let nl = _mm256_set1_epi8(b'\n' as i8);
        let mask = |v: __m256i, c: __m256i| {
            u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c)) as u32)
        };
        let (mut q, mut d, mut n) = (0u64, 0u64, 0u64);
        for (k, half) in block.chunks_exact(32).enumerate() {
            // SAFETY: `half` is 32 bytes of `block`, exactly what an unaligned 256-bit load
            // reads.
            let v = unsafe { _mm256_loadu_si256(half.as_ptr().cast::<__m256i>()) };
            q |= mask(v, quote) << (32 * k);
            d |= mask(v, delim) << (32 * k);
            n |= mask(v, nl) << (32 * k);
        }
        (q, d, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_xor_is_the_parity_so_far() {
        for m in [
            0u64,
            1,
            0b1001,
            1 << 63,
            u64::MAX,
            0x8000_0000_0000_0001,
            0xdead_beef_f00d,
        ] {
            let mut want = 0u64;
            let mut parity = 0u64;
            for i in 0..64 {
                parity ^= (m >> i) & 1;
                want |= parity << i;
            }
            assert_eq!(prefix_xor(m), want, "{m:#x}");
        }
    }

    proptest::proptest! {
        /// The SSE2 and AVX2 masks are the byte-by-byte ones, for any bytes and delimiter.
        #[test]
        fn masks_as_byte_by_byte(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'"', b',', b';', b'\t', b'\n', b'\r', b'a', 0, 0xff, 0x80]),
                64,
            ),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
        ) {
            let block: [u8; 64] = bytes.try_into().unwrap();
            let want = classify_portable(&block, delimiter);
            proptest::prop_assert_eq!(classify(&block, delimiter, false), want);
            if wide() {
                proptest::prop_assert_eq!(classify(&block, delimiter, true), want);
            }
        }
    }
}

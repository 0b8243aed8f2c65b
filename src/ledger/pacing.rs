//! How often a memo (the fast lane's rows, a column's raw texts) is looked in and taught: every
//! time while that pays, fewer and fewer times while it does not.
//!
//! A ledger whose values are all new (two million distinct units) never repeats a key: every
//! lookup misses and every key learned is copied and hashed for nothing. Instead of a fixed cap
//! that turns the memo off for good once reached (a cliff: a file that repeats its values only
//! later would never be helped), the memo counts its hits over windows of lookups. A window
//! with almost no hits doubles the stride (only one lookup in `stride` is made, and only its
//! key learned); any window with hits brings it back to every one. A full memo that no longer
//! pays is emptied (by its owner), so values that repeat later can be learned. Which lookups are
//! made only changes the speed: what is not looked up takes the slow way, which gives the same
//! answer.

/// Lookups per window.
const WINDOW: u32 = 1 << 10;
/// At most one lookup in this many is made: a memo that starts paying again is back to every
/// one within two windows at this stride (131,072 tries).
const MAX_STRIDE: u32 = 64;

/// A memo's pace: see the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pacing {
    stride: u32,
    /// Rows still to let pass before the next one is tried.
    skip: u32,
    looked: u32,
    hits: u32,
}

/// What a window of lookups found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Go,
    /// The window had almost no hits.
    NotPaying,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            stride: 1,
            skip: 0,
            looked: 0,
            hits: 0,
        }
    }
}

impl Pacing {
    /// True when this one is to be looked up; every one while the memo pays. Always inlined,
    /// like [`Self::looked`]: the fast lane's row is one function, and calls left in it were
    /// measured to cost more than the pacing itself.
    #[inline(always)]
    pub(crate) fn try_this(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        self.skip = self.stride - 1;
        true
    }

    /// Whether the row after the one just asked about ([`Pacing::try_this`]) will be tried: a
    /// stride changed at the end of a window takes effect after the rows already let pass.
    #[inline(always)]
    pub(crate) fn tries_next(&self) -> bool {
        self.skip == 0
    }

    /// Whether the memo pays: it is looked in every time (its values repeat).
    #[inline(always)]
    pub(crate) fn pays(&self) -> bool {
        self.stride == 1
    }

    /// Counts a lookup; at the end of a window, says whether the memo paid.
    #[inline(always)]
    pub(crate) fn looked(&mut self, hit: bool) -> Verdict {
        self.looked += 1;
        self.hits += u32::from(hit);
        if self.looked < WINDOW {
            return Verdict::Go;
        }
        self.judge()
    }

    /// The end of a window: once per thousand lookups, kept out of line.
    #[cold]
    #[inline(never)]
    fn judge(&mut self) -> Verdict {
        // Paying: at least one lookup in 64 found what it looked for (a hit saves the whole
        // slow way, a miss costs one lookup and one key learned).
        let paying = self.hits * 64 >= self.looked - self.hits;
        self.looked = 0;
        self.hits = 0;
        if paying {
            self.stride = 1;
            Verdict::Go
        } else {
            self.stride = (self.stride * 2).min(MAX_STRIDE);
            Verdict::NotPaying
        }
    }

    #[cfg(test)]
    fn stride(&self) -> u32 {
        self.stride
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `rows` rows through `p`, each a hit when `hit(i)` says so, and returns how many were
    /// tried.
    fn run(p: &mut Pacing, rows: u32, hit: impl Fn(u32) -> bool) -> u32 {
        let mut tried = 0;
        for i in 0..rows {
            if p.try_this() {
                tried += 1;
                p.looked(hit(i));
            }
        }
        tried
    }

    #[test]
    fn a_memo_that_pays_is_looked_in_every_time() {
        let mut p = Pacing::default();
        assert_eq!(run(&mut p, 100_000, |i| i % 10 != 0), 100_000);
        assert_eq!(p.stride(), 1);
    }

    #[test]
    fn a_memo_that_never_hits_backs_off_and_comes_back() {
        let mut p = Pacing::default();
        let tried = run(&mut p, 2_000_000, |_| false);
        assert_eq!(p.stride(), MAX_STRIDE);
        assert!(tried < 2_000_000 / 16, "{tried}");
        // Values start repeating: within two windows at the widest stride, every time again.
        run(&mut p, 2 * WINDOW * MAX_STRIDE, |_| true);
        assert_eq!(p.stride(), 1);
        assert_eq!(run(&mut p, 1000, |_| true), 1000);
    }

    /// Row after row, at every stride, `tries_next` says what the next `try_this` will.
    #[test]
    fn the_row_after_is_foretold() {
        let mut p = Pacing::default();
        let mut foretold = None;
        for i in 0..400_000u32 {
            let tried = p.try_this();
            if let Some(f) = foretold {
                assert_eq!(tried, f, "row {i}, stride {}", p.stride);
            }
            foretold = Some(p.tries_next());
            // No hits for a long while (the stride widens), then hits (it comes back to one).
            if tried {
                p.looked(i > 300_000);
            }
        }
        assert!(p.stride() == 1);
    }

    #[test]
    fn a_few_hits_in_a_window_are_enough() {
        let mut p = Pacing::default();
        for _ in 0..20 {
            run(&mut p, WINDOW, |i| i % 32 == 0);
        }
        assert_eq!(p.stride(), 1);
    }
}

//! Observers: something that looks at every valid row beside the totals, like `check`'s search
//! for spellings, duplicate rows and unused models. The engine knows only this trait; what is
//! looked for lives with the command that wants it. Each worker thread owns one observer; at the
//! end each is finished with its thread's interner (so symbols become text) and the results are
//! handed back, to be combined in a way that does not depend on which thread saw which row.

use super::place::Place;
use crate::ledger::Contribution;
use crate::ledger::intern::Interner;
use crate::ledger::record::Record;
use crate::ledger::row::Layout;
use rust_decimal::Decimal;
use std::any::Any;
use std::sync::Arc;

pub trait Observer: Send {
    /// The rows that follow, until the next call, are from one chunk of the file `file_index`,
    /// in line order, starting at `first_line` (the line of its first record); `at`: where the
    /// chunk's text starts in the file, in bytes, when the text is the file's own bytes (a
    /// record's [`Record::start`] in the chunk is then `at` + that in the file).
    fn chunk(&mut self, file_index: usize, first_line: u64, at: Option<u64>) {
        let _ = (file_index, first_line, at);
    }

    /// A valid row (its amount may still read two ways), at `place`, as written in `record`, in
    /// a file of shape `layout`.
    fn row(&mut self, row: &Contribution, place: Place, record: &Record<'_>, layout: &Layout);

    /// A valid row whose amount reads two ways, `[vi, en]`, until its file's convention is
    /// known (`Read::conventions`); `row.amount` is zero meanwhile.
    fn two_ways(
        &mut self,
        row: &Contribution,
        place: Place,
        record: &Record<'_>,
        layout: &Layout,
        readings: [Decimal; 2],
    ) {
        let _ = readings;
        self.row(row, place, record, layout);
    }

    /// A valid row the fast lane added as an earlier row of the same names proved it could,
    /// `known.row`. `known.tally`: bytes the lane keeps for the observer beside that
    /// combination of names, zeros at first and then as the observer left them, handed back by
    /// [`Observer::tallied`] when the lane forgets the combination or the reading ends. What is
    /// counted per combination there (a row's names, say) costs nothing per row but the bytes
    /// the lane has in cache. `known.print`: the sum its fingerprint adds up the rest to.
    /// The lane may remember the names of some columns apart from the rest, cell by cell
    /// (`check`'s field and source): they are in `row`, but not in the combination the tally is
    /// handed back with ([`EMPTY`] there); the lane counts their rows itself, for
    /// [`Observer::counted`].
    ///
    /// [`EMPTY`]: crate::ledger::intern::EMPTY
    fn known(&mut self, known: Known<'_>, place: Place, record: &Record<'_>, layout: &Layout) {
        self.row(known.row, place, record, layout);
    }

    /// The tally of a combination of names the fast lane forgets, with those names in `row`
    /// (its date and amount are nobody's). Every tally [`Observer::known`] was given comes back
    /// once, before [`Observer::finish`].
    fn tallied(&mut self, row: &Contribution, tally: &[u8; TALLY]) {
        let _ = (row, tally);
    }

    /// How many rows [`Observer::known`] was given with the one name in `row` (the others are
    /// [`EMPTY`]) that the lane read apart from their combinations. Every such row is counted
    /// here once, before [`Observer::finish`]. By default nothing: the default
    /// [`Observer::known`] looks at every name of each row itself.
    ///
    /// [`EMPTY`]: crate::ledger::intern::EMPTY
    fn counted(&mut self, row: &Contribution, rows: u64) {
        let _ = (row, rows);
    }

    /// What was seen, with text resolved through the thread's interner.
    fn finish(self: Box<Self>, interner: &Interner) -> Box<dyn Any + Send>;
}

/// The bytes of an [`Observer::known`] tally.
pub const TALLY: usize = 12;

/// What the fast lane hands the observer of a row it added ([`Observer::known`]).
pub struct Known<'a> {
    pub row: &'a Contribution,
    /// The observer's bytes beside the row's combination of names.
    pub tally: &'a mut [u8; TALLY],
    /// The sum of the hashes of the row's cells of [`super::fingerprint::ROLES`], when the
    /// lane reads them all: what the row's fingerprint adds up the rest to.
    pub print: Option<u64>,
}

/// Makes one observer per worker thread.
pub type Observe = Arc<dyn Fn() -> Box<dyn Observer> + Send + Sync>;

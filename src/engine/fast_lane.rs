//! The fast lane: rows that repeat what an earlier row already proved skip normalization.
//!
//! A valid row's group (and whether the text filters keep it) is a pure function of its raw text
//! cells (unit, area, model, measure… as written) and the period codes of its date. The slow path
//! (`ledger::row`) normalizes, joins the registry and validates; when it finds a row valid, the
//! fast lane remembers "these raw bytes → this group slot". Later rows with the same raw bytes, a
//! plainly written date and a plain amount are then added with one hash lookup. Anything unusual
//! (another date shape, a currency mark, an ambiguous number, an unknown model, a wrong field
//! count) goes the slow way, so both ways give the same answer by construction. What a file's
//! header says about its rows (a scale, a measure for empty cells) is its layout's lane, the
//! first byte of every key, so a row is never added the way another kind of file proved.
//! Validity also depends on text columns the run does not group by (a `Cộng tháng 3` typed as
//! the source makes a totals row): each such cell gets a test of two bytes, the few that could
//! start a label are judged (once per distinct value), and a row holding one goes the slow way.
//!
//! With an observer (`check`), the lane also remembers the symbols the slow path gave each
//! proven row (unit, area, model… after the registry join), so the observer is handed the very
//! row the slow path would have made, with this row's own date and amount. Only rows the slow
//! path had no warning for are learned, and amounts long enough to be a float leaking from a
//! spreadsheet (warned about) always go the slow way. Beside the symbols each remembered row
//! keeps a tally for the observer ([`Observer::known`]): what it counts per combination of
//! names is counted there, in bytes already in cache, and the lane hands every tally back when
//! it forgets the row or the reading ends.
//!
//! [`Observer::known`]: super::observe::Observer::known
//!
//! A lane that finds nothing (every value new) tries fewer rows, and learns fewer ([`Pacing`]):
//! a row not tried simply goes the slow way, so this too changes only the speed.

use super::cells::Cells;
use super::fingerprint;
use super::observe::{Known, Observer, TALLY};
use super::period_slots::PeriodSlots;
use super::raw_keys::{RawKeys, hash_bytes};
use super::sets::Sets;
use crate::aggregate::Grouping;
use crate::aggregate::LocalGroups;
use crate::domain::Dim;
use crate::ledger::date::parse_date_bytes;
use crate::ledger::dialect::has_own_unit;
use crate::ledger::intern::{EMPTY, Sym};
use crate::ledger::number::{Convention, Reading, parse_amount_bytes};
use crate::ledger::pacing::{Pacing, Verdict};
use crate::ledger::record::{Next, Record};
use crate::ledger::row::{
    LABEL_COLUMNS, Layout, Needs, any_may_be_totals_label, is_totals_label, may_be_totals_label,
};
use crate::ledger::{Col, Contribution};
use crate::select::Selector;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Remembered rows beyond this many are not added, nor keys past `MAX_ARENA` bytes of them,
/// which keeps memory bounded; a full memo that stops paying is emptied ([`Pacing`]).
const MAX_MEMO: usize = 1 << 18;
const MAX_ARENA: usize = 32 << 20;
/// A group slot this large (a billion groups) is not remembered: two bits beside it hold the
/// kind of [`Memo`].
const MAX_SLOT: u32 = 1 << 30;

/// An amount of a scaled column times its scale; `None` (the slow path decides) for a cell with
/// a unit of its own or a product out of range. Kept out of line: plain files never come here,
/// and their rows should not pay for its code.
#[cold]
#[inline(never)]
fn scaled(value: Decimal, factor: Decimal, cell: &[u8]) -> Option<Decimal> {
    if has_own_unit(cell) {
        return None;
    }
    value.checked_mul(factor)
}
/// Amounts added at once by [`FastLane::flush`].
const BATCH: usize = 32;

/// Distinct watched cells remembered; past this many, each is judged again every time.
const MAX_LABELS: usize = 1 << 16;

/// Remembered text periods beyond this many are not added (16 bytes each).
const MAX_PERIODS: usize = 1 << 20;

/// What a remembered combination of raw texts says. Each combination is also numbered, in the
/// order learned: its place in `recent`.
#[derive(Debug, Clone, Copy)]
enum Memo {
    /// The group, when the run groups by no period.
    Slot(u32),
    /// The group also depends on the period: this is the slot of one group of these texts, in
    /// some period; `(that slot, period code)` is looked up in `by_period`, and a period not met
    /// yet is the same key with this row's period codes ([`LocalGroups::slot_like`]), with no
    /// trip down the slow path. The memo then holds a few texts that stay in cache, where one
    /// keyed by texts and period (a model by month: a dozen keys per model) missed it on most
    /// rows, and sent the first row of every period the slow way.
    Periods {
        like: u32,
    },
    TextFiltered,
}

impl Memo {
    /// As kept in [`RawKeys`]: the kind in the top two bits, then the slot (below [`MAX_SLOT`]),
    /// then the combination's number `n`.
    fn encode(self, n: u32) -> u64 {
        let high = match self {
            Memo::Slot(slot) => slot,
            Memo::Periods { like } => 1 << 30 | like,
            Memo::TextFiltered => 2 << 30,
        };
        u64::from(high) << 32 | u64::from(n)
    }

    #[inline(always)]
    fn decode(value: u64) -> (Memo, u32) {
        let (high, n) = ((value >> 32) as u32, value as u32);
        let slot = high & (MAX_SLOT - 1);
        let memo = match high >> 30 {
            0 => Memo::Slot(slot),
            1 => Memo::Periods { like: slot },
            _ => Memo::TextFiltered,
        };
        (memo, n)
    }
}

/// A counted amount waiting for [`FastLane::flush`], its group, and its date (for the grouping
/// sets, which take periods from it).
#[derive(Debug, Clone, Copy)]
struct Deferred {
    line: u64,
    value: Decimal,
    date: NaiveDate,
    group: Group,
}

/// The group of a deferred amount: known, or to be found when added.
#[derive(Debug, Clone, Copy)]
enum Group {
    Slot(u32),
    /// The texts of [`Memo::Periods`] in the period of `date`, whose finest code is `code`.
    InPeriod {
        like: u32,
        id: u32,
        code: u32,
        date: NaiveDate,
    },
}

/// The last two (period code, slot) met by the texts of group `like`, newest first (code 0:
/// none). A ledger of two years finds most rows here, with no lookup in `by_period`.
#[derive(Debug, Clone, Copy)]
struct Recent {
    like: u32,
    periods: [(u32, u32); 2],
}

impl Recent {
    /// The slot of period `code` of the texts of `like`, if it is one of the two. `like` is
    /// checked: an amount that waited across an emptied memo may carry an id given again since.
    #[inline]
    fn slot(&mut self, like: u32, code: u32) -> Option<u32> {
        if self.like != like {
            return None;
        }
        let p = &mut self.periods;
        if p[0].0 == code {
            return Some(p[0].1);
        }
        if p[1].0 == code {
            p.swap(0, 1);
            return Some(p[0].1);
        }
        None
    }
}

/// What the fast lane did with a record.
pub enum Fast {
    Counted(Option<Convention>),
    Filtered(Option<Convention>),
    /// Not known here: the slow path decides.
    Unknown,
}

pub struct FastLane {
    parts: Vec<Col>,
    /// With an observer, name columns remembered in a memo of their own ([`Apart`]).
    apart: Option<Apart>,
    /// Text columns not in `parts` that could hold a totals label (`Cộng tháng 3` as a source,
    /// in a run grouped by unit): a row with a label there is left to the slow path, which
    /// refuses it.
    watched: Vec<Col>,
    /// Where the watched columns are in the file of the chunk being read ([`Self::prepare`]).
    watched_at: Vec<u32>,
    /// Watched cells that could start a label, as written, and whether they are one.
    labels: FxHashMap<Box<[u8]>, bool>,
    /// The finest period the run groups by: its code gives every coarser one (a month its
    /// quarter and year), so it alone is remembered beside the texts.
    finest: Option<Dim>,
    /// The finest period code of the record last tried.
    code: u32,
    /// Remembered rows: their cells as written (see `key`) and their [`Memo`].
    memo: RawKeys,
    /// The group of each remembered (slot of a [`Memo::Periods`], period code), as
    /// `(slot << 32 | code, group slot)`.
    by_period: PeriodSlots,
    /// The recent periods of each remembered combination, by its number (with a period).
    recent: Vec<Recent>,
    /// With an observer, each remembered key keeps after it ([`RawKeys::insert_with`]) the
    /// symbols the slow path gave its row ([`SYMS`] bytes), then the observer's tally
    /// ([`TALLY`] bytes), then the sum of its cells' hashes in a row's fingerprint ([`PRINT`]
    /// bytes, see [`fingerprint`]).
    observed: bool,
    /// With an observer, its combinations and the cells it reads apart cover every column of
    /// [`fingerprint::ROLES`] but the date and amount: [`FastLane::known`] gives a row's print.
    prints: bool,
    /// Then, the hashes of the date and amount of the record last tried, added.
    dated: u64,
    /// The row of the record last added, with its date and amount (with an observer), and
    /// where the bytes after its key are in the memo.
    hit: Option<Contribution>,
    hit_at: usize,
    /// Memos forgotten whose tallies the observer has not had back ([`FastLane::hand_back`]).
    retired: Vec<RawKeys>,
    /// Amounts of 17 bytes or more take the slow path, which may warn of a float artifact.
    short_amounts: bool,
    /// The key of the record last tried ([`make_key`]), and its hash.
    key: Vec<u8>,
    hash: u64,
    /// The same of the record after it, when it was read first.
    ahead: Ahead,
    /// `key` holds the complete key of the record last tried, and it was plain enough to learn.
    learnable: bool,
    /// Which rows are tried, by how well the lane pays.
    pacing: Pacing,
    /// How many rows it remembers at most.
    max_memo: usize,
    /// Amounts are added up ([`crate::engine::Plan::sums`]).
    adds: bool,
    /// Amounts counted but not yet added, with their group slot and line: added [`BATCH`] at
    /// a time. A row costs a couple of thousand instructions, more than a core looks ahead,
    /// so adding each row's amount as it is read waited on memory once per row when the groups
    /// are many (a model by month: 178,000 of them); added together, the waits overlap.
    deferred: Vec<Deferred>,
}

impl FastLane {
    /// `memo_rows`: how many rows as written it remembers at most ([`MAX_MEMO`] when 0);
    /// `adds`: whether it adds the amounts up, or only counts the rows (`check`).
    /// `apart`: with an observer, name columns to remember apart ([`Apart`]).
    pub fn new(
        needs: Needs,
        has_registry: bool,
        grouping: &Grouping,
        observed: bool,
        apart: &[Col],
        memo_rows: usize,
        adds: bool,
    ) -> FastLane {
        let max_memo = match memo_rows {
            0 => MAX_MEMO,
            n => n.min(MAX_MEMO),
        };
        let apart = observed.then(|| Apart::new(apart, max_memo)).flatten();
        let is_apart = |col: Col| apart.as_ref().is_some_and(|a| a.reads(col));
        let mut parts = vec![Col::Measure];
        for (on, col) in [
            (needs.unit, Col::Unit),
            (needs.area, Col::Area),
            (needs.field, Col::Field),
            (needs.source, Col::Source),
            (needs.model || has_registry, Col::Model),
        ] {
            if on && !is_apart(col) {
                parts.push(col);
            }
        }
        let prints = observed
            && fingerprint::ROLES.iter().all(|&col| {
                matches!(col, Col::Date | Col::Amount) || parts.contains(&col) || is_apart(col)
            });
        // Cells read apart are known only once a row that held them was proven: never a label.
        let watched = LABEL_COLUMNS
            .into_iter()
            .filter(|&c| !parts.contains(&c) && !is_apart(c))
            .collect();
        FastLane {
            parts,
            apart,
            watched,
            watched_at: Vec::new(),
            labels: FxHashMap::default(),
            finest: grouping
                .dims
                .iter()
                .copied()
                .filter(|d| d.is_period())
                // `Dim` orders its periods coarse to fine: year, quarter, month.
                .max(),
            code: 0,
            memo: match observed {
                true => RawKeys::with_extra(EXTRA),
                false => RawKeys::default(),
            },
            by_period: PeriodSlots::new(),
            recent: Vec::new(),
            observed,
            prints,
            dated: 0,
            hit: None,
            hit_at: 0,
            retired: Vec::new(),
            short_amounts: needs.check,
            key: Vec::with_capacity(256),
            hash: 0,
            ahead: Ahead::default(),
            learnable: false,
            pacing: Pacing::default(),
            adds,
            max_memo,
            deferred: Vec::with_capacity(BATCH),
        }
    }

    /// Gets ready for a chunk of the file `layout` describes: where its watched columns are.
    pub fn prepare(&mut self, layout: &Layout) {
        // Lines are counted per file: a key made ahead in another chunk is not this one's.
        self.ahead.line = None;
        self.watched_at.clear();
        let at = self.watched.iter().filter_map(|&c| layout.index(c));
        self.watched_at.extend(at.map(|i| i as u32));
    }

    /// Adds `rec` if an earlier row proved what it is.
    /// `next`: the record after `rec` and its line, when it was read already. Its key is made
    /// now and its entry in the memo fetched, so that it is in cache when its turn comes: one
    /// row ahead is far enough to wait on memory for nothing.
    pub fn try_record(
        &mut self,
        rec: &Record<'_>,
        line: u64,
        next: Next<'_, '_>,
        layout: &Layout,
        selector: &Selector,
    ) -> Result<Fast> {
        self.learnable = false;
        self.hit = None;
        let width = layout.columns.width();
        // This record's key, if it was made when the record was the one ahead.
        let made = self.ahead.line == Some(line);
        if made {
            std::mem::swap(&mut self.key, &mut self.ahead.key);
            self.hash = self.ahead.hash;
            // Its entry was fetched a row ago: the key it points to (and with an observer the
            // symbols after it) is fetched now, while the date and amount are read, and so are
            // the periods its texts met last (a model by month: the next miss after the key's).
            let value = self.memo.prefetch_key(self.hash, self.key.len());
            if let Some((Memo::Periods { .. }, id)) = value.map(Memo::decode)
                && let Some(recent) = self.recent.get(id as usize)
            {
                crate::prefetch::read(recent);
            }
        }
        self.ahead.line = None;
        let tried = self.pacing.try_this();
        if let Some((next, at)) = next
            && self.pacing.tries_next()
            && next.len() == width
            && !next.unclosed_quote()
        {
            let ahead = &mut self.ahead;
            ahead.hash = make_key(&self.parts, next, layout, &mut ahead.key);
            ahead.line = Some(at);
            self.memo.prefetch_entry(ahead.hash);
        }
        if !tried {
            return Ok(Fast::Unknown);
        }
        if rec.len() != width || rec.unclosed_quote() {
            return Ok(Fast::Unknown);
        }
        if !made {
            self.hash = make_key(&self.parts, rec, layout, &mut self.key);
        }
        let cell = |col: Col| cell_of(col, rec, layout);
        let date_cell = cell(Col::Date);
        let Ok(date) = parse_date_bytes(date_cell) else {
            return Ok(Fast::Unknown);
        };
        let amount_as_written = cell(Col::Amount);
        let amount_cell = amount_as_written.trim_ascii();
        if self.short_amounts && amount_cell.len() >= 17 {
            return Ok(Fast::Unknown);
        }
        let Ok(amount) = parse_amount_bytes(amount_cell) else {
            return Ok(Fast::Unknown);
        };
        let (mut value, evidence) = match amount.reading {
            Reading::Exact { value, evidence } if !amount.currency => (value, evidence),
            _ => return Ok(Fast::Unknown),
        };
        // A scaled column (`Số tiền (triệu đồng)`): the remembered group holds for the raw text,
        // the value is this row's own, times the scale. Anything unusual goes the slow way.
        if let Some(factor) = layout.scale {
            match scaled(value, factor, cell(Col::Amount)) {
                Some(v) => value = v,
                None => return Ok(Fast::Unknown),
            }
        }
        self.code = self.finest.map_or(0, |d| d.period_code(date));
        // Two bytes of each watched cell on every row; the rare row where one passes is looked
        // at closely.
        if any_may_be_totals_label(rec, &self.watched_at) && self.holds_label(rec) {
            return Ok(Fast::Unknown);
        }
        self.learnable = true;
        if self.prints {
            // Hashed here, where both cells are at hand.
            self.dated = fingerprint::role(Col::Date, date_cell)
                .wrapping_add(fingerprint::role(Col::Amount, amount_as_written));
        }
        let mut found = self.memo.find(self.hash, &self.key).map(|(memo, at)| {
            if self.observed {
                self.hit = Some(from_syms(self.memo.extra_at(at), date, value));
                self.hit_at = at;
            }
            Memo::decode(memo)
        });
        // With cells read apart (an observer's), a proven row must have held them too.
        if self.hit.is_some() && !self.fill_apart(rec, layout) {
            found = None;
        }
        // What was learned no longer comes back: make room for what may. Amounts waiting to be
        // added keep their groups: each names a group slot, which stays.
        if self.pacing.looked(found.is_some()) == Verdict::NotPaying && self.forget_if_full() {
            return Ok(Fast::Unknown);
        }
        let group = match found {
            None => return Ok(Fast::Unknown),
            Some((Memo::TextFiltered, _)) => return Ok(Fast::Filtered(evidence)),
            // A date the selection leaves out makes no group: such a row is only filtered.
            Some(_) if !selector.keeps_date(date) => return Ok(Fast::Filtered(evidence)),
            Some((Memo::Slot(slot), _)) => Group::Slot(slot),
            Some((Memo::Periods { like }, id)) => {
                let code = self.code;
                match self
                    .recent
                    .get_mut(id as usize)
                    .and_then(|r| r.slot(like, code))
                {
                    Some(slot) => Group::Slot(slot),
                    None => Group::InPeriod {
                        like,
                        id,
                        code,
                        date,
                    },
                }
            }
        };
        if self.adds {
            self.deferred.push(Deferred {
                line,
                value,
                date,
                group,
            });
        }
        Ok(Fast::Counted(evidence))
    }

    /// Fills the cells read apart into the row found, if the lane reads some; false (and no
    /// row found) when no proven row held them. Out of line: inlined in the lane's row, beside
    /// the lookup of the combination, a first version made every row slower, by 0.09 s in
    /// 5,000,000 on a ledger where every row's cells were known (out of line, no slower than
    /// without it).
    #[inline(never)]
    fn fill_apart(&mut self, rec: &Record<'_>, layout: &Layout) -> bool {
        let (Some(row), Some(apart)) = (&mut self.hit, &mut self.apart) else {
            return true;
        };
        if apart.fill(row, rec, layout) {
            return true;
        }
        self.hit = None;
        false
    }

    /// Whether [`FastLane::flush`] is due: after every [`BATCH`] amounts.
    #[inline]
    pub fn flush_due(&self) -> bool {
        self.deferred.len() >= BATCH
    }

    /// Adds the amounts counted and not yet added; the worker calls it when due and at the end
    /// of each chunk, so groups are whole before anyone reads them, and `file` is the chunk's.
    /// Groups are found first, all of them, then added to: each step's lookups are apart from
    /// one another, so their waits on memory overlap. With grouping sets the amounts go to the
    /// sets, by their fine group: its own sum would never be read.
    pub fn flush(
        &mut self,
        groups: &mut LocalGroups,
        mut sets: Option<&mut Sets>,
        file: &str,
    ) -> Result<()> {
        for d in &self.deferred {
            if let Group::InPeriod { like, code, .. } = d.group {
                self.by_period.prefetch(period_key(like, code));
            }
        }
        for i in 0..self.deferred.len() {
            let d = self.deferred[i];
            let slot = self.slot_of(d.group, groups);
            self.deferred[i].group = Group::Slot(slot);
            match &sets {
                Some(sets) => sets.prefetch(slot),
                None => groups.prefetch(slot),
            }
        }
        for d in self.deferred.drain(..) {
            if let Group::Slot(slot) = d.group {
                match &mut sets {
                    Some(sets) => sets.add(slot, groups, d.date, d.value),
                    None => groups.add_to(slot, d.value),
                }
                .with_context(|| format!("{file}:{}", d.line))?;
            }
        }
        Ok(())
    }

    /// The slot of `group`: the texts' recent periods, else `by_period`, else made from the
    /// key of the texts' remembered group (and remembered).
    fn slot_of(&mut self, group: Group, groups: &mut LocalGroups) -> u32 {
        let (like, id, code, date) = match group {
            Group::Slot(slot) => return slot,
            Group::InPeriod {
                like,
                id,
                code,
                date,
            } => (like, id, code, date),
        };
        // Looked at again: an amount earlier in the batch may have met this period since.
        let recent = self.recent.get_mut(id as usize);
        if let Some(slot) = recent.and_then(|r| r.slot(like, code)) {
            return slot;
        }
        let key = period_key(like, code);
        let slot = match self.by_period.get(key) {
            Some(slot) => slot,
            None => {
                let slot = groups.slot_like(like, date);
                if self.by_period.len() < MAX_PERIODS {
                    self.by_period.insert(key, slot);
                }
                slot
            }
        };
        if let Some(r) = self.recent.get_mut(id as usize).filter(|r| r.like == like) {
            r.periods = [(code, slot), r.periods[0]];
        }
        slot
    }

    /// True when a watched cell of `rec` is a totals label. Only cells whose first bytes could
    /// start one are looked at, each once per distinct value. Out of line: few rows come here.
    #[inline(never)]
    fn holds_label(&mut self, rec: &Record<'_>) -> bool {
        for &i in &self.watched_at {
            let bytes = rec.bytes(i as usize);
            if !may_be_totals_label(bytes) {
                continue;
            }
            let label = match self.labels.get(bytes) {
                Some(&label) => label,
                None => {
                    let label = is_totals_label(&String::from_utf8_lossy(bytes));
                    if self.labels.len() < MAX_LABELS {
                        self.labels.insert(bytes.into(), label);
                    }
                    label
                }
            };
            if label {
                return true;
            }
        }
        false
    }

    fn is_full(&self) -> bool {
        self.memo.len() >= self.max_memo || self.memo.bytes_len() + self.key.len() > MAX_ARENA
    }

    /// Empties a full memo (true then); the key of the record being tried stays learnable.
    #[cold]
    #[inline(never)]
    fn forget_if_full(&mut self) -> bool {
        if !self.is_full() {
            return false;
        }
        self.forget();
        true
    }

    /// Empties the memo; with an observer, keeps it aside until its tallies are handed back
    /// (the cells read apart stay: what they mean holds whatever the rest of the row).
    fn forget(&mut self) {
        self.hit = None;
        if self.observed {
            let empty = RawKeys::with_extra(EXTRA);
            self.retired.push(std::mem::replace(&mut self.memo, empty));
        } else {
            self.memo.clear();
        }
        self.by_period.clear();
        self.recent.clear();
    }

    /// The row of the record last added and its combination's tally for the observer (with an
    /// observer only). The row is counted with the names read apart, which that tally leaves
    /// out: the worker asks for each row it adds.
    pub fn known(&mut self) -> Option<Known<'_>> {
        let row = self.hit.as_ref()?;
        let mut print = 0u64;
        if let Some(apart) = &mut self.apart {
            apart.count();
            print = apart.print;
        }
        let extra = self.memo.extra_at_mut(self.hit_at);
        let (tally, combination) = extra.get_mut(SYMS..)?.split_at_mut(TALLY);
        let print = self.prints.then(|| {
            let combination = u64::from_le_bytes(combination.try_into().unwrap_or_default());
            print.wrapping_add(combination).wrapping_add(self.dated)
        });
        Some(Known {
            row,
            tally: tally.try_into().ok()?,
            print,
        })
    }

    /// Hands the observer each tally of the memos forgotten ([`Observer::tallied`]), with the
    /// symbols of its combination (date and amount: nobody's), and the counts of the cells
    /// read apart that were forgotten ([`Observer::counted`]). A row the lane found
    /// [`Fast::Unknown`] may have emptied a memo.
    pub fn hand_back(&mut self, observer: &mut dyn Observer) {
        for memo in self.retired.drain(..) {
            for bytes in memo.extras() {
                let (syms, rest) = bytes.split_at(SYMS.min(bytes.len()));
                if let Some(Ok(tally)) = rest.get(..TALLY).map(<[u8; TALLY]>::try_from) {
                    observer.tallied(&from_syms(syms, NaiveDate::MIN, Decimal::ZERO), &tally);
                }
            }
        }
        if let Some(apart) = &mut self.apart {
            apart.hand_back(observer);
        }
    }

    /// [`FastLane::hand_back`] of every tally and count, the memos' own too, which are
    /// emptied: the reading ends.
    pub fn hand_back_all(&mut self, observer: &mut dyn Observer) {
        self.forget();
        if let Some(apart) = &mut self.apart {
            apart.retire_all();
        }
        self.hand_back(observer);
    }

    /// After the slow path found the record last tried, `rec`, valid, as `row`, with no
    /// warning: `Some(slot)` when it was added there, `None` when the text filters left it out.
    pub fn learn(
        &mut self,
        slot: Option<u32>,
        row: &Contribution,
        rec: &Record<'_>,
        layout: &Layout,
    ) {
        if !self.learnable {
            return;
        }
        // What the cells read apart mean holds whatever the rest of the row: learned even when
        // the combination is not.
        if let Some(apart) = &mut self.apart {
            apart.learn(row, rec, layout);
        }
        if self.is_full() || slot.is_some_and(|s| s >= MAX_SLOT) {
            return;
        }
        // Only the cells read apart may have been new: the combination is known already.
        if self.apart.is_some() && self.memo.find(self.hash, &self.key).is_some() {
            return;
        }
        self.learnable = false;
        let n = self.memo.len() as u32;
        let memo = match (slot, self.finest) {
            (None, _) => Memo::TextFiltered,
            (Some(slot), None) => Memo::Slot(slot),
            (Some(slot), Some(_)) => {
                // Another spelling of the same texts may have put this group there already.
                let key = period_key(slot, self.code);
                if self.by_period.get(key).is_none() {
                    self.by_period.insert(key, slot);
                }
                Memo::Periods { like: slot }
            }
        };
        // The names read apart are the other memo's.
        let mut extra = [0u8; EXTRA];
        let syms = to_syms(row);
        extra[..SYMS].copy_from_slice(&syms);
        if let Some(apart) = &self.apart {
            apart.leave_out(&mut extra[..SYMS]);
        }
        if self.prints {
            let sum = (self.parts.iter())
                .map(|&col| fingerprint::role(col, cell_of(col, rec, layout)))
                .fold(0u64, u64::wrapping_add);
            extra[SYMS + TALLY..].copy_from_slice(&sum.to_le_bytes());
        }
        self.memo
            .insert_with(self.hash, &self.key, memo.encode(n), &extra);
        if self.finest.is_some() {
            // A text-filtered combination never asks: `u32::MAX` is no group's.
            let like = slot.unwrap_or(u32::MAX);
            self.recent.push(Recent {
                like,
                periods: [(self.code, like), (0, 0)],
            });
        }
    }
}

/// Name columns remembered apart from the rest of the row. `check` counts every name of every
/// row, so its key once held six of them: a ledger of 3,500 combinations of unit, area, model
/// and measure made 55,000 with the field and the source, 10 MB of keys per thread, missed in
/// cache on most rows, and each new combination's first row went the slow way. Its field and
/// source are remembered here instead, each column's cells by themselves (a dozen spellings
/// each), in a table the first-level cache holds ([`Cells`]), which counts the rows of each
/// cell for the observer ([`Observer::counted`]). Only for columns whose names hold alone: not
/// those the run groups or filters by, nor the field when a registry may fill it from the model
/// (the plan says which).
struct Apart {
    /// Per column of [`APART`] read apart: its cells as written that a proven row held, with
    /// their symbols and the rows counted with each.
    cells: [Option<Cells>; 2],
    /// Where the cells of the row last filled are, in each table.
    hit: [usize; 2],
    /// What those cells add to the row's fingerprint.
    print: u64,
    /// Tables emptied when full, whose counts the observer has not had back.
    retired: Vec<(Col, Cells)>,
}

/// The columns an [`Apart`] may read.
const APART: [Col; 2] = [Col::Field, Col::Source];

impl Apart {
    /// Reading apart those of [`APART`] in `cols`, at most `max` cells of each; `None` when
    /// none is.
    fn new(cols: &[Col], max: usize) -> Option<Apart> {
        let cells = APART.map(|col| cols.contains(&col).then(|| Cells::new(max)));
        cells.iter().any(Option::is_some).then(|| Apart {
            cells,
            hit: [0; 2],
            print: 0,
            retired: Vec::new(),
        })
    }

    /// Whether it reads `col`.
    fn reads(&self, col: Col) -> bool {
        self.cols().any(|c| c == col)
    }

    /// The columns it reads.
    fn cols(&self) -> impl Iterator<Item = Col> + '_ {
        APART
            .into_iter()
            .zip(&self.cells)
            .filter(|(_, c)| c.is_some())
            .map(|(col, _)| col)
    }

    /// The names of `rec`'s cells into `row`; false when no proven row held one of them.
    #[inline(always)]
    fn fill(&mut self, row: &mut Contribution, rec: &Record<'_>, layout: &Layout) -> bool {
        self.print = 0;
        // One call per column, each with its own constant: a loop over both was not unrolled,
        // and asked at each cell which column it was.
        self.fill_one::<0>(row, rec, layout) && self.fill_one::<1>(row, rec, layout)
    }

    /// [`Apart::fill`] for the `K`th of [`APART`].
    #[inline(always)]
    fn fill_one<const K: usize>(
        &mut self,
        row: &mut Contribution,
        rec: &Record<'_>,
        layout: &Layout,
    ) -> bool {
        let Some(cells) = &self.cells[K] else {
            return true;
        };
        let Some((at, sym)) = cells.find(layout.lane, cell_of(APART[K], rec, layout)) else {
            return false;
        };
        self.hit[K] = at;
        self.print = self.print.wrapping_add(cells.print(at));
        *slot(row, APART[K]) = sym;
        true
    }

    /// One more row holds the cells last filled.
    #[inline(always)]
    fn count(&mut self) {
        for (cells, &at) in self.cells.iter_mut().zip(&self.hit) {
            if let Some(cells) = cells {
                cells.count(at);
            }
        }
    }

    /// Remembers the names the slow path gave `rec`'s cells, in `row`.
    #[inline(never)]
    fn learn(&mut self, row: &Contribution, rec: &Record<'_>, layout: &Layout) {
        for (k, cells) in self.cells.iter_mut().enumerate() {
            let Some(cells) = cells else { continue };
            let col = APART[k];
            let sym = *slot(&mut { *row }, col);
            let cell = cell_of(col, rec, layout);
            if let Some(full) = cells.learn(layout.lane, cell, sym, fingerprint::role(col, cell)) {
                self.retired.push((col, full));
            }
        }
    }

    /// Makes EMPTY in `syms` ([`to_syms`]'s bytes) the names read apart: a combination's
    /// tally counts only the others.
    fn leave_out(&self, syms: &mut [u8]) {
        for col in self.cols() {
            let i = sym_index(col);
            syms[4 * i..4 * i + 4].copy_from_slice(&EMPTY.to_le_bytes());
        }
    }

    /// The tables' counts, all of them: the reading ends.
    fn retire_all(&mut self) {
        for (k, cells) in self.cells.iter_mut().enumerate() {
            if let Some(cells) = cells {
                self.retired.push((APART[k], cells.take()));
            }
        }
    }

    /// Hands the counts of the tables retired to the observer, each with its cell's name in a
    /// row whose other names are [`EMPTY`].
    fn hand_back(&mut self, observer: &mut dyn Observer) {
        for (col, cells) in self.retired.drain(..) {
            for (sym, rows) in cells.counted() {
                let mut row = from_syms(&[0; SYMS], NaiveDate::MIN, Decimal::ZERO);
                *slot(&mut row, col) = sym;
                observer.counted(&row, rows);
            }
        }
    }
}

/// The cell of column `col` in `rec` as written (empty when the file has no such column).
#[inline(always)]
fn cell_of<'a>(col: Col, rec: &Record<'a>, layout: &Layout) -> &'a [u8] {
    layout.index(col).map_or(&b""[..], |i| rec.bytes(i))
}

/// Which of the symbols [`to_syms`] writes is column `col`'s.
fn sym_index(col: Col) -> usize {
    match col {
        Col::Measure => 0,
        Col::Model => 1,
        Col::Unit => 2,
        Col::Area => 3,
        Col::Field => 4,
        _ => 5,
    }
}

/// The symbol of column `col` in `row`.
#[inline(always)]
fn slot(row: &mut Contribution, col: Col) -> &mut Sym {
    match col {
        Col::Field => &mut row.field,
        Col::Source => &mut row.source,
        Col::Unit => &mut row.unit,
        Col::Area => &mut row.area,
        Col::Model => &mut row.model,
        _ => &mut row.measure,
    }
}

/// The bytes of a remembered row's symbols, in the order [`to_syms`] writes them.
const SYMS: usize = 6 * 4;
/// The sum a combination adds to a row's fingerprint ([`FastLane::known`]).
const PRINT: usize = 8;
/// What an observer's lane keeps after each key.
const EXTRA: usize = SYMS + TALLY + PRINT;

/// A row's text symbols as bytes, to keep after its key.
fn to_syms(row: &Contribution) -> [u8; SYMS] {
    let mut out = [0u8; SYMS];
    let syms = [
        row.measure,
        row.model,
        row.unit,
        row.area,
        row.field,
        row.source,
    ];
    for (at, sym) in out.chunks_exact_mut(4).zip(syms) {
        at.copy_from_slice(&sym.to_le_bytes());
    }
    out
}

/// The row of the symbols [`to_syms`] wrote, with this record's own date and amount.
#[inline(always)]
fn from_syms(bytes: &[u8], date: NaiveDate, amount: Decimal) -> Contribution {
    let sym = |i: usize| {
        let b = bytes.get(4 * i..4 * i + 4).unwrap_or(&[0; 4]);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    Contribution {
        date,
        amount,
        measure: sym(0),
        model: sym(1),
        unit: sym(2),
        area: sym(3),
        field: sym(4),
        source: sym(5),
    }
}

/// The key of `rec` into `key`: the file's lane (the same raw text is the same group, and as
/// valid, only within one lane of files), then the cells of `parts`, each after its length in
/// seven-bit groups (one byte below 128: the keys a report remembers are a sixth shorter than
/// with four); gives the hash of `key`. Lengths first make the key say where each cell ends,
/// so two rows have the same key only if their cells are the same.
#[inline(always)]
fn make_key(parts: &[Col], rec: &Record<'_>, layout: &Layout, key: &mut Vec<u8>) -> u64 {
    let cells = parts.iter().map(|&col| cell_of(col, rec, layout));
    encode_key(layout.lane, cells, key);
    hash_bytes(key)
}

/// The bytes of [`make_key`].
#[inline(always)]
fn encode_key<'a>(lane: u8, cells: impl Iterator<Item = &'a [u8]>, key: &mut Vec<u8>) {
    key.clear();
    key.push(lane);
    for bytes in cells {
        let mut len = bytes.len();
        while len >= 0x80 {
            key.push(len as u8 | 0x80);
            len >>= 7;
        }
        key.push(len as u8);
        key.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(lane: u8, cells: &[Vec<u8>]) -> Vec<u8> {
        let mut key = Vec::new();
        encode_key(lane, cells.iter().map(Vec::as_slice), &mut key);
        key
    }

    proptest::proptest! {
        /// Two rows' keys are the same only when their lanes and cells are: cells split at
        /// another place, of lengths on either side of 128 and 16,384, or in another lane, make
        /// another key.
        #[test]
        fn keys_tell_rows_apart(
            a in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(b'a'), proptest::strategy::Just(0x80u8), proptest::strategy::Just(1u8)], 0..3),
                1..4,
            ),
            b in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(b'a'), proptest::strategy::Just(0x80u8), proptest::strategy::Just(1u8)], 0..3),
                1..4,
            ),
            long in proptest::sample::select(vec![0usize, 127, 128, 16_383, 16_384, 300_000]),
            lanes in (0u8..4, 0u8..4),
        ) {
            let (mut a, mut b) = (a, b);
            a[0].extend(std::iter::repeat_n(b'x', long));
            b[0].extend(std::iter::repeat_n(b'x', long));
            let same = lanes.0 == lanes.1 && a == b;
            proptest::prop_assert_eq!(key(lanes.0, &a) == key(lanes.1, &b), same);
        }
    }

    #[test]
    fn a_length_is_written_in_seven_bit_groups() {
        assert_eq!(key(2, &[b"ab".to_vec()]), [2, 2, b'a', b'b']);
        let long = vec![b'x'; 300];
        assert_eq!(key(0, std::slice::from_ref(&long))[..3], [0, 44 | 0x80, 2]);
        assert_eq!(key(0, &[long]).len(), 3 + 300);
    }
}

/// The key of the record ahead, made before its turn ([`FastLane::try_record`]).
#[derive(Default)]
struct Ahead {
    /// The line of the record it is the key of; `None` when there is none.
    line: Option<u64>,
    key: Vec<u8>,
    hash: u64,
}

/// The key of `like`'s texts in the period of finest code `code` in `by_period`.
#[inline(always)]
fn period_key(like: u32, code: u32) -> u64 {
    u64::from(like) << 32 | u64::from(code)
}

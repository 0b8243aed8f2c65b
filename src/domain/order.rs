//! The order of keys. Periods sort as time; text (units, fields, areas…) sorts by a pluggable
//! comparison, so a locale can bring its own alphabet (Vietnamese puts `Đ` after `D`) without the
//! reports knowing which locale it is.

use super::value::Value;
use std::cmp::Ordering;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Mutex, PoisonError};

/// How two texts compare.
pub trait TextOrder: Sync {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering;

    /// Whether [`TextOrder::write_key`] makes keys. Sorting many texts then computes one key
    /// per text instead of comparing texts in pairs, which for a real alphabet is the
    /// difference between a tenth of a second and seconds.
    fn has_keys(&self) -> bool {
        false
    }

    /// Appends to `key` bytes whose order (compared as bytes) is this order, if
    /// [`TextOrder::has_keys`].
    fn write_key(&self, _text: &str, _key: &mut Vec<u8>) {}

    /// Appends to `key` a quick key of `text` and says true, or says false (`key` then holds
    /// part of one) when the order's quick keys do not cover `text`. Quick keys compare as
    /// bytes in this order among themselves; they never meet [`TextOrder::write_key`]'s.
    fn write_quick_key(&self, _text: &str, _key: &mut Vec<u8>) -> bool {
        false
    }
}

/// By Unicode code point: stable, locale-free, what machine formats use.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodePoints;

impl TextOrder for CodePoints {
    fn cmp_text(&self, a: &str, b: &str) -> Ordering {
        a.cmp(b)
    }
}

/// Two values of one dimension, text by `order`, periods as time.
pub fn cmp_values(order: &dyn TextOrder, a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) | (Value::Area(x), Value::Area(y)) => order.cmp_text(x, y),
        _ => a.cmp(b),
    }
}

/// Two labels, value by value.
pub fn cmp_labels(order: &dyn TextOrder, a: &[Value], b: &[Value]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| cmp_values(order, x, y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

/// Which keys a sort computes: an order's quick keys (cheap, for the texts its model covers) or
/// its full keys. The two kinds never meet in one sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Quick,
    Full,
}

/// Appends `text`'s key of `kind`; false when a quick key does not cover it.
fn write_text_key(order: &dyn TextOrder, kind: KeyKind, text: &str, key: &mut Vec<u8>) -> bool {
    match kind {
        KeyKind::Quick => order.write_quick_key(text, key),
        KeyKind::Full => {
            order.write_key(text, key);
            true
        }
    }
}

/// A label's sort key under an order that has keys: bytes that compare as [`cmp_labels`]
/// compares the labels. Each value is a tag (text, period, area: the order of [`Value`]'s
/// variants), then for text its order's key with any zero byte escaped as `0 255` and a `0`
/// after it (so a text that is the start of another sorts first), for a period its time.
pub fn label_key(order: &dyn TextOrder, label: &[Value]) -> Vec<u8> {
    let mut key = Vec::with_capacity(label.len() * 40);
    write_label_key(order, KeyKind::Full, label, &mut key);
    key
}

/// Appends [`label_key`] made of keys of `kind`; false when a quick key does not cover one of
/// the texts (`key` then holds part of it).
fn write_label_key(
    order: &dyn TextOrder,
    kind: KeyKind,
    label: &[Value],
    key: &mut Vec<u8>,
) -> bool {
    for value in label {
        match value {
            Value::Text(t) | Value::Area(t) => {
                key.push(if matches!(value, Value::Text(_)) {
                    1
                } else {
                    3
                });
                let start = key.len();
                if !write_text_key(order, kind, t, key) {
                    return false;
                }
                if key[start..].contains(&0) {
                    let raw = key.split_off(start);
                    for b in raw {
                        match b {
                            0 => key.extend_from_slice(&[0, 255]),
                            b => key.push(b),
                        }
                    }
                }
                key.push(0);
            }
            Value::Period(p) => {
                key.push(2);
                let (kind, year, part) = match *p {
                    super::Period::Year(y) => (0, y, 0),
                    super::Period::Quarter(y, q) => (1, y, q),
                    super::Period::Month(y, m) => (2, y, m),
                };
                key.push(kind);
                key.extend_from_slice(&((year as u32) ^ 0x8000_0000).to_be_bytes());
                key.push(part);
            }
        }
    }
    true
}

/// Sorts `items` by their labels in `order`, keeping the order of items whose labels compare
/// equal. Nothing is moved when they are in order already (one linear pass); otherwise, when
/// the order has keys, each label's key is computed once (on every core for many items): quick
/// keys when the order covers every text of every label, full keys otherwise.
pub fn sort_by_label<T: Sync>(
    order: &dyn TextOrder,
    items: &mut [T],
    label: impl Fn(&T) -> &[Value] + Sync,
) {
    permute(items, label_order(order, items, label));
}

/// The indices of `items` in the order of their labels, as [`sort_by_label`] would put them,
/// without moving an item: for items too big to move about (millions of report lines), which
/// the caller then takes in this order.
pub fn label_order<T: Sync>(
    order: &dyn TextOrder,
    items: &[T],
    label: impl Fn(&T) -> &[Value] + Sync,
) -> Vec<usize> {
    if items.is_sorted_by(|a, b| cmp_labels(order, label(a), label(b)).is_le()) {
        return (0..items.len()).collect();
    }
    if order.has_keys() {
        sorted_by_key(items, |t, kind, key| {
            write_label_key(order, kind, label(t), key)
        })
    } else {
        let mut sorted: Vec<usize> = (0..items.len()).collect();
        sorted.sort_by(|&a, &b| cmp_labels(order, label(&items[a]), label(&items[b])));
        sorted
    }
}

/// Sorts texts in `order`, keeping the order of texts that compare equal; each text's key is
/// computed once when the order has keys (quick ones when it covers them all).
pub fn sort_texts(order: &dyn TextOrder, texts: &mut [String]) {
    if order.has_keys() {
        let sorted = sorted_by_key(texts, |t, kind, key| write_text_key(order, kind, t, key));
        permute(texts, sorted);
    } else {
        texts.sort_by(|a, b| order.cmp_text(a, b));
    }
}

/// Below this many items one thread computes the keys: starting threads would cost more.
const PARALLEL_FROM: usize = 20_000;

/// One item's key in a sort: where it lies in its part's keys, and the first bytes after the
/// prefix all keys share, inline, so that most comparisons never read the keys. 24 bytes: the
/// sort of two million names is the summary's peak, and 8 bytes more an entry were 16 MB of
/// it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Up to [`HEAD`] bytes of the key after the shared prefix, big-endian, zero-padded.
    head: [u32; 3],
    /// A part's keys are at most [`PART_BYTES`] (more make another part; one key alone is far
    /// less, a record being at most 64 MiB).
    start: u32,
    len: u32,
    /// Item counts past 2^32 would take hundreds of gigabytes.
    index: u32,
}

/// The most bytes of keys one part holds, so that an entry's place in them takes 32 bits.
const PART_BYTES: usize = u32::MAX as usize;

/// How many keys a part makes before it sizes its room for the rest by their length.
const SAMPLED: usize = 256;

/// The keys of one part of the items, end to end.
struct Part {
    arena: Vec<u8>,
    entries: Vec<Entry>,
    /// How many bytes every key of the part shares with its first.
    shared: usize,
}

impl Part {
    fn new(arena: Vec<u8>, entries: Vec<Entry>) -> Part {
        let first = entries.first().map_or(&[][..], |e| key_of(&arena, e));
        let shared = shared_prefix(first, &arena, &entries);
        Part {
            arena,
            entries,
            shared,
        }
    }
}

/// The indices of `items` in the order of their keys (equal keys by index). `key` appends an
/// item's key of a kind and says whether it could; quick keys are tried first, and if one item
/// has none, full keys are made for all. Keys are made and sorted in parallel parts on up to
/// all cores, then merged. A thread the system will not start is done without.
fn sorted_by_key<T: Sync>(
    items: &[T],
    key: impl Fn(&T, KeyKind, &mut Vec<u8>) -> bool + Sync,
) -> Vec<usize> {
    let (sorted, _) = sorted_keys(items, key);
    sorted.into_iter().map(|i| i as usize).collect()
}

/// What [`sorted_by_key`] gives, and per place in that order whether the item's key is the
/// same as the one before it.
fn sorted_keys<T: Sync>(
    items: &[T],
    key: impl Fn(&T, KeyKind, &mut Vec<u8>) -> bool + Sync,
) -> (Vec<u32>, Vec<bool>) {
    sorted_keys_within(items, key, PART_BYTES)
}

/// [`sorted_keys`], with at most `most` bytes of keys in a part (tests give a few kilobytes).
fn sorted_keys_within<T: Sync>(
    items: &[T],
    key: impl Fn(&T, KeyKind, &mut Vec<u8>) -> bool + Sync,
    most: usize,
) -> (Vec<u32>, Vec<bool>) {
    let threads = if items.len() < PARALLEL_FROM {
        1
    } else {
        cores()
    };
    let size = items.len().div_ceil(threads).max(1);
    let key = &key;
    let uncovered = AtomicBool::new(false);
    let build = |kind: KeyKind| {
        let uncovered = &uncovered;
        let chunks: Vec<(usize, &[T])> = items.chunks(size).enumerate().collect();
        on_threads(chunks, move |(c, chunk)| {
            let mut parts = Vec::new();
            let mut arena = Vec::with_capacity(chunk.len().min(SAMPLED) * 64);
            let mut entries = Vec::with_capacity(chunk.len());
            for (i, t) in chunk.iter().enumerate() {
                // The keys' room for the rest of the part, at the length of its first keys:
                // growing by doubling copied every key made so far.
                if i == SAMPLED {
                    arena.reserve((arena.len() / SAMPLED + 8) * (chunk.len() - i));
                }
                // Another part found a text quick keys do not cover: all of this is wasted.
                if kind == KeyKind::Quick && uncovered.load(AtomicOrdering::Relaxed) {
                    break;
                }
                let mut start = arena.len();
                if !key(t, kind, &mut arena) {
                    uncovered.store(true, AtomicOrdering::Relaxed);
                    break;
                }
                // Past the part's room: the part ends before this key, which begins the next.
                if arena.len() > most && !entries.is_empty() {
                    arena.truncate(start);
                    let left = chunk.len() - i;
                    let room = Vec::with_capacity((arena.len() / entries.len() + 8) * left);
                    let full = std::mem::replace(&mut arena, room);
                    parts.push(Part::new(full, std::mem::take(&mut entries)));
                    start = 0;
                    key(t, kind, &mut arena);
                }
                entries.push(Entry {
                    head: [0; 3],
                    start: start as u32,
                    len: (arena.len() - start) as u32,
                    index: (c * size + i) as u32,
                });
            }
            parts.push(Part::new(arena, entries));
            parts
        })
    };
    let mut parts: Vec<Part> = build(KeyKind::Quick).into_iter().flatten().collect();
    if uncovered.load(AtomicOrdering::Relaxed) {
        parts = build(KeyKind::Full).into_iter().flatten().collect();
    }
    // Each part keeps its own keys (never copied end to end beside themselves) and is sorted
    // where it lies, its entries' heads taken after the prefix every key of every part shares.
    let first: Vec<u8> = (parts.iter())
        .find_map(|p| p.entries.first().map(|e| key_of(&p.arena, e).to_vec()))
        .unwrap_or_default();
    // What every part's keys share, each part's found on its own thread.
    let shared = (parts.iter())
        .map(|p| {
            let theirs = p.entries.first().map_or(&[][..], |e| key_of(&p.arena, e));
            let alike = first.iter().zip(theirs).take_while(|(a, b)| a == b).count();
            alike.min(p.shared)
        })
        .min()
        .unwrap_or(0);
    // Each part sorted in halves, more pieces than cores: a part that comes already in order
    // (names met in the order they sort) is done at once, and its core takes a half of
    // another's.
    let halves: Vec<(&[u8], &mut [Entry])> = (parts.iter_mut())
        .flat_map(|Part { arena, entries, .. }| {
            let keys: &[u8] = arena;
            let mid = entries.len() / 2;
            let (low, high) = entries.split_at_mut(mid);
            [(keys, low), (keys, high)]
        })
        .collect();
    on_threads(halves, |(keys, entries): (&[u8], &mut [Entry])| {
        for e in entries.iter_mut() {
            e.head = head(keys, shared, e);
        }
        entries.sort_unstable_by(|a, b| cmp_entries(keys, shared, a, keys, b));
    });
    let runs: Vec<Run<'_>> = (parts.iter())
        .flat_map(|p| {
            let (low, high) = p.entries.split_at(p.entries.len() / 2);
            [(&p.arena[..], low), (&p.arena[..], high)]
        })
        .collect();
    merge_on_cores(&runs, shared)
}

/// A sorted run of entries, and the keys they point into.
type Run<'a> = (&'a [u8], &'a [Entry]);

/// The sorted runs merged, straight from where they were sorted, into the items' indices (never
/// a second copy of every entry, 24 bytes an item, beside them), and per place whether the key
/// is the one before it. On every core: the runs are cut into pieces that follow each other in
/// the merged order, and each piece of the output is merged on its own thread.
fn merge_on_cores(runs: &[Run<'_>], shared: usize) -> (Vec<u32>, Vec<bool>) {
    let n: usize = runs.iter().map(|r| r.1.len()).sum();
    let pieces = if n < PARALLEL_FROM { 1 } else { cores() };
    // Per run, how many of its entries come before `e`: where `e` cuts it.
    fn cut_at<'a>(
        runs: &'a [Run<'a>],
        shared: usize,
        (keys, e): Keyed<'a>,
    ) -> impl Iterator<Item = usize> + 'a {
        (runs.iter()).map(move |&(rk, run)| {
            run.partition_point(|x| cmp_entries(rk, shared, x, keys, e).is_lt())
        })
    }
    let rank = |keys: &[u8], e: &Entry| cut_at(runs, shared, (keys, e)).sum::<usize>();
    // Per cut, where it falls in each run. The cuts are at the entries of ranks n/pieces,
    // 2n/pieces…, each found by a binary search in every run (ranks grow along a run), so
    // that the pieces are as long as each other whatever the runs hold.
    let mut cuts: Vec<Vec<usize>> = vec![vec![0; runs.len()]];
    for k in 1..pieces {
        let target = k * n / pieces;
        let found = runs.iter().find_map(|&(keys, run)| {
            let e = run.get(run.partition_point(|e| rank(keys, e) < target))?;
            (rank(keys, e) == target).then_some((keys, e))
        });
        if let Some((keys, e)) = found {
            cuts.push(cut_at(runs, shared, (keys, e)).collect());
        }
    }
    cuts.push(runs.iter().map(|r| r.1.len()).collect());
    let mut sorted = vec![0u32; n];
    let mut same = vec![false; n];
    let mut jobs = Vec::with_capacity(pieces);
    let (mut sorted_rest, mut same_rest) = (&mut sorted[..], &mut same[..]);
    for cut in cuts.windows(2) {
        let len = cut[1].iter().zip(&cut[0]).map(|(to, from)| to - from).sum();
        let (sorted_here, s) = std::mem::take(&mut sorted_rest).split_at_mut(len);
        let (same_here, r) = std::mem::take(&mut same_rest).split_at_mut(len);
        (sorted_rest, same_rest) = (s, r);
        let piece: Vec<Run<'_>> = (runs.iter().enumerate())
            .map(|(r, &(keys, run))| (keys, &run[cut[0][r]..cut[1][r]]))
            .collect();
        jobs.push((piece, sorted_here, same_here));
    }
    let lens: Vec<usize> = jobs.iter().map(|j| j.1.len()).collect();
    let ends = on_threads(jobs, |(piece, sorted, same)| {
        merge_into(&piece, shared, sorted, same)
    });
    // A piece's first key is compared with the one before it, the last of the piece before.
    let mut at = 0;
    let mut last: Option<Keyed<'_>> = None;
    for (ends, len) in ends.into_iter().zip(lens) {
        if let Some((first, end)) = ends {
            same[at] = last.is_some_and(|l| same_key(l, first));
            last = Some(end);
        }
        at += len;
    }
    (sorted, same)
}

/// An entry and the keys it points into.
type Keyed<'a> = (&'a [u8], &'a Entry);

/// Whether two entries' keys are the same.
fn same_key((ka, a): Keyed<'_>, (kb, b): Keyed<'_>) -> bool {
    a.head == b.head && key_of(ka, a) == key_of(kb, b)
}

/// The runs merged into `sorted` (entries' indices) and `same` (whether a key is the one before
/// it, `false` for the first). Its first and last entries, unless it has none.
fn merge_into<'a>(
    runs: &[Run<'a>],
    shared: usize,
    sorted: &mut [u32],
    same: &mut [bool],
) -> Option<(Keyed<'a>, Keyed<'a>)> {
    let mut at = vec![0usize; runs.len()];
    let mut first = None;
    let mut last: Option<Keyed<'a>> = None;
    for (out, same) in sorted.iter_mut().zip(same.iter_mut()) {
        // A few runs: the least of their heads is found by looking at each.
        let mut least: Option<(usize, &[u8], &Entry)> = None;
        for (r, &(keys, run)) in runs.iter().enumerate() {
            if let Some(e) = run.get(at[r])
                && least.is_none_or(|(_, lk, l)| cmp_entries(keys, shared, e, lk, l).is_lt())
            {
                least = Some((r, keys, e));
            }
        }
        let (r, keys, e) = least?;
        at[r] += 1;
        *out = e.index;
        *same = last.is_some_and(|l| same_key(l, (keys, e)));
        first = first.or(Some((keys, e)));
        last = Some((keys, e));
    }
    Some((first?, last?))
}

/// Each text's rank in `order` among the texts of `items` (which need not be held as texts):
/// texts that compare equal share a rank, and a text that sorts after another has a higher one; and whether two different texts share one
/// (the order ignores what tells them apart). Ranks compare as the labels made of these texts
/// compare, so groups can be put in a report's order by numbers alone. Keys are made as
/// [`label_order`] makes them (quick ones only when they cover every text), so ties are those
/// the report's own sort would see. A text may come more than once.
pub fn ranks_of<'s, T: Sync>(
    order: &dyn TextOrder,
    items: &[T],
    text: impl Fn(&T) -> &'s str + Sync,
) -> (Vec<u32>, bool) {
    let mut rank = vec![0u32; items.len()];
    let mut ties = false;
    let text_at = |i: u32| text(&items[i as usize]);
    let (sorted, same) = if order.has_keys() {
        sorted_keys(items, |t, kind, key| {
            write_text_key(order, kind, text(t), key)
        })
    } else {
        let mut sorted: Vec<u32> = (0..items.len() as u32).collect();
        sorted.sort_by(|&a, &b| order.cmp_text(text_at(a), text_at(b)));
        let same = (0..sorted.len())
            .map(|i| {
                i > 0
                    && order
                        .cmp_text(text_at(sorted[i - 1]), text_at(sorted[i]))
                        .is_eq()
            })
            .collect();
        (sorted, same)
    };
    let mut r = 0u32;
    for (i, (&t, &same)) in sorted.iter().zip(&same).enumerate() {
        if i > 0 && !same {
            r += 1;
        }
        ties |= same && text_at(t) != text_at(sorted[i - 1]);
        rank[t as usize] = r;
    }
    (rank, ties)
}

/// Sorts `items` on every core: a part each, sorted on threads of their own, then merged by the
/// standard library's stable sort, which takes sorted parts as runs and merges them in one pass
/// each. Items that compare equal may end in any order among themselves, as with
/// `sort_unstable`.
pub(crate) fn sort_on_cores<T: Ord + Send>(items: &mut [T]) {
    let cores = cores();
    if items.len() < PARALLEL_SORT_FROM || cores < 2 {
        items.sort_unstable();
        return;
    }
    let size = items.len().div_ceil(cores);
    on_threads(items.chunks_mut(size).collect(), |part: &mut [T]| {
        part.sort_unstable()
    });
    items.sort();
}

/// Fewer items than this are sorted on one core: a thread costs more than it saves.
const PARALLEL_SORT_FROM: usize = 1 << 16;

/// How many threads work done in parts is spread over ([`on_threads`]): the cores, at most 8.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `f` of each input, each on a thread of its own (one input: here), or here if the system
/// will not start one.
pub(crate) fn on_threads<I: Send, R: Send>(inputs: Vec<I>, f: impl Fn(I) -> R + Sync) -> Vec<R> {
    if inputs.len() <= 1 {
        return inputs.into_iter().map(f).collect();
    }
    let f = &f;
    // Each input waits in a slot, so the one a thread could not be started for is still here.
    let slots: Vec<Mutex<Option<I>>> = inputs.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let take = |slot: &Mutex<Option<I>>| slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let started: Vec<_> = slots
            .iter()
            .map(|slot| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || take(slot).map(f))
                    .map_err(|_| slot)
            })
            .collect();
        started
            .into_iter()
            .filter_map(|s| match s {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(slot) => take(slot).map(f),
            })
            .collect()
    })
}

/// `f` over `0..items`, a batch of `batch` at a time, on `threads` threads (as
/// [`on_threads`]), each taking the next batch when done with one: a thread whose core is
/// slower (shared with the machine's other work) does fewer, where parts cut beforehand all
/// wait on the slowest (one of two threads walking as many rows took 40 ms, the other 23).
/// Each thread's `R`, in no set order.
pub(crate) fn claimed<R: Default + Send>(
    items: usize,
    batch: usize,
    threads: usize,
    f: impl Fn(Range<usize>, &mut R) + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let batch = batch.max(1);
    on_threads((0..threads.max(1)).collect(), |_| {
        let mut done = R::default();
        loop {
            let from = next.fetch_add(batch, AtomicOrdering::Relaxed);
            if from >= items {
                break done;
            }
            f(from..(from + batch).min(items), &mut done);
        }
    })
}

/// Frees `value` on a thread of its own, or here if the system will not start one: giving tens
/// of megabytes back to the system takes milliseconds nobody need wait for.
pub(crate) fn freed_aside<T: Send + 'static>(value: T) {
    // A thread that does not start drops what it was given, here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// `a()` and `b()` at once: `a` on a thread of its own (or here, after `b`, if the system will
/// not start one). For two steps that each leave a core idle part of the time.
pub(crate) fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let slot = Mutex::new(Some(a));
    let take = || slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let started = std::thread::Builder::new().spawn_scoped(scope, || take().map(|a| a()));
        let b = b();
        let a = match started {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => None,
        };
        // Not run on its thread (it never started): run here.
        let a = a.or_else(|| take().map(|a| a()));
        (a.expect("the first step ran on its thread or here"), b)
    })
}

/// How many bytes every key of `entries` shares with `first` at its start (0 for none).
fn shared_prefix(first: &[u8], arena: &[u8], entries: &[Entry]) -> usize {
    let mut shared = first.len();
    for e in entries {
        let k = key_of(arena, e);
        // Most keys share all of it: one compare of the whole prefix, byte by byte only when
        // it ends sooner.
        if k.get(..shared) == Some(&first[..shared]) {
            continue;
        }
        shared = first[..shared]
            .iter()
            .zip(k)
            .take_while(|(a, b)| a == b)
            .count();
        if shared == 0 {
            break;
        }
    }
    shared
}

fn key_of<'a>(arena: &'a [u8], e: &Entry) -> &'a [u8] {
    let start = e.start as usize;
    arena.get(start..start + e.len as usize).unwrap_or_default()
}

/// How many bytes of a key an entry holds inline: after the start all keys share, about a
/// word and a number of a name (`sort_200k`: median 280 ms with 16, 305-320 ms with 8, on a
/// busy machine; few ties at the head go to the arena). 12 keep an entry at 24 bytes.
const HEAD: usize = 12;

/// The [`HEAD`] bytes of `e`'s key after the `shared` prefix, zero-padded.
fn head(arena: &[u8], shared: usize, e: &Entry) -> [u32; 3] {
    let key = key_of(arena, e);
    let mut bytes = [0u8; HEAD];
    let after = key.get(shared..).unwrap_or_default();
    let n = after.len().min(HEAD);
    bytes[..n].copy_from_slice(&after[..n]);
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    [word(0), word(4), word(8)]
}

/// Two entries by key (`a`'s in the keys `ka`, `b`'s in `kb`), then by index. Heads equal, the rest of the keys decide; both keys
/// ending within the head (zero-padded), the shorter is the start of the longer and first.
fn cmp_entries(ka: &[u8], shared: usize, a: &Entry, kb: &[u8], b: &Entry) -> Ordering {
    a.head
        .cmp(&b.head)
        .then_with(|| {
            let rest = |k, e: &Entry| key_of(k, e).get(shared + HEAD..).unwrap_or_default();
            rest(ka, a).cmp(rest(kb, b))
        })
        .then(a.len.cmp(&b.len))
        .then(a.index.cmp(&b.index))
}

/// Puts `items` in the order `sorted` gives (`sorted[k]` is the index of the item that goes
/// to place `k`), in place.
fn permute<T>(items: &mut [T], sorted: Vec<usize>) {
    let mut dest = vec![0; sorted.len()];
    for (place, &from) in sorted.iter().enumerate() {
        dest[from] = place;
    }
    for i in 0..items.len() {
        while dest[i] != i {
            let d = dest[i];
            items.swap(i, d);
            dest.swap(i, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Period;

    /// What is freed aside is dropped, once, and the caller does not wait for it.
    #[test]
    fn freed_aside_drops_its_value() {
        struct Told(std::sync::mpsc::Sender<()>);
        impl Drop for Told {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        freed_aside(vec![Told(tx)]);
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .expect("dropped");
        // Once, and whole: its sender is gone with it.
        assert!(rx.recv().is_err());
    }

    /// Every item is done once, by one thread or another, however the batches fall: fewer
    /// items than threads, a last batch cut short, one batch for all.
    #[test]
    fn claimed_items_are_each_done_once() {
        for (items, batch, threads) in [(0, 4, 2), (1, 4, 3), (1_000, 7, 3), (10, 100, 2)] {
            let done = claimed(items, batch, threads, |some, mine: &mut Vec<usize>| {
                mine.extend(some);
            });
            assert_eq!(done.len(), threads);
            let mut all: Vec<usize> = done.into_iter().flatten().collect();
            all.sort_unstable();
            assert_eq!(all, (0..items).collect::<Vec<_>>(), "{items} in {batch}s");
        }
    }

    /// Sorted in parts on threads and merged, or on one core when they are few: the order
    /// `sort_unstable` gives, with runs, repeats and a part shorter than the rest.
    #[test]
    fn sorted_on_cores_as_on_one() {
        for n in [0, 5, PARALLEL_SORT_FROM - 1, PARALLEL_SORT_FROM * 3 + 7] {
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
            let items: Vec<(u64, u32)> = (0..n as u32)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let value = if i % 3 == 0 {
                        u64::from(i / 1000)
                    } else {
                        x % 5000
                    };
                    (value, i)
                })
                .collect();
            let mut want = items.clone();
            want.sort_unstable();
            let mut got = items;
            sort_on_cores(&mut got);
            assert_eq!(got, want, "{n} items");
        }
    }

    struct Reverse;
    impl TextOrder for Reverse {
        fn cmp_text(&self, a: &str, b: &str) -> Ordering {
            b.cmp(a)
        }
    }

    #[test]
    fn text_follows_the_order_and_periods_follow_time() {
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(cmp_values(&CodePoints, &t("A"), &t("B")), Ordering::Less);
        assert_eq!(cmp_values(&Reverse, &t("A"), &t("B")), Ordering::Greater);
        let (m9, m10) = (
            Value::Period(Period::Month(2024, 9)),
            Value::Period(Period::Month(2024, 10)),
        );
        assert_eq!(cmp_values(&Reverse, &m9, &m10), Ordering::Less);
        assert_eq!(
            cmp_labels(&CodePoints, &[t("A"), m10.clone()], &[t("A"), m9.clone()]),
            Ordering::Greater
        );
    }

    /// Code point order with keys full of zero bytes (four per character), to hold the
    /// escaping of [`label_key`] to its word.
    struct Wide;
    impl TextOrder for Wide {
        fn cmp_text(&self, a: &str, b: &str) -> Ordering {
            a.cmp(b)
        }
        fn has_keys(&self) -> bool {
            true
        }
        fn write_key(&self, text: &str, key: &mut Vec<u8>) {
            for c in text.chars() {
                key.extend_from_slice(&(c as u32).to_be_bytes());
            }
        }
    }

    #[test]
    fn label_keys_compare_as_labels_do() {
        let t = |s: &str| Value::Text(s.into());
        let a = |s: &str| Value::Area(s.into());
        let p = Value::Period;
        let labels: Vec<Vec<Value>> = vec![
            vec![t(""), p(Period::Year(2024))],
            vec![t("a"), p(Period::Year(2024))],
            vec![t("a"), p(Period::Year(1999))],
            vec![t("a"), p(Period::Quarter(2024, 1))],
            vec![t("a"), p(Period::Month(2023, 12))],
            vec![t("a"), t("x")],
            vec![t("ab"), p(Period::Year(2024))],
            vec![t("a\u{0}"), p(Period::Year(2024))],
            vec![t("a\u{100}"), p(Period::Year(2024))],
            vec![a("Liên Hòa"), t("")],
            vec![a("Liên Hòa/Thôn 1"), t("")],
            vec![a("Liên Hòa 2"), t("")],
            vec![t("Đ"), t("b")],
        ];
        for x in &labels {
            for y in &labels {
                assert_eq!(
                    label_key(&Wide, x).cmp(&label_key(&Wide, y)),
                    cmp_labels(&Wide, x, y),
                    "{x:?} {y:?}"
                );
            }
        }
        let mut keyed = labels.clone();
        sort_by_label(&Wide, &mut keyed, |l| l.as_slice());
        let mut paired = labels.clone();
        paired.sort_by(|x, y| cmp_labels(&CodePoints, x, y));
        assert_eq!(keyed, paired);
    }

    fn write_text(t: &String, _: KeyKind, key: &mut Vec<u8>) -> bool {
        key.extend_from_slice(t.as_bytes());
        true
    }

    #[test]
    fn many_items_sort_in_parallel_parts_as_in_one() {
        // Pseudo-random texts, many of them equal (which keep their first order).
        let mut x: u64 = 1;
        let texts: Vec<String> = (0..3 * PARALLEL_FROM + 7)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("{}", (x >> 40) % 5000)
            })
            .collect();
        let mut keyed: Vec<(String, usize)> = texts.iter().cloned().zip(0..).collect();
        let write = |(t, _): &(String, usize), _, key: &mut Vec<u8>| {
            key.extend_from_slice(t.as_bytes());
            true
        };
        let sorted = sorted_by_key(&keyed, write);
        // Parts of a few kilobytes of keys each: dozens of runs, merged alike.
        let whole = sorted_keys(&keyed, write);
        assert_eq!(sorted_keys_within(&keyed, write, 20_000), whole);
        assert_eq!(
            sorted_keys_within(&texts[..50], write_text, 10),
            sorted_keys(&texts[..50], write_text)
        );
        permute(&mut keyed, sorted);
        let mut want: Vec<(String, usize)> = texts.into_iter().zip(0..).collect();
        want.sort();
        assert_eq!(keyed, want);
        let mut few = vec!["b".to_string(), "a".to_string(), "c".to_string()];
        sort_texts(&Wide, &mut few);
        assert_eq!(few, ["a", "b", "c"]);
    }

    /// Code point order of the lower case: `A` and `a` tie.
    struct Caseless;
    impl TextOrder for Caseless {
        fn cmp_text(&self, a: &str, b: &str) -> Ordering {
            a.to_lowercase().cmp(&b.to_lowercase())
        }
        fn has_keys(&self) -> bool {
            true
        }
        fn write_key(&self, text: &str, key: &mut Vec<u8>) {
            key.extend_from_slice(text.to_lowercase().as_bytes());
        }
    }

    /// Ranks made from keys sorted in parts on every core are those of one plain sort: the same
    /// rank for texts alike in the order (equal texts, or a tie), a higher one after; and the
    /// tie of two different texts is told, wherever they fall among the parts.
    #[test]
    fn many_texts_are_ranked_in_parts_as_in_one_sort() {
        let mut x: u64 = 7;
        let texts: Vec<String> = (0..3 * PARALLEL_FROM + 7)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Two families with a long stretch alike: keys that differ past their heads.
                let family = if x >> 63 == 0 { "khu" } else { "thôn" };
                format!("{family} {} {}", "y".repeat(20), (x >> 40) % 9000)
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let want = |refs: &[&str]| -> Vec<u32> {
            let mut distinct: Vec<String> = refs.iter().map(|t| t.to_lowercase()).collect();
            distinct.sort();
            distinct.dedup();
            (refs.iter())
                .map(|t| distinct.binary_search(&t.to_lowercase()).unwrap_or(0) as u32)
                .collect()
        };
        for order in [&Caseless as &dyn TextOrder, &CodePoints] {
            assert_eq!(ranks_of(order, &refs, |t| *t), (want(&refs), false));
        }
        // Already in order, backwards, and three texts each met a third of the time: parts
        // sorted at once beside parts that take long, and pieces merged on each core that are
        // cut among equal keys, which still share one rank.
        let mut ordered = refs.clone();
        ordered.sort();
        let backwards: Vec<&str> = ordered.iter().rev().copied().collect();
        let n = refs.len();
        let few: Vec<&str> = (0..n).map(|i| ["khu", "thôn", "xã"][i * 3 / n]).collect();
        for texts in [&ordered, &backwards, &few] {
            assert_eq!(ranks_of(&CodePoints, texts, |t| *t), (want(texts), false));
        }
        // One text in capitals, far from its twins: a tie, with the same rank.
        let mut tied = refs.clone();
        let last = tied.len() - 1;
        let upper = tied[0].to_uppercase();
        tied[last] = &upper;
        let (ranks, ties) = ranks_of(&Caseless, &tied, |t| *t);
        assert_eq!((ranks[last], ties), (ranks[0], true));
        assert_eq!(ranks, want(&tied));
    }
}

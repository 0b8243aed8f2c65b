//! Where a row is, packed small, and the cut-off places shared between the collector and the
//! workers.

use std::sync::atomic::{AtomicU64, Ordering};

/// A file index and line packed in 8 bytes (`check` keeps one per row): 24 bits of file,
/// 40 bits of line. Orders by file, then line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place(u64);

impl Place {
    pub fn new(file_index: usize, line: u64) -> Place {
        Place(((file_index as u64) << 40) | (line & ((1 << 40) - 1)))
    }

    pub fn file_index(self) -> usize {
        (self.0 >> 40) as usize
    }

    pub fn line(self) -> u64 {
        self.0 & ((1 << 40) - 1)
    }

    /// After every row.
    pub const LAST: Place = Place(u64::MAX);
}

/// The latest places the collector still lists, shared with the workers so they do not build
/// messages that would be thrown away (a file of millions of bad rows stays in bounded memory).
#[derive(Debug)]
pub(super) struct Cutoffs {
    pub(super) problems: AtomicU64,
    pub(super) warnings: AtomicU64,
    pub(super) rejects: AtomicU64,
}

impl Default for Cutoffs {
    fn default() -> Self {
        Cutoffs {
            problems: AtomicU64::new(Place::LAST.0),
            warnings: AtomicU64::new(Place::LAST.0),
            rejects: AtomicU64::new(Place::LAST.0),
        }
    }
}

impl Cutoffs {
    pub(super) fn get(a: &AtomicU64) -> Place {
        Place(a.load(Ordering::Relaxed))
    }

    pub(super) fn lower(a: &AtomicU64, to: Option<Place>) {
        if let Some(p) = to {
            a.fetch_min(p.0, Ordering::Relaxed);
        }
    }
}

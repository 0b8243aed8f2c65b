//! The binary's allocator: the system's, but for large blocks on Linux, which are mappings of
//! their own, marked for the kernel to back with 2 MiB pages before anything is written in
//! them (transparent huge pages in `madvise` mode, the usual setting), and grown by moving
//! their pages, not by copying them.
//!
//! Large tables (the groups of a ledger of 2,000,000 distinct units, their keys, the orders
//! they are sorted in) are otherwise touched into being 4 KiB at a time: on that ledger one
//! sample in seven was in the kernel's page faults. Advising the system allocator's blocks after
//! the fact did not do: a block that grows is copied by the system allocator into pages it
//! touches before the advice can be given, and splitting its mappings with advice kept it from
//! moving them. Nothing here changes a byte the program reads; a kernel that ignores the advice
//! changes only the speed.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, and large blocks mapped on their own.
pub struct Allocator;

/// Blocks at least this large are mappings of their own: few, so one system call each costs
/// nothing beside what is written in them, and always holding a whole huge page.
const LARGE: usize = 4 << 20;

/// Whether blocks of `layout` are mappings of their own. A block's layout is the same when it
/// is freed or grown as when it was made (`GlobalAlloc`'s contract), so each call tells alike.
fn mapped(layout: &Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= LARGE && layout.align() <= large::PAGE
}

// SAFETY: blocks of `mapped` layouts are whole private mappings of at least their size, aligned
// to a page (at least their alignment), never handed out twice, and unmapped only when freed;
// every other block is `System`'s, with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if mapped(&layout) {
            return large::map(layout.size());
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, the same as `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if mapped(&layout) {
            // A new mapping reads as zeros.
            return large::map(layout.size());
        }
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if mapped(&layout) {
            // SAFETY: a block of this layout was mapped by `large::map` with this size.
            return unsafe { large::unmap(block, layout.size()) };
        }
        // SAFETY: a block of any other layout came from `System` with `layout`.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `realloc`'s contract: `new_size` is non-zero and, rounded
        // up to `layout.align()` (a valid alignment), fits an `isize`.
        let grown = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (mapped(&layout), mapped(&grown)) {
            // SAFETY: as for `dealloc`, and the caller's contract on `new_size`.
            (false, false) => unsafe { System.realloc(block, layout, new_size) },
            // SAFETY: as for `dealloc`.
            (true, true) => unsafe { large::remap(block, layout.size(), new_size) },
            _ => {
                // From one allocator to the other: copied.
                // SAFETY: `grown` is a valid layout of non-zero size.
                let moved = unsafe { self.alloc(grown) };
                if !moved.is_null() {
                    // SAFETY: both blocks are live, distinct and at least this long; the old
                    // one is freed with the layout it was made with.
                    unsafe {
                        std::ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                }
                moved
            }
        }
    }
}

#[cfg(target_os = "linux")]
mod large {
    use nix::sys::mman::{
        MRemapFlags, MapFlags, MmapAdvise, ProtFlags, madvise, mmap_anonymous, mremap, munmap,
    };
    use std::num::NonZeroUsize;
    use std::ptr::{NonNull, null_mut};

    /// The alignment of a mapping, and its length's unit.
    pub const PAGE: usize = 4096;

    /// The length of the mapping of a block of `size` bytes.
    fn length(size: usize) -> Option<NonZeroUsize> {
        NonZeroUsize::new(size.checked_next_multiple_of(PAGE)?)
    }

    /// A new mapping for a block of `size` bytes, advised; null when there is no memory.
    pub fn map(size: usize) -> *mut u8 {
        let Some(len) = length(size) else {
            return null_mut();
        };
        let (prot, flags) = (
            ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
            MapFlags::MAP_PRIVATE,
        );
        // SAFETY: a new private anonymous mapping, at an address the kernel chooses: nothing
        // that exists is touched.
        match unsafe { mmap_anonymous(None, len, prot, flags) } {
            Ok(at) => {
                advise(at, len.get());
                at.as_ptr().cast()
            }
            Err(_) => null_mut(),
        }
    }

    /// Unmaps the block of `size` bytes at `block`.
    ///
    /// # Safety
    /// `block` is a live block mapped by [`map`] or [`remap`] for `size` bytes.
    pub unsafe fn unmap(block: *mut u8, size: usize) {
        if let (Some(at), Some(len)) = (NonNull::new(block.cast()), length(size)) {
            // SAFETY: the whole mapping of a live block, per the caller's contract.
            let _ = unsafe { munmap(at, len.get()) };
        }
    }

    /// The block of `old` bytes at `block`, grown or shrunk to `new` bytes: its pages moved
    /// where need be, those added advised. Null (the block left as it was) when there is no
    /// room.
    ///
    /// # Safety
    /// As for [`unmap`], with `old` bytes.
    pub unsafe fn remap(block: *mut u8, old: usize, new: usize) -> *mut u8 {
        let (Some(at), Some(from), Some(to)) =
            (NonNull::new(block.cast()), length(old), length(new))
        else {
            return null_mut();
        };
        // SAFETY: the whole mapping of a live block, per the caller's contract; on failure the
        // kernel leaves it as it was.
        match unsafe { mremap(at, from.get(), to.get(), MRemapFlags::MREMAP_MAYMOVE, None) } {
            Ok(moved) => {
                advise(moved, to.get());
                moved.as_ptr().cast()
            }
            Err(_) => null_mut(),
        }
    }

    /// Asks the kernel to back the mapping of `len` bytes at `at` with huge pages. An error (a
    /// kernel without them) is ignored: the advice is only about speed.
    fn advise(at: NonNull<std::ffi::c_void>, len: usize) {
        // SAFETY: a mapping of ours; MADV_HUGEPAGE changes how its pages are backed, never what
        // they hold.
        let _ = unsafe { madvise(at, len, MmapAdvise::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
mod large {
    //! No block is mapped on its own ([`super::mapped`]): these are never called.
    pub const PAGE: usize = 4096;

    pub fn map(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }

    pub unsafe fn unmap(_block: *mut u8, _size: usize) {}

    pub unsafe fn remap(_block: *mut u8, _old: usize, _new: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks either side of [`LARGE`] keep what is written in them however they are grown
    /// or shrunk, across the threshold or not, and a zeroed one reads as zeros.
    #[test]
    fn blocks_keep_their_bytes_across_every_way_of_growing() {
        let sizes = [1, 4096, LARGE - 1, LARGE, LARGE + 12_345, 3 * LARGE];
        for &size in &sizes {
            for &to in &sizes {
                let layout = Layout::from_size_align(size, 16).unwrap_or_else(|e| panic!("{e}"));
                // SAFETY: non-zero sizes; each block is written within its size and freed once
                // with the layout it has then.
                unsafe {
                    let block = Allocator.alloc_zeroed(layout);
                    assert!(!block.is_null());
                    assert!((0..size).step_by(4093).all(|i| *block.add(i) == 0));
                    for i in (0..size).step_by(4093) {
                        *block.add(i) = (i % 251) as u8;
                    }
                    let moved = Allocator.realloc(block, layout, to);
                    assert!(!moved.is_null());
                    let kept = size.min(to);
                    for i in (0..kept).step_by(4093) {
                        assert_eq!(*moved.add(i), (i % 251) as u8, "{size} -> {to} at {i}");
                    }
                    *moved.add(to - 1) = 9;
                    Allocator.dealloc(moved, Layout::from_size_align_unchecked(to, 16));
                }
            }
        }
    }

    #[test]
    fn only_large_blocks_of_a_page_alignment_are_mapped() {
        let at = |size, align| Layout::from_size_align(size, align).map(|l| mapped(&l));
        assert_eq!(at(LARGE - 1, 8), Ok(false));
        assert_eq!(at(LARGE, 8), Ok(cfg!(target_os = "linux")));
        assert_eq!(at(LARGE, 4096), Ok(cfg!(target_os = "linux")));
        assert_eq!(at(LARGE, 8192), Ok(false));
    }
}

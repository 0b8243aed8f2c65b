//! What makes a file itself, whatever its name: the same for every spelling, symlink or hard
//! link of it. danvan needs this to refuse an output that is an input, the same ledger given
//! twice, and a file replaced while it is read.
//!
//! On Unix it is the device and inode from `stat`. On Windows it is the volume serial number and
//! the file index that `GetFileInformationByHandle` gives (what `same-file` and Git for Windows
//! use): std keeps these behind an unstable API, so they are asked of the system here, in the
//! one place the two systems differ.

use std::fs::Metadata;
use std::path::Path;

/// A file's identity: (device, inode) on Unix, (volume serial number, file index) on Windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(u64, u64);

/// What a regular file looks like now: size, last write and identity. Two stamps differ when the
/// file was written to, cut or replaced in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: (i64, i64),
    id: FileId,
}

impl Stamp {
    /// The file's size in bytes (the report checks its hash covered all of them).
    pub fn bytes(&self) -> u64 {
        self.len
    }
}

#[cfg(unix)]
mod imp {
    use super::{FileId, Metadata, Path, Stamp};
    use std::os::unix::fs::MetadataExt;

    pub fn of_metadata(_: &Path, m: &Metadata) -> Option<FileId> {
        Some(FileId(m.dev(), m.ino()))
    }

    pub fn stamp(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        m.is_file().then(|| Stamp {
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            id: FileId(m.dev(), m.ino()),
        })
    }

    /// The file standard input reads, when it is one (`< file`).
    pub fn stdin() -> Option<FileId> {
        use std::os::fd::AsFd;
        let file = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
        let m = std::fs::File::from(file).metadata().ok()?;
        Some(FileId(m.dev(), m.ino()))
    }
}

#[cfg(windows)]
mod imp {
    use super::{FileId, Metadata, Path, Stamp};
    use std::os::windows::fs::OpenOptionsExt;
    use std::os::windows::io::{AsHandle, AsRawHandle, BorrowedHandle};
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, FILE_FLAG_BACKUP_SEMANTICS, FILE_READ_ATTRIBUTES,
        FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, GetFileInformationByHandle,
    };

    /// The system's record of an open file: identity, size and last write.
    fn information(handle: BorrowedHandle<'_>) -> Option<BY_HANDLE_FILE_INFORMATION> {
        // SAFETY: an all-zero BY_HANDLE_FILE_INFORMATION is a valid value (plain integers).
        let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
        // SAFETY: the handle is open for the whole call (borrowed), and `info` is a valid,
        // writable structure of the size the function writes.
        let ok = unsafe { GetFileInformationByHandle(handle.as_raw_handle(), &mut info) };
        (ok != 0).then_some(info)
    }

    /// Opens `path` to ask about it only: no read access, and every sharing mode, so a file
    /// that Excel holds open (and locked against writing) can still be asked about.
    fn open(path: &Path) -> Option<std::fs::File> {
        std::fs::OpenOptions::new()
            .access_mode(FILE_READ_ATTRIBUTES)
            .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)
            .ok()
    }

    fn id(info: &BY_HANDLE_FILE_INFORMATION) -> FileId {
        let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
        FileId(u64::from(info.dwVolumeSerialNumber), index)
    }

    pub fn of_metadata(path: &Path, _: &Metadata) -> Option<FileId> {
        let file = open(path)?;
        information(file.as_handle()).map(|i| id(&i))
    }

    pub fn stamp(path: &Path) -> Option<Stamp> {
        if !std::fs::metadata(path).ok()?.is_file() {
            return None;
        }
        let file = open(path)?;
        let info = information(file.as_handle())?;
        let write = &info.ftLastWriteTime;
        Some(Stamp {
            len: (u64::from(info.nFileSizeHigh) << 32) | u64::from(info.nFileSizeLow),
            modified: (
                i64::from(write.dwHighDateTime),
                i64::from(write.dwLowDateTime),
            ),
            id: id(&info),
        })
    }

    /// The file standard input reads, when it is one (`< file`); a console or a pipe has none.
    pub fn stdin() -> Option<FileId> {
        let stdin = std::io::stdin();
        let info = information(stdin.as_handle())?;
        Some(id(&info))
    }
}

/// The identity of the file at `path`, whose metadata (following symlinks) is `meta`.
pub fn of(path: &Path, meta: &Metadata) -> Option<FileId> {
    imp::of_metadata(path, meta)
}

/// The identity of the file at `path`, if it exists.
pub fn of_path(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    imp::of_metadata(path, &meta)
}

/// The identity of the file standard input was redirected from, if it was.
pub fn of_stdin() -> Option<FileId> {
    imp::stdin()
}

/// What the regular file at `path` looks like now; `None` for anything else (a FIFO has no size
/// to compare) or a file that cannot be asked about.
pub fn stamp(path: &Path) -> Option<Stamp> {
    imp::stamp(path)
}

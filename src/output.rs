//! Where results go, and the promises outputs keep.
//!
//! - **Whole or not at all.** A file is written into a temporary file in its own folder, which
//!   replaces it by a rename only once complete and flushed; an error or a signal leaves the old
//!   file as it was.
//! - **Together.** A run that writes several files (`-o` and `--rejects`) stages them all in
//!   [`Outputs`] and renames them only when every one is complete: a full disk on one leaves
//!   every old file intact.
//! - **Into what it names.** A character device (`/dev/null`, `/dev/stdout`) or a FIFO is
//!   written to directly; a symlink is followed and the file it points to is replaced in its own
//!   folder; a new file gets the mode the umask gives, a replaced file keeps its mode (and, when
//!   danvan may, its owner).
//! - **Never over an input, never over another output.** [`guard`] refuses, before anything is
//!   read, an output that is an input or another output of the run, however spelled (a hard
//!   link, a symlink, `./x`).
//!
//! On Windows the same promises hold with Windows' means: the rename is `MoveFileExW` with
//! `MOVEFILE_REPLACE_EXISTING` (tempfile's `persist`); a target another program holds open
//! (Excel) cannot be replaced, so every target is checked before any is replaced, and the
//! message says to close it; Ctrl-C, Ctrl-Break and closing the console are the signals.
//! Nothing here sets the console's code page: std writes text to a Windows console as UTF-16
//! (`WriteConsoleW`), so Vietnamese shows whatever the code page is, and a code page changed by
//! danvan would outlive the run in the clerk's console. Files and pipes get UTF-8 bytes.

use anyhow::{Context, Result, bail};
use std::fs::{self, Metadata};
use std::io::Write;
#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::identity::FileId;

/// Temporary files being written right now, removed by [`on_signal`] if the run is stopped.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The signals that stop a run: each removes any half-written temporary file, says on standard
/// error why the run stopped, and exits 130. The targets themselves are only ever replaced by a
/// rename, so they are either the old file or the new one.
///
/// The signals are blocked in every thread (this must run before any thread is started) and a
/// thread of their own waits for them, so cleaning up is ordinary code, not a signal handler.
/// SIGXFSZ (a file past the size limit, `ulimit -f`) is blocked too: the write that passed the
/// limit then fails with "File too large" and the run stops through its ordinary error path,
/// which removes the temporary file and says so (exit 2).
#[cfg(unix)]
pub fn on_signal() {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    for s in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGQUIT,
        Signal::SIGXFSZ,
    ] {
        set.add(s);
    }
    if set.thread_block().is_err() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            loop {
                let Ok(signal) = set.wait() else { return };
                let why = match signal {
                    Signal::SIGINT => "interrupted (Ctrl-C)",
                    Signal::SIGTERM => "stopped by SIGTERM",
                    Signal::SIGHUP => "stopped: the terminal closed (SIGHUP)",
                    Signal::SIGQUIT => "stopped by SIGQUIT",
                    // Left to the write that passed the limit, which fails and says so.
                    _ => continue,
                };
                stop(why);
            }
        });
    if spawned.is_err() {
        // Without the thread the signals must not stay blocked: the run could not be stopped.
        let _ = set.thread_unblock();
    }
}

/// The console events that stop a run on Windows (Ctrl-C, Ctrl-Break, the window closed, logoff
/// or shutdown): each removes any half-written temporary file, says why the run stopped, and
/// exits 130, as the signals do on Unix.
///
/// Windows calls the handler on a thread of its own, so cleaning up there is ordinary code, as
/// with the signal thread on Unix. Temporary files are open with delete sharing (tempfile opens
/// them so), so they can be removed while the main thread still writes into one.
#[cfg(windows)]
pub fn on_signal() {
    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
        SetConsoleCtrlHandler,
    };
    unsafe extern "system" fn handler(event: u32) -> windows_sys::core::BOOL {
        let why = match event {
            CTRL_C_EVENT => "interrupted (Ctrl-C)",
            CTRL_BREAK_EVENT => "interrupted (Ctrl-Break)",
            CTRL_CLOSE_EVENT => "stopped: the console window closed",
            CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => "stopped: Windows is signing out",
            // Not ours to handle: the next handler (or the default, ending the process) runs.
            _ => return 0,
        };
        stop(why)
    }
    // SAFETY: `handler` is a plain function that lives as long as the program and has the
    // signature the system calls (PHANDLER_ROUTINE); adding a handler has no other effect. If
    // it fails the run simply keeps the default handling (ending without cleaning up).
    unsafe {
        SetConsoleCtrlHandler(Some(handler), 1);
    }
}

/// Removes the temporary files, says why the run stopped, and exits 130.
fn stop(why: &str) -> ! {
    remove_live();
    say_in(
        Tone::Error,
        &format!("danvan: {why}; no output file was changed"),
    );
    std::process::exit(130);
}

fn remove_live() {
    if let Ok(live) = LIVE.lock() {
        for path in live.iter() {
            let _ = fs::remove_file(path);
        }
    }
}

fn track(path: &Path, live: bool) {
    if let Ok(mut list) = LIVE.lock() {
        if live {
            list.push(path.to_path_buf());
        } else {
            list.retain(|p| p != path);
        }
    }
}

/// What an output path is, once symlinks are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Nothing there yet: a new file, created at `at` (a dangling symlink's target).
    New { at: PathBuf },
    /// A regular file, replaced at `at` (the end of any symlink chain).
    Replace { at: PathBuf },
    /// A character device, a FIFO or a socket, or a descriptor the caller opened
    /// (`/proc/self/fd/N`): written to directly.
    Direct,
    /// Standard output by another name (`/dev/stdout`, `/dev/fd/1`): written through the
    /// descriptor the caller gave, so `>>` appends and a pipe stays a pipe.
    Stdout,
}

/// How many symlinks are followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// Where `path` ends after following symlinks, and whether the chain went through an open
/// descriptor (`/dev/stdout` → `/proc/self/fd/1`), which must be written to, not replaced.
fn follow(path: &Path) -> Result<(PathBuf, bool)> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let is_descriptor =
            at.starts_with("/proc") && at.parent().is_some_and(|p| p.ends_with("fd"));
        if is_descriptor || at.starts_with("/dev/fd") {
            return Ok((at, true));
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&at)
                    .with_context(|| format!("{}: cannot follow the link", path.display()))?;
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok((at, false)),
        }
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// What writing `path` means, or why danvan will not write it.
fn kind(path: &Path) -> Result<Kind> {
    let shown = path.display();
    // `out/`, and on Windows `out\` too: a folder, never a file name.
    if path
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
    {
        bail!("{shown}: names a folder; give the file to write, such as {shown}summary.csv");
    }
    let (at, descriptor) = follow(path)?;
    if descriptor && at.file_name().is_some_and(|n| n == "1") {
        return Ok(Kind::Stdout);
    }
    match fs::metadata(path) {
        Err(_) if !descriptor => Ok(Kind::New { at }),
        Err(e) => Err(e).with_context(|| format!("{shown}: cannot write")),
        Ok(m) if m.is_dir() => {
            bail!(
                "{shown}: is a folder; give the file to write, such as {}",
                path.join("summary.csv").display()
            )
        }
        Ok(m) if is_block_device(&m) => {
            bail!("{shown}: is a disk device; danvan writes reports to files")
        }
        Ok(m) if m.is_file() && !descriptor => Ok(Kind::Replace { at }),
        Ok(_) => Ok(Kind::Direct),
    }
}

/// A disk, which danvan refuses to write a report into.
#[cfg(unix)]
fn is_block_device(m: &Metadata) -> bool {
    m.file_type().is_block_device()
}

/// Windows has no disk devices among file paths (`\\.\PhysicalDrive0` has no metadata).
#[cfg(windows)]
fn is_block_device(_: &Metadata) -> bool {
    false
}

/// A character device (`/dev/null`), which any number of outputs may share.
#[cfg(unix)]
fn is_char_device(m: &Metadata) -> bool {
    m.file_type().is_char_device()
}

/// On Windows a device (`NUL`) has no file identity, so it never matches another file.
#[cfg(windows)]
fn is_char_device(_: &Metadata) -> bool {
    false
}

/// The identity of an existing file: the same for every spelling and every hard link.
fn identity(path: &Path, m: &Metadata) -> Option<FileId> {
    crate::identity::of(path, m)
}

/// The identity of an input, unless it is a character device (`/dev/null` given as an input
/// destroys nothing when written). `/dev/stdin` is standard input: on Unix the path leads to the
/// file it was redirected from; Windows has no such path, so the system is asked.
fn input_identity(input: &Path) -> Option<FileId> {
    if cfg!(windows) && input == Path::new("/dev/stdin") {
        return crate::identity::of_stdin();
    }
    let m = fs::metadata(input).ok()?;
    if is_char_device(&m) {
        return None;
    }
    identity(input, &m)
}

/// Refuses, before anything is read, an output that is one of the inputs or the same file as
/// another output (same device and inode, so any spelling, symlink or hard link), or that
/// names a folder. Two outputs into one character device (`/dev/null`) destroy nothing and are
/// allowed.
pub fn guard(outputs: &[(&str, &Path)], inputs: &[PathBuf]) -> Result<()> {
    // Each output seen so far: flag, path as given, identity if it exists, where it would be.
    type Seen<'a> = (&'a str, &'a Path, Option<FileId>, PathBuf);
    let mut seen: Vec<Seen> = Vec::new();
    for &(flag, path) in outputs {
        kind(path)?;
        let meta = fs::metadata(path).ok();
        let id = meta.as_ref().and_then(|m| identity(path, m));
        for input in inputs {
            let same = id.is_some() && id == input_identity(input);
            if same {
                let input = match input.to_string_lossy() {
                    name if name == "/dev/stdin" => "standard input".into(),
                    name => name,
                };
                bail!(
                    "{}: is an input ({input}); danvan never writes over an input",
                    path.display()
                );
            }
        }
        // Files that do not exist yet are the same when they would be created at one place.
        let place = match follow(path) {
            Ok((at, _)) => absolute(&at),
            Err(_) => absolute(path),
        };
        let device = meta.as_ref().is_some_and(is_char_device);
        for (other_flag, other, other_id, other_place) in &seen {
            let same = match (id, other_id) {
                (Some(a), Some(b)) => a == *b && !device,
                (None, None) => place == *other_place,
                _ => false,
            };
            if same {
                bail!(
                    "{flag} {} and {other_flag} {} are the same file; one output would destroy \
                     the other",
                    path.display(),
                    other.display()
                );
            }
        }
        seen.push((flag, path, id, place));
    }
    Ok(())
}

/// `path` with its folder made absolute and free of symlinks, when the folder exists.
fn absolute(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Where one output goes: a file or standard output.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    File(&'a Path),
    Stdout,
}

impl<'a> Target<'a> {
    /// `-o FILE` if given, else standard output.
    pub fn of(path: Option<&'a Path>) -> Target<'a> {
        path.map_or(Target::Stdout, Target::File)
    }
}

/// A file written completely into its temporary file, waiting to replace its target.
struct Staged {
    tmp: tempfile::NamedTempFile,
    at: PathBuf,
    shown: PathBuf,
}

/// The outputs of one run. Files are staged (written whole into temporary files) and replace
/// their targets together in [`Outputs::commit`]; devices, FIFOs and standard output are
/// written at once. Dropping it without committing removes every staged file, so a failure
/// anywhere leaves every old file as it was.
#[derive(Default)]
pub struct Outputs {
    staged: Vec<Staged>,
    /// Standard output was closed by its reader (`danvan … | head`): reported after commit.
    closed_pipe: Option<anyhow::Error>,
}

impl Outputs {
    pub fn new() -> Outputs {
        Outputs::default()
    }

    /// Writes one output with what `write` puts into a buffered sink.
    pub fn write(
        &mut self,
        target: Target<'_>,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let path = match target {
            Target::File(path) if kind(path)? == Kind::Stdout => {
                return self.write(Target::Stdout, write);
            }
            Target::Stdout => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let done = write(&mut out).and_then(|_| Ok(out.flush()?));
                return match done {
                    Err(e) if is_broken_pipe(&e) => {
                        self.closed_pipe = Some(e);
                        Ok(())
                    }
                    other => other,
                };
            }
            Target::File(path) => path,
        };
        match kind(path)? {
            Kind::Direct | Kind::Stdout => write_direct(path, write),
            Kind::New { at } => self.stage(path, at, None, write),
            Kind::Replace { at } => {
                let old = fs::metadata(&at).ok();
                self.stage(path, at, old, write)
            }
        }
    }

    fn stage(
        &mut self,
        shown: &Path,
        at: PathBuf,
        old: Option<Metadata>,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let cannot_write = || format!("{}: cannot write", shown.display());
        let dir = match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = temp_builder()
            .tempfile_in(&dir)
            .map_err(strip_path)
            .with_context(|| {
                format!(
                    "{}: cannot create a file in {}",
                    shown.display(),
                    dir.display()
                )
            })?;
        track(tmp.path(), true);
        let tmp_path = tmp.path().to_path_buf();
        let mut sink = std::io::BufWriter::new(tmp);
        let written = write(&mut sink)
            .and_then(|_| Ok(sink.flush()?))
            .with_context(cannot_write)
            .and_then(|_| {
                let tmp = sink
                    .into_inner()
                    .map_err(|e| anyhow::Error::from(e.into_error()))
                    .with_context(cannot_write)?;
                if let Some(old) = &old {
                    keep_mode(tmp.as_file(), old).with_context(cannot_write)?;
                }
                tmp.as_file().sync_all().with_context(cannot_write)?;
                Ok(tmp)
            });
        match written {
            Ok(tmp) => {
                self.staged.push(Staged {
                    tmp,
                    at,
                    shown: shown.to_path_buf(),
                });
                Ok(())
            }
            Err(e) => {
                // The temporary file was dropped, and so removed, on the way here.
                track(&tmp_path, false);
                Err(e)
            }
        }
    }

    /// Replaces every staged file's target, now that all are complete. Then reports a closed
    /// standard output, if it was (`main` ends quietly on it).
    pub fn commit(mut self) -> Result<()> {
        // A target that cannot be replaced (open in Excel on Windows) stops the run before any
        // is, so the outputs still change together; dropping `self` removes the staged files.
        for staged in &self.staged {
            replaceable(&staged.at, &staged.shown)?;
        }
        for staged in std::mem::take(&mut self.staged) {
            let tmp_path = staged.tmp.path().to_path_buf();
            let done = staged
                .tmp
                .persist(&staged.at)
                .map_err(|e| held_open(e.error))
                .with_context(|| format!("{}: cannot write", staged.shown.display()));
            track(&tmp_path, false);
            done?;
        }
        match self.closed_pipe.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        for staged in &self.staged {
            track(staged.tmp.path(), false);
        }
    }
}

/// How temporary files are made: hidden, and on Unix with mode 0666 narrowed by the umask, as
/// for any new file.
#[cfg(unix)]
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(".danvan-")
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o666));
    builder
}

/// How temporary files are made: named like the Unix ones; they get the folder's permissions,
/// as any new file on Windows.
#[cfg(windows)]
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".danvan-").suffix(".tmp");
    builder
}

/// A replaced file keeps its mode and, when danvan may, its owner.
#[cfg(unix)]
fn keep_mode(file: &fs::File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))?;
    // Only root may give a file away; for anyone else the owner is already theirs.
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    Ok(())
}

/// On Windows the replacing file takes the folder's permissions, as a file Excel saves does; a
/// read-only target is refused when it is replaced.
#[cfg(windows)]
fn keep_mode(_: &fs::File, _: &Metadata) -> std::io::Result<()> {
    Ok(())
}

/// Why a target another program holds open (Excel locks the files it shows), or a read-only
/// one, was not replaced, and what the clerk can do about it.
#[cfg(windows)]
const HELD_OPEN: &str = "it is open in another program (Excel?) or read-only, so it cannot be \
    replaced; close it there and run again (no output file was changed)";

/// Whether `e` is Windows refusing to replace a file another program has open, or a read-only
/// one (access denied, sharing or lock violation).
#[cfg(windows)]
fn is_held_open(e: &std::io::Error) -> bool {
    use windows_sys::Win32::Foundation::{
        ERROR_ACCESS_DENIED, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION,
    };
    e.raw_os_error().is_some_and(|code| {
        [
            ERROR_ACCESS_DENIED,
            ERROR_SHARING_VIOLATION,
            ERROR_LOCK_VIOLATION,
        ]
        .contains(&(code as u32))
    })
}

/// The rename's error, said as what the clerk can do when the target is held open.
#[cfg(windows)]
fn held_open(e: std::io::Error) -> anyhow::Error {
    if is_held_open(&e) {
        anyhow::anyhow!(HELD_OPEN)
    } else {
        e.into()
    }
}

/// On Unix an open file never stops a rename over it.
#[cfg(unix)]
fn held_open(e: std::io::Error) -> anyhow::Error {
    e.into()
}

/// Whether `at` could be replaced now: on Windows, a file open in a program that does not share
/// deleting (Excel), or a read-only one, refuses to be opened for deletion. Asked before any
/// target is replaced; nothing is deleted here.
#[cfg(windows)]
fn replaceable(at: &Path, shown: &Path) -> Result<()> {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::{
        DELETE, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
    };
    if !at.is_file() {
        return Ok(());
    }
    let probe = fs::OpenOptions::new()
        .access_mode(DELETE)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .open(at);
    match probe {
        Err(e) if is_held_open(&e) => bail!("{}: cannot write: {HELD_OPEN}", shown.display()),
        _ => Ok(()),
    }
}

/// On Unix any file the folder lets danvan write into can be replaced.
#[cfg(unix)]
fn replaceable(_: &Path, _: &Path) -> Result<()> {
    Ok(())
}

/// An `io::Error` from `tempfile` names the random path it failed on; the context names the
/// folder already, so keep only the system's reason.
fn strip_path(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => std::io::Error::new(e.kind(), reason.to_string()),
        None => e,
    }
}

/// Writes straight into a device, a FIFO or an open descriptor: there is nothing to replace.
fn write_direct(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("{}: cannot open for writing", path.display()))?;
    let mut sink = std::io::BufWriter::new(file);
    write(&mut sink)
        .and_then(|_| Ok(sink.flush()?))
        .with_context(|| format!("{}: cannot write", path.display()))
}

/// Whether `err` is a closed pipe (`danvan … | head`), however deep a writer wrapped it.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            e.kind() == BrokenPipe
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe)
        } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            e.io_error_kind() == Some(BrokenPipe)
        } else {
            false
        }
    })
}

/// Writes a line to standard error, ignoring failure (there is nowhere else to say it).
pub fn say(line: &str) {
    say_in(Tone::Plain, line);
}

/// How a line on standard error stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Yellow: a warning, or a problem `--skip-invalid` left out.
    Warning,
    /// Red: an error, or a problem that stops the command.
    Error,
}

/// Writes a line to standard error in `tone`: coloured only on a terminal, and never with
/// `NO_COLOR` set (`anstream` strips the colour otherwise; `CLICOLOR_FORCE` forces it).
pub fn say_in(tone: Tone, line: &str) {
    let style = match tone {
        Tone::Plain => anstyle::Style::new(),
        Tone::Warning => anstyle::AnsiColor::Yellow.on_default(),
        Tone::Error => anstyle::AnsiColor::Red.on_default(),
    };
    let _ = writeln!(anstream::stderr().lock(), "{style}{line}{style:#}");
}

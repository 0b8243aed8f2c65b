//! What every command does the same way around reading: refusing the same input twice, loading
//! the registry, writing `--rejects`, and printing problems and the reconciliation line.

use crate::domain::Lang;
use crate::engine::{Read, Tally};
use crate::identity::{self, FileId};
use crate::ledger::aliases::{Aliases, read_aliases};
use crate::ledger::registry::{Registry, read_registry};
use crate::ledger::source::Source;
use crate::output::{Outputs, Target, Tone, guard, say_in};
use crate::present::Scale;
use crate::problem::{Failure, Input, Kind, Message, Problem, Sameness, Severity, skipped_mark};
use crate::render::Format;
use crate::request::ReadRequest;
use anyhow::Result;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Problems (or warnings) found in one file.
type Problems = Vec<Problem>;

/// How many problems a refusing command prints before it just counts the rest.
pub const SHOWN_PROBLEMS: usize = 20;

impl ReadRequest {
    /// Paths of every input, to keep outputs off them; standard input as `/dev/stdin`, so an
    /// output that is the file it was redirected from is refused too.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.sources
            .iter()
            .map(|s| {
                s.path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("/dev/stdin"))
            })
            .chain(self.models.clone())
            .chain(self.aliases.clone())
            .collect()
    }

    /// Refuses, before anything is read, an output that is an input or another output:
    /// `outputs` are (flag, path) pairs, those not given being `None`.
    pub fn guard(&self, outputs: &[(&str, Option<&Path>)]) -> Result<()> {
        let given: Vec<(&str, &Path)> = outputs
            .iter()
            .filter_map(|&(flag, path)| path.map(|p| (flag, p)))
            .collect();
        guard(&given, &self.input_paths())
    }

    /// The aliases of `--aliases` (none when not given).
    pub fn aliases(&self) -> Result<Arc<Aliases>> {
        Ok(Arc::new(match &self.aliases {
            Some(path) => read_aliases(&Source::from_arg(&path.to_string_lossy()), &self.options)?,
            None => Aliases::default(),
        }))
    }

    /// The registry (under current names), its problems and its warnings, when `--models` was
    /// given.
    pub fn registry(
        &self,
        aliases: &Aliases,
    ) -> Result<(Option<Arc<Registry>>, Problems, Problems)> {
        let Some(path) = &self.models else {
            return Ok((None, Vec::new(), Vec::new()));
        };
        let source = Source::from_arg(&path.to_string_lossy());
        let before = source.stamp();
        let read = read_registry(&source, &self.options)?;
        source.unchanged_since(before)?;
        Ok((
            Some(Arc::new(read.registry.with_aliases(aliases))),
            read.problems,
            read.warnings,
        ))
    }

    /// Prints the request's notes in `lang` (unless `--quiet`).
    pub fn say_notes(&self, lang: Lang) {
        if !self.quiet {
            for note in &self.notes {
                note.say(lang);
            }
        }
    }

    /// Whether a progress bar may be shown.
    pub fn progress(&self) -> bool {
        !self.quiet
    }

    /// Prints the reconciliation line in `lang` (unless `--quiet`).
    pub fn say_tally(&self, tally: &Tally, lang: Lang) {
        if !self.quiet {
            tally.message().say(lang);
        }
    }
}

/// Refuses invalid data: prints the problems and says nothing was written, unless
/// `--skip-invalid`, when the problems are listed (unless quiet) as rows skipped. Returns whether
/// the run is refused.
pub fn refuse_invalid(
    problems: &[Problem],
    total: u64,
    skip_invalid: bool,
    quiet: bool,
    lang: Lang,
) -> bool {
    if total > 0 && !skip_invalid {
        say_problems(problems, total, false, lang);
        Message::Refused { problems: total }.say(lang);
        return true;
    }
    if !quiet {
        say_problems(problems, total, true, lang);
    }
    false
}

/// Prints up to [`SHOWN_PROBLEMS`] problems to standard error in `lang`, then how many more
/// there are (`total` counts those not kept in memory too); `skipped` marks them as left out
/// by `--skip-invalid`.
pub fn say_problems(problems: &[Problem], total: u64, skipped: bool, lang: Lang) {
    say_listed(&grouped(problems), total, skipped, false, lang);
}

/// Prints up to [`SHOWN_PROBLEMS`] warnings (one for what holds alike for several files), then
/// how many more there are (`total` counts every file's and those not kept in memory).
pub fn say_warnings(warnings: &[Problem], total: u64, lang: Lang) {
    say_listed(&grouped(warnings), total, false, true, lang);
}

fn say_listed(
    listed: &[(&Problem, Vec<Arc<str>>)],
    total: u64,
    skipped: bool,
    warnings: bool,
    lang: Lang,
) {
    let mark = if skipped { skipped_mark(lang) } else { "" };
    let tone = |p: &Problem| match p.severity {
        Severity::Error if !skipped => Tone::Error,
        _ => Tone::Warning,
    };
    let mut said = 0u64;
    for (p, also) in listed.iter().take(SHOWN_PROBLEMS) {
        say_in(tone(p), &[mark, &with_files(p, also, lang)].concat());
        said += 1 + also.len() as u64;
    }
    if total > said {
        let more = Message::MoreProblems {
            more: total - said,
            warnings,
        };
        let last = listed.last().map_or(Tone::Plain, |(p, _)| tone(p));
        say_in(last, &[mark, &more.text(lang)].concat());
    }
}

/// A problem as listed in `lang`, with the other files it holds for.
pub fn with_files(p: &Problem, also: &[Arc<str>], lang: Lang) -> String {
    let mut out = String::new();
    push_with_files(p, also, lang, &mut out);
    out
}

/// [`with_files`], appended to `out`: `check` lists every warning into one text.
pub fn push_with_files(p: &Problem, also: &[Arc<str>], lang: Lang, out: &mut String) {
    p.push_text(lang, out);
    if !also.is_empty() {
        let files = also.to_vec();
        out.push_str(&Message::AlsoIn { files }.text(lang));
    }
}

/// Warnings about a whole file (its header, line 1 or none) that are alike but for the file
/// (`columns not recognised, ignored: "Mô tả"` in each of 21 parts of one bank statement) as
/// one: the first, with the other files it holds for. Errors and row warnings are kept as they
/// are.
pub fn grouped<'a>(
    problems: impl IntoIterator<Item = &'a Problem>,
) -> Vec<(&'a Problem, Vec<Arc<str>>)> {
    let mut out: Vec<(&Problem, Vec<Arc<str>>)> = Vec::new();
    // Where the file-level ones are in `out`, to compare with those only.
    let mut whole_file: Vec<usize> = Vec::new();
    for p in problems {
        if p.line <= 1 && p.severity == Severity::Warning {
            let alike = whole_file.iter().copied().find(|&i| {
                let q = &out[i].0;
                q.file != p.file
                    && (q.line, &q.column, q.severity, &q.kind)
                        == (p.line, &p.column, p.severity, &p.kind)
            });
            if let Some(i) = alike {
                if !out[i].1.contains(&p.file) {
                    out[i].1.push(p.file.clone());
                }
                continue;
            }
            whole_file.push(out.len());
        }
        out.push((p, Vec::new()));
    }
    out
}

/// Stages `--rejects` among the run's `outputs` (written whole, replaced with the others), and
/// says when it could not hold every row.
pub fn write_rejects(
    outputs: &mut Outputs,
    path: &Path,
    read: &Read,
    raw: bool,
    lang: Lang,
) -> Result<()> {
    outputs.write(Target::File(path), |out| {
        crate::render::rejects::write(&read.files, &read.rejects, raw, lang, out)
    })?;
    if read.rejects_unlisted > 0 {
        let capped = Message::RejectsCapped {
            file: path.display().to_string(),
            kept: read.rejects.len(),
            more: read.rejects_unlisted,
        };
        capped.say(lang);
    }
    Ok(())
}

/// An input that repeats an earlier one: indexes into the inputs, and how they are one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SameInputs {
    pub later: usize,
    pub earlier: usize,
    pub same: Sameness,
}

/// Every input that repeats an earlier one, and unless `allow` (`--allow-duplicates`) the
/// refusal of the first such: adding a file twice counts it twice, the mistake a total must not
/// hide. `input` says what the files are, for the message.
pub fn same_inputs(sources: &[Source], allow: bool, input: Input) -> Result<Vec<SameInputs>> {
    let found = find_same(sources);
    if !allow && let Some(s) = found.first() {
        let kind = Kind::SameInput {
            first: sources[s.earlier].name.clone(),
            same: s.same,
            input,
        };
        let file = sources[s.later].name.to_string();
        return Err(Failure::OfFile { file, kind }.into());
    }
    Ok(found)
}

/// The same file is the same [`FileId`] (device and inode on Unix) however it is named (another spelling, a hard
/// link). Two regular files are the same content when their sizes agree, then a 128-bit hash
/// read once, then every byte (so a hash collision can never refuse two different files).
/// Files with no rows (empty, or a header alone) are not compared by content: two blank
/// templates add nothing up twice. Standard input, FIFOs and devices are never read here.
fn find_same(sources: &[Source]) -> Vec<SameInputs> {
    let mut found: Vec<SameInputs> = Vec::new();
    let meta: Vec<Option<std::fs::Metadata>> = sources
        .iter()
        .map(|s| s.path.as_ref().and_then(|p| std::fs::metadata(p).ok()))
        .collect();
    let ids: Vec<Option<FileId>> = sources
        .iter()
        .zip(&meta)
        .map(|(s, m)| identity::of(s.path.as_deref()?, m.as_ref()?))
        .collect();
    for later in 0..sources.len() {
        let Some(id) = &ids[later] else { continue };
        if let Some(earlier) = (0..later).find(|&e| ids[e].as_ref() == Some(id)) {
            found.push(SameInputs {
                later,
                earlier,
                same: Sameness::File,
            });
        }
    }
    // Content: only regular files not already known as the same file, and only where another
    // file has the very same size.
    let candidates: Vec<usize> = (0..sources.len())
        .filter(|&i| {
            meta[i].as_ref().is_some_and(|m| m.is_file() && m.len() > 0)
                && !found.iter().any(|f| f.later == i)
        })
        .collect();
    let size = |i: usize| meta[i].as_ref().map_or(0, |m| m.len());
    let mut digests: Vec<Option<(u128, bool)>> = vec![None; sources.len()];
    for (n, &later) in candidates.iter().enumerate() {
        for &earlier in &candidates[..n] {
            if size(earlier) != size(later) || found.iter().any(|f| f.later == later) {
                continue;
            }
            for i in [earlier, later] {
                if digests[i].is_none() {
                    digests[i] = sources[i].path.as_deref().and_then(digest);
                }
            }
            let (Some((a, rows_a)), Some((b, rows_b))) = (digests[earlier], digests[later]) else {
                continue;
            };
            let (Some(pa), Some(pb)) = (&sources[earlier].path, &sources[later].path) else {
                continue;
            };
            if a == b && rows_a && rows_b && same_bytes(pa, pb) {
                found.push(SameInputs {
                    later,
                    earlier,
                    same: Sameness::Content,
                });
            }
        }
    }
    found.sort_by_key(|f| f.later);
    found
}

const BLOCK: usize = 1 << 16;

/// Fills `buf` as far as the file goes: blocks are cut at the same places in every file, so
/// equal files hash equally.
fn fill(file: &mut impl std::io::Read, buf: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(n)
}

/// A 128-bit hash of the file's bytes, and whether it holds any row (a second line that is
/// not blank); `None` when it cannot be read (the reader will say why).
fn digest(path: &Path) -> Option<(u128, bool)> {
    let mut file = std::fs::File::open(path).ok()?;
    let seed = |s: u64| foldhash::quality::FixedState::with_seed(s).build_hasher();
    let (mut h1, mut h2) = (seed(0x64616e76616e), seed(0x6475706c6963));
    let mut buf = vec![0u8; BLOCK];
    let (mut lines, mut filled) = (0u8, false);
    loop {
        let n = fill(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        h1.write(&buf[..n]);
        h2.write(&buf[..n]);
        for &b in &buf[..n] {
            if lines >= 2 {
                break;
            }
            match b {
                b'\n' => {
                    lines += u8::from(filled);
                    filled = false;
                }
                b' ' | b'\t' | b'\r' | b',' | b';' | b'"' => {}
                _ => filled = true,
            }
        }
        if n < BLOCK {
            break;
        }
    }
    lines += u8::from(filled);
    Some((
        (u128::from(h1.finish()) << 64) | u128::from(h2.finish()),
        lines >= 2,
    ))
}

/// Whether two files hold the same bytes, read side by side.
fn same_bytes(a: &Path, b: &Path) -> bool {
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; BLOCK], vec![0u8; BLOCK]);
    loop {
        match (fill(&mut fa, &mut ba), fill(&mut fb, &mut bb)) {
            (Some(na), Some(nb)) if na == nb && ba[..na] == bb[..nb] => {
                if na < BLOCK {
                    return true;
                }
            }
            _ => return false,
        }
    }
}

/// With `--in`: the note that money is shown rounded, for the formats it changes, or the
/// warning that it changes nothing in the others.
pub fn say_scale(scale: Option<Scale>, format: Format, lang: Lang) {
    let Some(scale) = scale else { return };
    let message = match format {
        Format::Table | Format::Markdown | Format::Html => Message::Rounded { scale },
        Format::Csv | Format::Json | Format::Xlsx => Message::ScaleIgnored,
    };
    message.say(lang);
}

//! Puts the git commit into `danvan --version` (`danvan 0.1.0 (a1b2c3d)`) when built from a
//! checkout with git at hand; any other build (a source archive, no git) says the version alone.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let full = match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=DANVAN_VERSION={full}");
    println!("cargo:rerun-if-changed=build.rs");
    // Built again when the commit moves: HEAD, the branch it points to, packed refs. Only files
    // that exist are named (a missing one would make every build run this again).
    if let (Some(dir), Some(common)) = (
        git(&["rev-parse", "--git-dir"]),
        git(&["rev-parse", "--git-common-dir"]),
    ) {
        let mut watch = vec![
            Path::new(&dir).join("HEAD"),
            Path::new(&common).join("packed-refs"),
        ];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch.push(Path::new(&common).join(branch));
        }
        for path in watch.into_iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

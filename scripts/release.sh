#!/usr/bin/env bash
# Builds the downloads a clerk or an analyst runs without Rust:
#   dist/danvan-VERSION-x86_64-linux.tar.gz    danvan (static, musl, when that target installs;
#                                              else linked to glibc, and it says so)
#   dist/danvan-VERSION-x86_64-windows.zip     danvan.exe
# each in a folder danvan-VERSION-.../ with README.md, LICENSE and data/ (the sample, to try the
# README's commands on). VERSION is Cargo.toml's. Installs what it needs when missing: the Rust
# targets (rustup), musl-tools, gcc-mingw-w64-x86-64 and zip (apt-get, after apt-get update).
# The test-only bcryptprimitives.dll of scripts/windows.sh is never packed: Windows has the real
# one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '%s\n' "$*"; }
die() { say "release.sh: $*" >&2; exit 2; }

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ -n "$VERSION" ] || die "no version in Cargo.toml"
# The licence shipped is the project's own file; without one there is nothing to ship under.
[ -f LICENSE ] || die "no LICENSE file: add the project's licence (and Cargo.toml's license field) first"

sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
apt=()
command -v musl-gcc >/dev/null || apt+=(musl-tools)
command -v x86_64-w64-mingw32-gcc >/dev/null || apt+=(gcc-mingw-w64-x86-64)
command -v zip >/dev/null || apt+=(zip)
if [ ${#apt[@]} -gt 0 ]; then
    say "installing ${apt[*]}"
    if ! { "${sudo[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
            --no-install-recommends "${apt[@]}" >/dev/null; }; then
        say "release.sh: could not install ${apt[*]}; going on with what there is" >&2
    fi
fi
command -v x86_64-w64-mingw32-gcc >/dev/null || die "gcc-mingw-w64-x86-64 is needed for Windows"
command -v zip >/dev/null || die "zip is needed for the Windows archive"

# The Linux binary: static with musl when the target and musl-gcc are there, so it runs on any
# Linux; else the glibc build, which needs a glibc at least as new as this machine's.
LINUX_TARGET=x86_64-unknown-linux-musl
if ! rustup target list --installed | grep -qx "$LINUX_TARGET"; then
    rustup target add "$LINUX_TARGET" || true
fi
if rustup target list --installed | grep -qx "$LINUX_TARGET" && command -v musl-gcc >/dev/null; then
    linked="static (musl)"
else
    LINUX_TARGET=x86_64-unknown-linux-gnu
    linked="dynamic (glibc $(ldd --version | head -1 | awk '{print $NF}') or newer)"
fi
WINDOWS_TARGET=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$WINDOWS_TARGET" || rustup target add "$WINDOWS_TARGET"

say "building danvan $VERSION for $LINUX_TARGET and $WINDOWS_TARGET (release)"
cargo build --locked --release --quiet --target "$LINUX_TARGET"
cargo build --locked --release --quiet --target "$WINDOWS_TARGET"

mkdir -p dist
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/danvan-release.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# pack NAME BINARY: the folder NAME with the binary, the README, the licence and the sample.
pack() {
    local dir="$STAGE/$1"
    mkdir -p "$dir"
    cp "$2" "$dir/"
    cp README.md LICENSE "$dir/"
    cp -r data "$dir/data"
}

linux="danvan-$VERSION-x86_64-linux"
pack "$linux" "target/$LINUX_TARGET/release/danvan"
tar -C "$STAGE" --owner=0 --group=0 --sort=name -czf "dist/$linux.tar.gz" "$linux"

windows="danvan-$VERSION-x86_64-windows"
pack "$windows" "target/$WINDOWS_TARGET/release/danvan.exe"
rm -f "dist/$windows.zip"
(cd "$STAGE" && zip -qrX "$ROOT/dist/$windows.zip" "$windows")

say "dist/$linux.tar.gz: danvan, $linked"
say "dist/$windows.zip: danvan.exe"
for f in "dist/$linux.tar.gz" "dist/$windows.zip"; do
    say "  $(du -h "$f" | cut -f1)  $f"
done

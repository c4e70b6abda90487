#!/bin/bash
# tests/systemd/release-build.sh - build the source tree inside the Debian root of another
# release (release-prepare.sh), with that release's compiler and libraries, and install it
# into a directory that lib.sh copies into each container of the tier.
#
#   tests/systemd/release-build.sh RELEASE BUILD_DIR
#
# Works in BUILD_DIR/release-RELEASE/: src/ (a copy of what git knows of the tree, files
# keeping their times, so a second run recompiles only what changed), build/ (meson setup
# with -Dwerror=true and the default options the machine's own build has) and dest/ (meson
# install --destdir). Exits 77 with the reason when the release's root is not there; else
# with the build's status (its log printed on failure). Serialized by a lock in the directory.
set -euo pipefail
release=${1:?usage: release-build.sh RELEASE BUILD_DIR}
build_dir=${2:?usage: release-build.sh RELEASE BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=release-lib.sh
. "$here/release-lib.sh"

root=$(release_root "$release")
if [ -f "$root.unavailable" ]; then
        echo "SKIP: no $release root: $(cat "$root.unavailable")"
        exit 77
fi
if [ ! -f "$root.packages" ]; then
        echo "SKIP: no $release root in $root (tests/systemd/release-prepare.sh $release makes it; tests/deps.sh runs that)"
        exit 77
fi

out=$build_dir/release-$release
mkdir -p "$out/src"
exec 9>"$out/lock"
flock 9

# the source: tracked and new files (symlinks too, also dangling ones)
(cd "$src" && if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files -z -c -o --exclude-standard | while IFS= read -r -d '' f; do
                { [ -e "$f" ] || [ -L "$f" ]; } && printf '%s\0' "$f"
        done | tar --null -T - -cf -
else
        tar --exclude='./build*' --exclude='./obj-*' --exclude='./.git' -cf - .
fi) | tar -C "$out/src" -xf -

log=$out/build.log
if ! release_chroot "$root" "$out" sh -ec '
        [ -f build/build.ninja ] || meson setup build src -Dwerror=true
        ninja -C build
        rm -rf dest
        DESTDIR=/build/dest meson install -C build --no-rebuild --quiet' >"$log" 2>&1; then
        cat "$log"
        echo "release-build.sh: building in the $release root failed (log above, and in $log)"
        exit 1
fi
# what the compiler had to say: nothing (-Dwerror=true fails on a warning; this catches the rest)
if grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log"; then
        echo "release-build.sh: the $release build printed the diagnostics above"
        exit 1
fi
echo "release-build.sh: built and installed in the $release root with $(release_chroot "$root" "" cc --version | head -1)"

#!/usr/bin/env bash
# Builds cutaway in release mode and installs it with its man page and shell completions:
#   PREFIX/bin/cutaway
#   PREFIX/share/man/man1/cutaway.1                    (ArgumentParser's generate-manual plugin)
#   PREFIX/share/bash-completion/completions/cutaway
#   PREFIX/share/zsh/site-functions/_cutaway
#   PREFIX/share/fish/vendor_completions.d/cutaway.fish
# Usage: scripts/install.sh [PREFIX]   (default /usr/local; DESTDIR is honoured for packaging)
# The binary carries everything it needs (the lessons included), so it works from any directory.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
dest="${DESTDIR:-}${prefix}"

# --static-swift-stdlib: the Swift runtime and Foundation are linked in, so the binary runs on
# hosts without the Swift toolchain and starts faster (no dynamic loading of libFoundation).
swift build -c release --static-swift-stdlib --product cutaway
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/cutaway"

man_dir="$(mktemp -d /tmp/cutaway-man.XXXXXX)"
trap 'rm -rf "$man_dir"' EXIT
swift package --allow-writing-to-directory "$man_dir" generate-manual --output-directory "$man_dir" >/dev/null

install -d -m 0755 "$dest/bin" "$dest/share/man/man1" "$dest/share/bash-completion/completions" \
    "$dest/share/zsh/site-functions" "$dest/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$dest/bin/cutaway"
install -m 0644 "$man_dir/cutaway.1" "$dest/share/man/man1/cutaway.1"
"$bin" --generate-completion-script bash > "$man_dir/cutaway.bash"
"$bin" --generate-completion-script zsh > "$man_dir/_cutaway"
"$bin" --generate-completion-script fish > "$man_dir/cutaway.fish"
install -m 0644 "$man_dir/cutaway.bash" "$dest/share/bash-completion/completions/cutaway"
install -m 0644 "$man_dir/_cutaway" "$dest/share/zsh/site-functions/_cutaway"
install -m 0644 "$man_dir/cutaway.fish" "$dest/share/fish/vendor_completions.d/cutaway.fish"
echo "installed cutaway in $dest/bin, its man page in $dest/share/man/man1 and completions for bash, zsh and fish"

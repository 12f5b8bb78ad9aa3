#!/usr/bin/env bash
# Re-creates Tests/CutawayTests/Fixtures/snapshots/demo.json: a `cutaway snapshot --json`
# of this machine while the namespace scenario, the overlay lab and a Docker and a podman
# container exist, taken from inside the overlay lab's mount namespace (so its overlay
# mounts are the reader's). Command lines are emptied before it is saved (they can hold
# secrets). The gallery (scripts/make-gallery.sh) and the golden diagram tests draw from it.
# Needs root and the engines (scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/Tests/CutawayTests/Fixtures/snapshots/demo.json"
s1=$(mktemp -d /tmp/cutaway-fx1.XXXXXX); s2=$(mktemp -d /tmp/cutaway-fx2.XXXXXX); s3=$(mktemp -d /tmp/cutaway-fx3.XXXXXX)
cleanup() {
    "$here/overlay-scenario.sh" down "$s3" || true
    "$here/scenario.sh" down "$s2" || true
    "$here/engines.sh" down "$s1" || true
    rm -rf "$s1" "$s2" "$s3"
}
trap cleanup EXIT
(cd "$root" && swift build --product cutaway >/dev/null)
bin="$(cd "$root" && swift build --show-bin-path)/cutaway"
"$here/engines.sh" up "$s1"
"$here/scenario.sh" up "$s2"
"$here/overlay-scenario.sh" up "$s3"
. "$s3/env"
mkdir -p "$(dirname "$out")"
nsenter -t "$LAB_PID" -m -- "$bin" snapshot --json > "$out.tmp"
/usr/bin/python3 "$here/scrub-snapshot.py" "$out.tmp" "$out"
rm -f "$out.tmp"
echo "wrote $out ($(wc -c < "$out") bytes)"

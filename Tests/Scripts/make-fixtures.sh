#!/usr/bin/env bash
# Re-creates Tests/CutawayTests/Fixtures/scenario: a `cutaway capture` of this machine taken
# while scenario.sh's namespaces exist, plus the scenario's env file (pids, names) so that
# the capture-based tests know what to look for. Needs root. Command lines are not captured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/Tests/CutawayTests/Fixtures/scenario"
state=$(mktemp -d /tmp/cutaway-fixture-state.XXXXXX)
trap '"$here/scenario.sh" down "$state"; rm -rf "$state"' EXIT

(cd "$root" && swift build --product cutaway >/dev/null)
bin="$(cd "$root" && swift build --show-bin-path)/cutaway"
"$here/scenario.sh" up "$state"
rm -rf "$out"
"$bin" capture --omit-command-lines "$out"
cp "$state/env" "$out/scenario.env"
echo "wrote $out"

#!/usr/bin/env bash
# Installs the Debian packages cutaway and its tests need, only those that are missing.
# Run as root on Debian 12 (bookworm) or newer. Swift itself is not a Debian package: install
# it from swift.org first (cutaway needs Swift 6.0 or newer).
set -euo pipefail

packages=(
    util-linux   # unshare, nsenter, lsns, findmnt, setpriv: the live tests compare against lsns/findmnt
    iproute2     # ip netns: a network namespace held only by a bind mount
    procps       # pgrep, used by the test scenario
    attr         # getfattr: lesson 02 checks the opaque xattr itself
    python3      # Tests/Scripts/mapped-userns.py writes uid maps from outside (no newuidmap needed)
    graphviz     # the dot tool, to check diagrams by hand
    libgraphviz-dev  # libgvc, for rendering diagrams in-process
    pkg-config
    time         # GNU time: peak RSS in scripts/bench.sh
    docker.io podman runc busybox-static  # real engines for the container tests (started by the tests themselves)
    containerd   # standalone containerd + ctr for the containerd and pod tests (Tests/Scripts/containerd.sh)
    chromium fonts-dejavu-core            # the diagram test opens index.html headless and takes a screenshot
    strace       # the layers test checks that a plain overlay mount point is read without scanning /proc
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing ${missing[*]}; run this script as root (sudo $0)" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH; install Swift 6 from swift.org" >&2; exit 1; }
echo "install-deps: all dependencies present"

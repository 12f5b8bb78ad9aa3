#!/usr/bin/env bash
# A private standalone containerd for cutaway's containerd tests. "up" starts containerd with
# its own config, root, state and socket under /tmp/cutaway-engines-ctd.*, logging to a file
# (never to the caller's stdout/stderr), imports a two-layer OCI image built here (no network),
# and runs, in namespace k8s.io, a pod the way the CRI makes one (a sandbox container and an
# `app` container joining its net, ipc and uts namespaces, with the io.kubernetes.cri.*
# annotations) plus, in namespace default, a plain container. "down" removes all of it, stops
# the daemon by pid and unmounts whatever is left. It installs nothing (scripts/install-deps.sh).
#
#   containerd.sh up STATE_DIR        writes STATE_DIR/env
#   containerd.sh stop-daemon STATE_DIR   stops containerd only (tasks keep running)
#   containerd.sh down STATE_DIR
set -euo pipefail
cmd=${1:?usage: containerd.sh up|stop-daemon|down STATE_DIR}
state=${2:?usage: containerd.sh up|stop-daemon|down STATE_DIR}

image=docker.io/cutaway-engines/app:1
sandbox_id=cutaway-engines-sandbox-0123456789abcdef
pod_name=web-0
pod_namespace=shop

. "$(dirname "$0")/stop-by-pidfile.sh"
stop_daemon() { stop_by_pidfile "$1/containerd.pid"; }

# Starts containerd with ENG's config, logging to a file (never to inherited stdout/stderr).
start_daemon() {
    local eng=$1
    setsid containerd --config "$eng/config.toml" >>"$eng/containerd.log" 2>&1 </dev/null &
    echo $! > "$eng/containerd.pid"
    for _ in $(seq 1 120); do ctr -a "$eng/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.25; done
    ctr -a "$eng/containerd.sock" version >/dev/null 2>&1 || { echo "containerd: did not start; see $eng/containerd.log" >&2; tail -20 "$eng/containerd.log" >&2; return 1; }
}

# One blob of the OCI layout: stores FILE under blobs/sha256/<digest>, prints the digest.
blob() {
    local layout=$1 file=$2 hex
    hex=$(sha256sum "$file" | cut -d' ' -f1)
    cp "$file" "$layout/blobs/sha256/$hex"
    echo "$hex"
}

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "containerd: needs root" >&2; exit 77; }
    for tool in containerd ctr containerd-shim-runc-v2 runc busybox sha256sum; do
        command -v "$tool" >/dev/null || { echo "containerd: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 77; }
    done
    mkdir -p "$state"
    eng=$(mktemp -d /tmp/cutaway-engines-ctd.XXXXXX)
    echo "ENG=$eng" > "$state/env"
    sock=$eng/containerd.sock
    cat > "$eng/config.toml" <<TOML
# cutaway's test containerd: its own root, state and sockets; no CRI, so no CNI is needed.
version = 2
root = "$eng/root"
state = "$eng/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$eng/opt"
TOML
    {
        echo "CONFIG=$eng/config.toml"
        echo "ROOT=$eng/root"
        echo "STATE=$eng/state"
        echo "SOCK=$sock"
        echo "IMAGE=$image"
        echo "SANDBOX=$sandbox_id"
        echo "APP=cutaway-engines-app"
        echo "PLAIN=cutaway-engines-plain"
        echo "POD_NAME=$pod_name"
        echo "POD_NAMESPACE=$pod_namespace"
    } >> "$state/env"
    start_daemon "$eng"

    # The image: layer 1 a busybox-static root with /one.txt and /c/d.txt, layer 2 deletes
    # /one.txt (an OCI whiteout) and rewrites /c/d.txt.
    layout=$eng/oci
    mkdir -p "$eng/l1/bin" "$eng/l1/c" "$eng/l1/tmp" "$eng/l1/etc" "$eng/l2/c" "$layout/blobs/sha256"
    cp "$(command -v busybox)" "$eng/l1/bin/busybox"
    for c in sh sleep cat ls; do ln -sf busybox "$eng/l1/bin/$c"; done
    echo one > "$eng/l1/one.txt"
    echo "from layer 1" > "$eng/l1/c/d.txt"
    echo "from layer 2" > "$eng/l2/c/d.txt"
    : > "$eng/l2/.wh.one.txt"
    # Reproducible layers (names sorted, owner root, mtime 0): the same digests on every run.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$eng/l1" -cf "$eng/l1.tar" .
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$eng/l2" -cf "$eng/l2.tar" .
    l1=$(blob "$layout" "$eng/l1.tar"); l2=$(blob "$layout" "$eng/l2.tar")
    cat > "$eng/config.json" <<JSON
{"architecture":"$(dpkg --print-architecture 2>/dev/null || echo amd64)","os":"linux","config":{"Cmd":["sh"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$l1","sha256:$l2"]},
 "history":[{"created_by":"cutaway-engines: busybox root with /one.txt"},
            {"created_by":"cutaway-engines: a label only","empty_layer":true},
            {"created_by":"cutaway-engines: rm /one.txt; rewrite /c/d.txt"}]}
JSON
    cfg=$(blob "$layout" "$eng/config.json")
    cat > "$eng/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$cfg","size":$(stat -c %s "$eng/config.json")},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:$l1","size":$(stat -c %s "$eng/l1.tar")},
           {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:$l2","size":$(stat -c %s "$eng/l2.tar")}]}
JSON
    man=$(blob "$layout" "$eng/manifest.json")
    echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
    cat > "$layout/index.json" <<JSON
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$man",
 "size":$(stat -c %s "$eng/manifest.json"),"annotations":{"org.opencontainers.image.ref.name":"$image"}}]}
JSON
    tar -C "$layout" -cf "$eng/image.tar" .
    {
        echo "MANIFEST=sha256:$man"
        echo "CONFIG_DIGEST=sha256:$cfg"
        echo "DIFF1=sha256:$l1"
        echo "DIFF2=sha256:$l2"
    } >> "$state/env"

    c=(ctr -a "$sock")
    for ns in k8s.io default; do "${c[@]}" -n "$ns" images import "$eng/image.tar" >>"$eng/ctr.log" 2>&1; done
    cri=io.kubernetes.cri
    "${c[@]}" -n k8s.io run -d --label cutaway-engines=sandbox \
        --annotation $cri.container-type=sandbox --annotation $cri.sandbox-id=$sandbox_id \
        --annotation $cri.sandbox-name=$pod_name --annotation $cri.sandbox-namespace=$pod_namespace \
        "$image" "$sandbox_id" sleep 100000 >>"$eng/ctr.log" 2>&1 </dev/null
    spid=$("${c[@]}" -n k8s.io task ls | awk -v id="$sandbox_id" '$1 == id {print $2}')
    [ -n "$spid" ] || { echo "containerd: the sandbox did not start; see $eng/ctr.log" >&2; exit 1; }
    "${c[@]}" -n k8s.io run -d \
        --with-ns "network:/proc/$spid/ns/net" --with-ns "ipc:/proc/$spid/ns/ipc" --with-ns "uts:/proc/$spid/ns/uts" \
        --annotation $cri.container-type=container --annotation $cri.sandbox-id=$sandbox_id \
        --annotation $cri.sandbox-name=$pod_name --annotation $cri.sandbox-namespace=$pod_namespace \
        --annotation $cri.container-name=app --annotation $cri.image-name=$image \
        "$image" cutaway-engines-app sleep 100000 >>"$eng/ctr.log" 2>&1 </dev/null
    # A 12,000-byte annotation (labels are limited to 4096 bytes): its spec no longer fits one
    # bbolt page, so meta.db gets an overflow page.
    "${c[@]}" -n default run -d --annotation "cutaway-engines-big=$(head -c 12000 /dev/zero | tr '\0' x)" \
        "$image" cutaway-engines-plain sleep 100000 >>"$eng/ctr.log" 2>&1 </dev/null
    for id in cutaway-engines-app; do
        "${c[@]}" -n k8s.io task ls | awk -v id="$id" '$1 == id && $3 == "RUNNING" {found=1} END {exit !found}' \
            || { echo "containerd: $id did not start; see $eng/ctr.log" >&2; exit 1; }
    done
    "${c[@]}" -n default task ls | awk '$1 == "cutaway-engines-plain" && $3 == "RUNNING" {found=1} END {exit !found}' \
        || { echo "containerd: the plain container did not start; see $eng/ctr.log" >&2; exit 1; }
    ;;
stop-daemon)
    . "$state/env"
    stop_daemon "$ENG"
    ;;
down)
    [ -f "$state/env" ] || exit 0
    . "$state/env"
    c=(ctr -a "$SOCK")
    # Stopped by stop-daemon: start it again, so that containerd itself removes its tasks and snapshots.
    [ -f "$ENG/containerd.pid" ] || [ ! -f "$ENG/config.toml" ] || start_daemon "$ENG" || true
    if [ -f "$ENG/containerd.pid" ]; then
        for pair in k8s.io:cutaway-engines-app k8s.io:$SANDBOX default:cutaway-engines-plain; do
            ns=${pair%%:*} id=${pair#*:}
            "${c[@]}" -n "$ns" task kill -s KILL "$id" >/dev/null 2>&1 || true
            for _ in $(seq 1 50); do "${c[@]}" -n "$ns" task ls -q 2>/dev/null | grep -qx "$id" || break
                "${c[@]}" -n "$ns" task rm -f "$id" >/dev/null 2>&1 || true; sleep 0.1; done
            "${c[@]}" -n "$ns" containers rm "$id" >/dev/null 2>&1 || true
        done
        for ns in k8s.io default; do "${c[@]}" -n "$ns" images rm "$IMAGE" >/dev/null 2>&1 || true; done
        stop_daemon "$ENG"
    fi
    # Shims whose daemon is gone (a crashed run): only those started for this root, by pid.
    for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in $(pgrep -f "sleep 100000" 2>/dev/null || true); do
        grep -qs "$ENG" "/proc/$pid/mountinfo" && kill -KILL "$pid" 2>/dev/null || true
    done
    # Anything still mounted under the engine's directories: unmount, deepest first.
    { grep -F " $ENG" /proc/self/mountinfo || true; } | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    case "$ENG" in /tmp/cutaway-engines-ctd.*) rm -rf "$ENG" ;; esac
    rm -f "$state/env"
    ;;
*) echo "usage: containerd.sh up|stop-daemon|down STATE_DIR" >&2; exit 2 ;;
esac

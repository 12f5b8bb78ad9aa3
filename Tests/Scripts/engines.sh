#!/usr/bin/env bash
# Real container engines for cutaway's engine tests: starts a private dockerd (no
# networking, its own data root, logging to a file), imports a busybox-static root as a
# base image, builds an image with three RUN steps (the last deletes a file) with Docker and
# with podman, and runs one container of it with each engine. "down" removes all of it.
#
#   engines.sh up STATE_DIR     writes STATE_DIR/env
#   engines.sh down STATE_DIR
#   engines.sh stop-docker STATE_DIR   stops dockerd (its records stay on disk)
set -euo pipefail
cmd=${1:?usage: engines.sh up|down|stop-docker STATE_DIR}
state=${2:?usage: engines.sh up|down|stop-docker STATE_DIR}

. "$(dirname "$0")/stop-by-pidfile.sh"
stop_dockerd() { stop_by_pidfile "$1/docker.pid"; }

case $cmd in
up)
    [ "$(id -u)" = 0 ] || { echo "engines: needs root" >&2; exit 77; }
    for tool in dockerd docker podman runc busybox; do
        command -v "$tool" >/dev/null || { echo "engines: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 77; }
    done
    mkdir -p "$state"
    eng=$(mktemp -d /tmp/cutaway-engines.XXXXXX)
    echo "ENG=$eng" > "$state/env"
    export DOCKER_HOST="unix://$eng/docker.sock"
    echo "DOCKER_HOST=$DOCKER_HOST" >> "$state/env"
    echo "DOCKER_ROOT=$eng/docker" >> "$state/env"
    echo "PODMAN_ROOT=$eng/podman" >> "$state/env"
    setsid dockerd --data-root "$eng/docker" --exec-root "$eng/dexec" --pidfile "$eng/docker.pid" -H "$DOCKER_HOST" \
        --iptables=false --ip6tables=false --bridge=none --storage-driver=overlay2 >"$eng/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { echo "engines: dockerd did not start; see $eng/dockerd.log" >&2; tail -20 "$eng/dockerd.log" >&2; exit 1; }

    mkdir -p "$eng/rootfs/bin" "$eng/rootfs/tmp" "$eng/rootfs/etc" "$eng/ctx" "$eng/hostdir"
    cp "$(command -v busybox)" "$eng/rootfs/bin/busybox"
    for c in $("$eng/rootfs/bin/busybox" --list); do [ "$c" = busybox ] || ln -sf busybox "$eng/rootfs/bin/$c"; done
    tar -C "$eng/rootfs" -cf "$eng/busybox.tar" .
    echo host > "$eng/hostdir/h.txt"
    cat > "$eng/ctx/Dockerfile" <<'DOCKERFILE'
FROM cutaway-busybox:base
RUN mkdir -p /c && echo "from step 1" > /c/d.txt && echo one > /one.txt
RUN echo "from step 2" > /c/d.txt && echo two > /two.txt
RUN rm /one.txt
DOCKERFILE

    docker import "$eng/busybox.tar" cutaway-busybox:base >/dev/null
    docker build -q --network none -t cutaway-demo:3steps "$eng/ctx" >/dev/null 2>>"$eng/build.log"
    docker run -d --network none --name cutaway-test-docker -v "$eng/hostdir:/data" cutaway-demo:3steps sleep 100000 >/dev/null
    echo "DOCKER_CONTAINER=cutaway-test-docker" >> "$state/env"

    p=(podman --root "$eng/podman" --runroot "$eng/podman-run" --runtime runc --cgroup-manager cgroupfs --events-backend file)
    "${p[@]}" import "$eng/busybox.tar" cutaway-busybox:base >/dev/null 2>&1
    "${p[@]}" build -q --network none -t cutaway-demo:3steps "$eng/ctx" >/dev/null 2>&1
    # Explicit limits: runc on this machine refuses the rlimits podman asks for by default.
    "${p[@]}" run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
        --name cutaway-test-podman -v "$eng/hostdir:/data" cutaway-demo:3steps sleep 100000 >/dev/null
    echo "PODMAN_CONTAINER=cutaway-test-podman" >> "$state/env"
    ;;
stop-docker)
    . "$state/env"
    stop_dockerd "$ENG"
    ;;
down)
    [ -f "$state/env" ] || exit 0
    . "$state/env"
    export DOCKER_HOST
    if [ -f "$ENG/docker.pid" ]; then
        docker rm -f cutaway-test-docker >/dev/null 2>&1 || true
        docker rmi -f cutaway-demo:3steps cutaway-busybox:base >/dev/null 2>&1 || true
        stop_dockerd "$ENG"
    fi
    p=(podman --root "$ENG/podman" --runroot "$ENG/podman-run" --runtime runc --cgroup-manager cgroupfs --events-backend file)
    if [ -d "$ENG/podman" ]; then
        "${p[@]}" rm -f -a >/dev/null 2>&1 || true
        "${p[@]}" rmi -f -a >/dev/null 2>&1 || true
    fi
    # Anything still mounted under the engines' directories (a crashed daemon): unmount, deepest first.
    { grep -F " $ENG" /proc/self/mountinfo || true; } | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    case "$ENG" in /tmp/cutaway-engines.*) rm -rf "$ENG" ;; esac
    rm -f "$state/env"
    ;;
*) echo "usage: engines.sh up|down|stop-docker STATE_DIR" >&2; exit 2 ;;
esac

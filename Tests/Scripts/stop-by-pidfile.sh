# Sourced by the engine scenario scripts: stops the daemon whose pid is in FILE (SIGTERM, up to
# 20 s, then SIGKILL) and removes FILE. Only that pid is signalled.
stop_by_pidfile() {
    local pidfile=$1
    [ -f "$pidfile" ] || return 0
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

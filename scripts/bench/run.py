#!/usr/bin/env python3
"""Times cutaway against its anchor tools, alternately, in one run.

    run.py PLAN.json OUT_DIR

PLAN.json: {"runs": R, "size": {...}, "work": [{"name", "cutaway": [argv], "anchor": [argv] or null,
"anchorName", "relativeTo": name or null, "target": {"ratio": X, "rssMiB": Y}, "runs": R?}]}.
Each work item runs cutaway, then its anchor, then cutaway again, ... R times each (the
order alternates so that a noisy neighbour hurts both alike); stdout goes to /dev/null, the
wall time is measured around fork+exec+wait and the peak RSS is GNU time's %M (the
maximum resident set of that one child). A run that fails or takes longer than the timeout is killed by its pid and
reported. Prints a table of medians, ratios and peak RSS, and writes OUT_DIR/bench-TIME.json
and OUT_DIR/latest.json.
"""
import json
import os
import signal
import statistics
import sys
import time

TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))

RSS_FILE = os.path.join(os.environ.get("BENCH_STATE", "/tmp"), "cutaway-speed-rss")

def run_once(argv):
    """(seconds, peak RSS KiB, exit status) of one run of argv.

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks a small process and
    execs argv: a fork of this Python process would count Python's own pages as the child's.
    """
    wrapped = ["/usr/bin/time", "-f", "%M", "-o", RSS_FILE] + argv
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)  # its own group: a timeout kills time and the program it runs
            fd = os.open("/dev/null", os.O_RDWR)
            os.dup2(fd, 0); os.dup2(fd, 1)
            os.execv(wrapped[0], wrapped)
        finally:
            os._exit(127)
    deadline = start + TIMEOUT
    while True:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got == pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(pid, signal.SIGKILL)
            got, status, usage = os.wait4(pid, 0)
            return (float("inf"), usage.ru_maxrss, -9)
        time.sleep(0.0005)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    rss = 0
    try:
        with open(RSS_FILE) as f:
            rss = int(f.read().split()[-1])  # "Command exited with non-zero status N" may come first
    except (OSError, ValueError, IndexError):
        pass
    return (elapsed, rss, code)

def main():
    plan = json.load(open(sys.argv[1]))
    out_dir = sys.argv[2]
    default_runs = plan["runs"]
    results = []
    by_name = {}
    for item in plan["work"]:
        runs = item.get("runs") or default_runs
        mine, theirs = [], []
        failed = []
        for i in range(runs):
            order = [("cutaway", item["cutaway"], mine)]
            if item.get("anchor"):
                order.append(("anchor", item["anchor"], theirs))
            if i % 2 == 1:
                order.reverse()
            for who, argv, into in order:
                # A tool can fail on a busy host (lsns exits 1 when a namespace vanishes
                # mid-scan): up to three attempts, the failures reported.
                for attempt in range(3):
                    t, rss, code = run_once(argv)
                    if code == 0:
                        break
                    failed.append(f"{who} exit {code} (attempt {attempt + 1}): {' '.join(argv)}")
                if code == 0:
                    into.append((t, rss))
        if not mine:
            mine = [(float("nan"), 0)]
        if item.get("anchor") and not theirs:
            theirs = [(float("nan"), 0)]
        m = statistics.median(t for t, _ in mine)
        rss = max(r for _, r in mine) / 1024
        entry = {"name": item["name"], "cutaway": " ".join(item["display"]), "runs": runs,
                 "cutawaySeconds": m, "cutawayRunsSeconds": [t for t, _ in mine], "cutawayPeakRSSMiB": rss}
        if item.get("anchor"):
            a = statistics.median(t for t, _ in theirs)
            entry.update({"anchor": item["anchorName"], "anchorSeconds": a, "anchorRunsSeconds": [t for t, _ in theirs],
                          "anchorPeakRSSMiB": max(r for _, r in theirs) / 1024, "ratio": m / a if a > 0 else None})
        elif item.get("relativeTo"):
            base = by_name[item["relativeTo"]]
            entry.update({"anchor": f"cutaway: {base['name']}", "anchorSeconds": base["cutawaySeconds"],
                          "ratio": m / base["cutawaySeconds"] if base["cutawaySeconds"] > 0 else None})
        target = item.get("target") or {}
        entry["target"] = target
        met = []
        if "ratio" in target and entry.get("ratio") is not None:
            met.append(entry["ratio"] <= target["ratio"])
        if "rssMiB" in target:
            met.append(rss <= target["rssMiB"])
        entry["met"] = all(met) if met else None
        if failed:
            entry["failures"] = failed
            if any(t != t for t, _ in mine + theirs):  # NaN: no run succeeded
                entry["met"] = False
        results.append(entry)
        by_name[item["name"]] = entry
        print(f"  {item['name']}: cutaway {m:.3f} s" + (f", anchor {entry['anchorSeconds']:.3f} s" if "anchorSeconds" in entry else ""),
              file=sys.stderr, flush=True)

    def fmt_target(t):
        parts = []
        if "ratio" in t: parts.append(f"<= {t['ratio']:g}x")
        if "rssMiB" in t: parts.append(f"<= {t['rssMiB']:g} MiB")
        return ", ".join(parts) or "-"

    header = ["work", "cutaway s", "RSS MiB", "anchor", "anchor s", "anchor RSS", "ratio", "target", "met"]
    rows = []
    for e in results:
        rows.append([e["name"], f"{e['cutawaySeconds']:.3f}", f"{e['cutawayPeakRSSMiB']:.1f}", e.get("anchor", "-"),
                     f"{e['anchorSeconds']:.3f}" if "anchorSeconds" in e else "-",
                     f"{e['anchorPeakRSSMiB']:.1f}" if "anchorPeakRSSMiB" in e else "-",
                     f"{e['ratio']:.3f}x" if e.get("ratio") is not None else "-", fmt_target(e["target"]),
                     {True: "yes", False: "NO", None: "-"}[e["met"]]])
    print(f"| {' | '.join(header)} |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        print(f"| {' | '.join(r)} |")
    for e in results:
        for f in e.get("failures", []):
            print(f"failed: {e['name']}: {f}")

    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    report = {"takenAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
              "kernel": os.uname().release, "size": plan["size"], "results": results}
    def plain(v):  # NaN (no successful run) is not JSON: null
        if isinstance(v, float) and v != v:
            return None
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    report = plain(report)
    os.makedirs(out_dir, exist_ok=True)
    for name in (f"bench-{stamp}.json", "latest.json"):
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    print(f"wrote {os.path.join(out_dir, 'bench-' + stamp + '.json')}")
    # Exit 1 only when some work never ran successfully (a retried failure is reported above).
    sys.exit(1 if any(e["cutawaySeconds"] != e["cutawaySeconds"] or e.get("anchorSeconds", 0) != e.get("anchorSeconds", 0) for e in results) else 0)

main()

#!/usr/bin/env python3
"""Side-by-side timing of `config` on generated stacks: berth vs docker-compose vs podman-compose.

Usage: bench/config.py [--berth PATH] [--sizes 100,500,1000,5000]
Prints a table of median wall times and ratios (peer time / berth time). Every loop is
bounded: a fixed number of runs, and each run has a timeout; a peer that is too slow for a
size is reported as skipped rather than waited for."""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))

def median_time(cmd, cwd, runs, timeout):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        elapsed = time.perf_counter() - start
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[:400]}")
        times.append(elapsed)
    return statistics.median(times)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--berth", default=os.path.join(HERE, "..", ".build", "release", "berth"))
    ap.add_argument("--sizes", default="100,500,1000,5000")
    args = ap.parse_args()
    berth = os.path.abspath(args.berth)
    peers = {}
    if shutil.which("docker-compose"):
        peers["docker-compose"] = lambda q: ["docker-compose", "-p", "bench", "config"] + (["-q"] if q else [])
    if shutil.which("podman-compose") and shutil.which("podman"):
        peers["podman-compose"] = lambda q: ["podman-compose", "-p", "bench", "config"]
    limits = {"docker-compose": 5000, "podman-compose": 500}
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        d = tempfile.mkdtemp(prefix="berth-bench-")
        try:
            os.makedirs(os.path.join(d, "site"))
            with open(os.path.join(d, "compose.yaml"), "w") as f:
                subprocess.run([sys.executable, os.path.join(HERE, "gen_stack.py"), str(n)], stdout=f, check=True)
            for quiet in (True, False):
                label = "config -q" if quiet else "config"
                b = median_time([berth, "config", "-p", "bench"] + (["-q"] if quiet else []), d, 7, 60)
                row = [n, label, f"{b * 1000:.0f} ms"]
                for name, cmd in peers.items():
                    if (name == "podman-compose" and quiet) or n > limits[name]:
                        row.append("-")
                        continue
                    try:
                        p = median_time(cmd(quiet), d, 3 if n <= 1000 else 1, 300)
                        row.append(f"{p * 1000:.0f} ms ({p / b:.0f}x)")
                    except (RuntimeError, subprocess.TimeoutExpired) as e:
                        row.append(f"failed: {str(e)[:60]}")
                rows.append(row)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    header = ["services", "command", "berth"] + [f"{p} (ratio)" for p in peers]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for r in [header, ["-" * w for w in widths]] + rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(r, widths)))

if __name__ == "__main__":
    main()

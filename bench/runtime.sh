#!/bin/bash
# Container start-to-exit latency: berth vs crun vs runc on the same busybox rootfs, running
# /bin/true, with and without the same seccomp policy (berth's docker-equivalent default,
# resolved for docker's default capabilities). Also idle RSS and PSS (proportional set size:
# shared pages divided among the processes mapping them, the per-container cost) of
# berth-supervisor vs conmon (Debian's conmon package).
# Reports the median of the runs (the machine is shared; means are skewed by other load).
# Usage: bench/runtime.sh [runs]   (root, bash; builds nothing: run `swift build -c release` first)
# Peers, not part of scripts/install-deps: apt-get install crun runc conmon (rows are skipped
# when missing); for profiles: apt-get install linux-perf hyperfine.
set -eu
RUNS=${1:-50}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BERTH_BIN:-$HERE/.build/release}
WORK=$(mktemp -d /tmp/berth-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM PIPE
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/etc" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS/tmp"
cp /bin/busybox "$ROOTFS/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$ROOTFS/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOTFS/etc/passwd"
echo 'root:x:0:' > "$ROOTFS/etc/group"

# median milliseconds of "$@" over $RUNS runs (after one warm-up run)
measure() {
    "$@" >/dev/null 2>"$WORK/err" || { echo "failed: $* ($(cat "$WORK/err"))" >&2; return 1; }
    local times=() i t0 t1
    for ((i = 0; i < RUNS; i++)); do
        t0=${EPOCHREALTIME/./}
        "$@" >/dev/null 2>&1 || echo "run $i failed: $*" >&2
        t1=${EPOCHREALTIME/./}
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# OCI seccomp equivalent of berth's default profile for docker's 14 default capabilities.
python3 - "$HERE/Sources/BerthRuntime/Security/DefaultSeccompProfile.swift" > "$WORK/seccomp.json" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
names = re.search(r'"""(.*?)"""', src, re.S).group(1).split()
names += ["process_vm_readv", "process_vm_writev", "ptrace", "arch_prctl", "modify_ldt", "chroot"]
allow = lambda n, args=None: dict(names=n, action="SCMP_ACT_ALLOW", **({"args": args} if args else {}))
rules = [allow(names), allow(["socket"], [dict(index=0, value=40, op="SCMP_CMP_NE")])]
rules += [allow(["personality"], [dict(index=0, value=v, op="SCMP_CMP_EQ")]) for v in (0, 8, 0x20000, 0x20008, 0xffffffff)]
rules += [allow(["clone"], [dict(index=0, value=0x7E020000, valueTwo=0, op="SCMP_CMP_MASKED_EQ")])]
rules += [dict(names=["clone3"], action="SCMP_ACT_ERRNO", errnoRet=38)]
print(json.dumps(dict(defaultAction="SCMP_ACT_ERRNO", defaultErrnoRet=1, architectures=["SCMP_ARCH_X86_64"], syscalls=rules)))
PY

bundle() { # bundle DIR SECCOMP(yes|no)
    mkdir -p "$1"
    (cd "$1" && crun spec >/dev/null 2>&1 || runc spec)
    python3 - "$1/config.json" "$ROOTFS" "$2" "$WORK/seccomp.json" <<'PY'
import json, sys
path, rootfs, seccomp, profile = sys.argv[1:]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": False}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
if seccomp == "yes":
    c["linux"]["seccomp"] = json.load(open(profile))
else:
    c["linux"].pop("seccomp", None)
json.dump(c, open(path, "w"))
PY
}

export BERTH_ROOT=$WORK/berth
export BERTH_SUPERVISOR=$BIN/berth-supervisor
berth_run() { "$BIN/berth" container run --rm --rootfs "$ROOTFS" $BERTH_OPTS /bin/true; }

printf '%-34s %10s\n' "runtime ($RUNS runs, /bin/true)" "median ms"
BERTH_OPTS="--security-opt seccomp=unconfined"
printf '%-34s %10s\n' "berth, no seccomp" "$(measure berth_run)"
BERTH_OPTS=""
printf '%-34s %10s\n' "berth, default seccomp (cached)" "$(measure berth_run)"
# The CLI's own process start (Swift + Foundation + argument parsing) is part of every berth
# command; shown so the runtime's share can be read off.
printf '%-34s %10s\n' "berth CLI alone (container ps)" "$(measure "$BIN/berth" container ps)"
# Command start-up on a one-service project: parse + validate, and list (nothing running).
mkdir -p "$WORK/project"
printf 'services:\n  web:\n    image: busybox\n    command: ["sleep", "60"]\n' > "$WORK/project/compose.yaml"
printf '%-34s %10s\n' "berth config -q (1 service)" "$(cd "$WORK/project" && measure "$BIN/berth" config -q)"
printf '%-34s %10s\n' "berth ps (empty project)" "$(cd "$WORK/project" && measure "$BIN/berth" ps)"

if command -v crun >/dev/null; then
    # crun wants a pure v1 or v2 view: hide the hybrid cgroup2 mount in a private namespace.
    cat > "$WORK/crun-measure.sh" <<SH
umount /sys/fs/cgroup/unified 2>/dev/null || true
RUNS=$RUNS
WORK=$WORK
$(sed -n '/^measure()/,/^}/p' "$0")
measure crun run --bundle "\$1" berth-bench-crun
SH
    for sc in no yes; do
        bundle "$WORK/crun-$sc" $sc
        t=$(unshare -m bash "$WORK/crun-measure.sh" "$WORK/crun-$sc") || t=failed
        printf '%-34s %10s\n' "crun, seccomp=$sc" "$t"
    done
fi
if command -v runc >/dev/null; then
    for sc in no yes; do
        bundle "$WORK/runc-$sc" $sc
        t=$(measure runc run --bundle "$WORK/runc-$sc" berth-bench-runc) || t=failed
        printf '%-34s %10s\n' "runc, seccomp=$sc" "$t"
    done
fi
t=$(measure unshare -m -p -u -i -n -f /bin/true) || t=failed
printf '%-34s %10s\n' "floor: unshare+fork+exec" "$t"

# Idle RSS of the per-container monitor.
"$BIN/berth" container run -d --name berth-bench-rss --rootfs "$ROOTFS" /bin/sleep 60 >/dev/null
sup=$(grep -o '"supervisorPid":[0-9]*' "$BERTH_ROOT/containers/berth-bench-rss/state.json" | cut -d: -f2)
printf '%-34s %8s kB\n' "berth-supervisor idle VmRSS" "$(awk '/VmRSS/ { print $2 }' /proc/"$sup"/status)"
printf '%-34s %8s kB\n' "berth-supervisor idle Pss" "$(awk '/^Pss:/ { print $2 }' /proc/"$sup"/smaps_rollup)"
"$BIN/berth" container rm -f berth-bench-rss >/dev/null
if command -v conmon >/dev/null && command -v crun >/dev/null; then
    bundle "$WORK/conmon" no
    python3 -c "import json,sys; c=json.load(open(sys.argv[1])); c['process']['args']=['/bin/sleep','60']; json.dump(c,open(sys.argv[1],'w'))" "$WORK/conmon/config.json"
    unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; \
        conmon --cid berth-bench-conmon --cuuid berth-bench-conmon -r $(command -v crun) -b $WORK/conmon \
        -p $WORK/conmon/pid --conmon-pidfile $WORK/conmon/conmon.pid -l $WORK/conmon/log \
        --exit-dir $WORK/conmon --socket-dir-path $WORK/conmon --log-level error >/dev/null 2>&1; \
        i=0; while [ ! -s $WORK/conmon/conmon.pid ] && [ \$i -lt 100 ]; do i=\$((i+1)); sleep 0.05; done; \
        awk '/VmRSS/ { printf \"%-34s %8s kB\\n\", \"conmon idle VmRSS\", \$2 }' /proc/\$(cat $WORK/conmon/conmon.pid)/status; \
        awk '/^Pss:/ { printf \"%-34s %8s kB\\n\", \"conmon idle Pss\", \$2 }' /proc/\$(cat $WORK/conmon/conmon.pid)/smaps_rollup; \
        crun kill berth-bench-conmon KILL >/dev/null 2>&1; i=0; \
        while kill -0 \$(cat $WORK/conmon/conmon.pid) 2>/dev/null && [ \$i -lt 100 ]; do i=\$((i+1)); sleep 0.05; done; \
        crun delete -f berth-bench-conmon >/dev/null 2>&1" || true
fi

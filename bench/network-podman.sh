#!/bin/bash
# Published-port forwarding, berth vs podman, on one machine: wrk against busybox httpd in a
# berth container (directly on its bridge address, and through `berth up`'s published port on
# 127.0.0.1) and in a podman container (on its bridge address, and through `podman run -p
# 127.0.0.1:...`). Same static busybox, same files, same wrk settings.
#
# Needs root, wrk, podman (netavark, crun), busybox-static, a built berth
# (swift build -c release --product berth). Traffic goes only to 127.0.0.1 and to the two
# bridges this script creates (an internal podman network: no masquerade, hence also no
# DNAT for -p; the script says so instead of printing zeros); everything is
# removed on exit. podman runs inside `unshare -m` with the cgroup v1 "unified" mount
# unmounted (crun cannot use this host's hybrid layout otherwise), so the whole podman half
# runs in that one mount namespace.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-8}
BERTH_PORT=${BERTH_PORT:-18491}
PODMAN_PORT=${PODMAN_PORT:-18492}
BERTH=${BERTH:-.build/release/berth}
[ -x "$BERTH" ] || BERTH=.build/debug/berth

WORK=$(mktemp -d /tmp/berth-bench-podman.XXXXXX)
ROOT="$WORK/root"
mkdir -p "$ROOT" "$WORK/stack"
cleanup() {
    "$BERTH" down --root "$ROOT" -f "$WORK/stack/compose.yaml" -v -t 1 >/dev/null 2>&1 || true
    unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; podman rm -f berth-bench-httpd' >/dev/null 2>&1 || true
    podman network rm berthbench >/dev/null 2>&1 || true
    podman rmi localhost/berth-bench-busybox:latest >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

FILES='mkdir -p /www && head -c 1024 /dev/zero | tr "\0" a > /www/small.txt && head -c 4194304 /dev/zero > /www/large.bin'

# berth: the sample image, one service publishing 127.0.0.1:$BERTH_PORT.
BERTH_ROOT="$ROOT" scripts/build-sample-image "$BERTH" >/dev/null
cat >"$WORK/stack/compose.yaml" <<EOF
name: berthbench
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", '$FILES && exec httpd -f -p 80 -h /www']
    ports: ["127.0.0.1:$BERTH_PORT:80"]
EOF
"$BERTH" up --root "$ROOT" -f "$WORK/stack/compose.yaml" -d --wait >/dev/null
BERTH_IP=$(sed -n 's/.*"address" : "\(10\.[0-9.]*\)".*/\1/p' "$ROOT/projects/berthbench/state.json" | head -1)

# podman: the same busybox binary as an imported image, an internal network, -p on loopback.
mkdir -p "$WORK/rootfs/bin"
cp /bin/busybox "$WORK/rootfs/bin/busybox"
tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
podman import "$WORK/rootfs.tar" localhost/berth-bench-busybox:latest >/dev/null
podman network create --internal berthbench >/dev/null

run() { # label url [connections]
    local out connections=${3:-$CONNECTIONS} threads=2
    [ "$connections" -lt 2 ] && threads=1
    out=$(wrk -t"$threads" -c"$connections" -d"$DURATION" --latency "$2")
    printf '%-28s %12s req/s %12s/s  p50 %8s  p99 %8s\n' "$1" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/Transfer\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}
export -f run
export DURATION CONNECTIONS BERTH_PORT PODMAN_PORT BERTH_IP FILES

echo "wrk -t2 -c$CONNECTIONS -d$DURATION, busybox httpd, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
unshare -m bash -c '
    set -euo pipefail
    umount /sys/fs/cgroup/unified 2>/dev/null || true
    podman run -d --rm --ulimit nofile=1024:$(ulimit -Hn) --ulimit nproc=1024:1024 --name berth-bench-httpd \
        --network berthbench -p 127.0.0.1:$PODMAN_PORT:80 localhost/berth-bench-busybox:latest \
        /bin/busybox sh -c "$FILES && exec /bin/busybox httpd -f -p 80 -h /www" >/dev/null 2>&1
    PODMAN_IP=$(podman inspect berth-bench-httpd --format "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")
    published=no
    for _ in $(seq 1 40); do
        if curl -s -m 1 -o /dev/null "http://127.0.0.1:$PODMAN_PORT/small.txt"; then published=yes; break; fi
        sleep 0.05
    done
    [ "$published" = yes ] || echo "podman -p: 127.0.0.1:$PODMAN_PORT answers nothing (netavark forwards no ports into an --internal network; a non-internal one would install masquerade NAT, which this machine'"'"'s network rule forbids), so no podman -p rows"
    for size in small.txt large.bin; do
        run "$size berth direct" "http://$BERTH_IP/$size"
        run "$size berth published" "http://127.0.0.1:$BERTH_PORT/$size"
        run "$size podman direct" "http://$PODMAN_IP/$size"
        [ "$published" = yes ] && run "$size podman -p" "http://127.0.0.1:$PODMAN_PORT/$size"
    done
    run "latency -c1 berth direct" "http://$BERTH_IP/small.txt" 1
    run "latency -c1 berth published" "http://127.0.0.1:$BERTH_PORT/small.txt" 1
    run "latency -c1 podman direct" "http://$PODMAN_IP/small.txt" 1
    [ "$published" = yes ] && run "latency -c1 podman -p" "http://127.0.0.1:$PODMAN_PORT/small.txt" 1
    podman rm -f berth-bench-httpd >/dev/null 2>&1 || true
'

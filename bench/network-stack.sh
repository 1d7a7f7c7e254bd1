#!/bin/bash
# Published ports and egress of a real berth stack, side by side in one run (issue 14):
#   - wrk against a busybox httpd container on its own address (direct), through its
#     published port on 127.0.0.1 (kernel DNAT + route_localnet) and on the host's address
#     from another "host" (kernel DNAT, client address kept), and through berth's user-space
#     proxy code path (berth-network-bench proxy) for comparison;
#   - egress: wrk from inside a container to an upstream httpd, against wrk from the host.
# Everything runs in network namespaces this script makes (berth-bh-*, berth-bu-*) and
# removes; the "outside" is 192.0.2.1 on a veth the script creates. Needs root, wrk, busybox.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18490}
PROXY_PORT=${PROXY_PORT:-18491}
BERTH=$PWD/.build/release/berth
swift build -c release --product berth >/dev/null
swift build -c release --product berth-supervisor >/dev/null
swift build -c release --product berth-network-bench >/dev/null
BENCH=$PWD/.build/release/berth-network-bench

tag=$$
HOSTNS=berth-bh-$tag UPNS=berth-bu-$tag
WORK=$(mktemp -d /tmp/berth-bench-stack.XXXXXX)
ROOT=$WORK/root
B() { nsenter --net=/run/netns/$HOSTNS -- "$BERTH" "$@" --root "$ROOT"; }
UPHTTPD="" PROXY=""
cleanup() {
    (cd "$WORK/p" 2>/dev/null && B down -t 1 >/dev/null 2>&1) || true
    [ -n "$PROXY" ] && { exec 3>&-; wait "$PROXY" 2>/dev/null || true; }
    [ -n "$UPHTTPD" ] && { kill "$UPHTTPD" 2>/dev/null || true; wait "$UPHTTPD" 2>/dev/null || true; }
    ip netns del "$HOSTNS" 2>/dev/null || true
    ip netns del "$UPNS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$HOSTNS"
ip netns add "$UPNS"
ip link add "bt${tag}h" netns "$HOSTNS" type veth peer name "bt${tag}u" netns "$UPNS"
ip -n "$HOSTNS" addr add 192.0.2.2/24 dev "bt${tag}h"
ip -n "$UPNS" addr add 192.0.2.1/24 dev "bt${tag}u"
for pair in "$HOSTNS:bt${tag}h" "$UPNS:bt${tag}u"; do
    ip -n "${pair%%:*}" link set lo up
    ip -n "${pair%%:*}" link set "${pair##*:}" up
done
ip -n "$HOSTNS" route add default via 192.0.2.1

mkdir -p "$ROOT" "$WORK/p" "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'a' >"$WORK/www/small.txt"
head -c $((4 * 1024 * 1024)) /dev/zero >"$WORK/www/large.bin"
ip netns exec "$UPNS" busybox httpd -f -p 192.0.2.1:80 -h "$WORK/www" &
UPHTTPD=$!
BERTH_ROOT=$ROOT scripts/build-sample-image "$BERTH" >/dev/null
cat >"$WORK/p/compose.yaml" <<YAML
name: berthbench
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "mkdir -p /www && head -c 1024 /dev/zero | tr '\\\\0' a > /www/small.txt && head -c 4194304 /dev/zero > /www/large.bin && exec httpd -f -p 80 -h /www"]
    ports: ["0.0.0.0:$PORT:80"]
YAML
cd "$WORK/p"
BERTH_RESOLV_CONF=/dev/null B up -d --wait >/dev/null
ADDR=$(B network inspect berthbench_default --format json | tr -d ' \n' | sed 's/.*"Gateway":"\([0-9.]*\)".*/\1/' | awk -F. '{print $1"."$2"."$3"."$4+1}')
CNS=$ROOT/netns/berth-berthbench-web-1

mkfifo "$WORK/control"
nsenter --net=/run/netns/$HOSTNS -- "$BENCH" proxy "$PROXY_PORT" "$ADDR:80" <"$WORK/control" >/dev/null 2>&1 &
PROXY=$!
exec 3>"$WORK/control"
sleep 0.5

run() { # label netns url [connections]
    local out connections=${4:-$CONNECTIONS} threads=2
    [ "$connections" -lt 2 ] && threads=1
    out=$(nsenter --net="$2" -- wrk -t"$threads" -c"$connections" -d"$DURATION" --latency "$3")
    printf '%-30s %12s req/s %12s/s  p50 %8s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '/Transfer\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")"
}
H=/run/netns/$HOSTNS U=/run/netns/$UPNS
echo "wrk -t2 -c$CONNECTIONS -d$DURATION, busybox httpd in a berth container at $ADDR, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-2}"); do
    for size in small.txt large.bin; do
        run "$size direct #$round" "$H" "http://$ADDR:80/$size"
        run "$size 127.0.0.1 (kernel) #$round" "$H" "http://127.0.0.1:$PORT/$size"
        run "$size other host (kernel) #$round" "$U" "http://192.0.2.2:$PORT/$size"
        run "$size user proxy #$round" "$H" "http://127.0.0.1:$PROXY_PORT/$size"
    done
    run "latency -c1 direct #$round" "$H" "http://$ADDR:80/small.txt" 1
    run "latency -c1 127.0.0.1 #$round" "$H" "http://127.0.0.1:$PORT/small.txt" 1
    run "latency -c1 user proxy #$round" "$H" "http://127.0.0.1:$PROXY_PORT/small.txt" 1
    run "egress host #$round" "$H" "http://192.0.2.1/large.bin"
    run "egress container #$round" "$CNS" "http://192.0.2.1/large.bin"
done

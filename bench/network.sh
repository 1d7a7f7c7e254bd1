#!/bin/bash
# Port proxy and DNS numbers on loopback: wrk against busybox httpd directly and through
# berth's TCP proxy (small and large responses), then sequential DNS lookups per second.
# Needs: wrk, busybox (apt-get install -y wrk busybox). Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
# busybox httpd listens with a tiny backlog; above ~8 concurrent connections it drops SYNs and
# the 1 s SYN retransmit lands in the proxied latency (wrk does not time its own connects).
CONNECTIONS=${CONNECTIONS:-8}
DIRECT_PORT=${DIRECT_PORT:-18480}
PROXY_PORT=${PROXY_PORT:-18481}

swift build -c release --product berth-network-bench >/dev/null
BENCH=.build/release/berth-network-bench

WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
HTTPD=""
PROXY=""
cleanup() {
    [ -n "$PROXY" ] && { exec 3>&-; wait "$PROXY" 2>/dev/null || true; }
    [ -n "$HTTPD" ] && { kill "$HTTPD" 2>/dev/null || true; wait "$HTTPD" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT

head -c 1024 /dev/zero | tr '\0' 'a' >"$WORK/small.txt"
head -c $((4 * 1024 * 1024)) /dev/zero >"$WORK/large.bin"

busybox httpd -f -p "127.0.0.1:$DIRECT_PORT" -h "$WORK" &
HTTPD=$!
mkfifo "$WORK/control"
"$BENCH" proxy "$PROXY_PORT" "$DIRECT_PORT" <"$WORK/control" &
PROXY=$!
exec 3>"$WORK/control"   # the proxy runs until this is closed

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 4<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "port $1 did not open" >&2
    return 1
}
wait_for_port "$DIRECT_PORT"
wait_for_port "$PROXY_PORT"

run() { # label url [connections]
    local out connections=${3:-$CONNECTIONS} threads=2
    [ "$connections" -lt 2 ] && threads=1
    out=$(wrk -t"$threads" -c"$connections" -d"$DURATION" --latency "$2")
    local rps transfer p50 p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    transfer=$(awk '/Transfer\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-26s %12s req/s %12s/s  p50 %8s  p99 %8s\n' "$1" "$rps" "$transfer" "$p50" "$p99"
}

echo "wrk -t2 -c$CONNECTIONS -d$DURATION, busybox httpd backend, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
# Alternate direct and proxied runs so background load hits both alike.
for round in $(seq 1 "${ROUNDS:-2}"); do
    run "small direct #$round" "http://127.0.0.1:$DIRECT_PORT/small.txt"
    run "small via proxy #$round" "http://127.0.0.1:$PROXY_PORT/small.txt"
    run "4MiB direct #$round" "http://127.0.0.1:$DIRECT_PORT/large.bin"
    run "4MiB via proxy #$round" "http://127.0.0.1:$PROXY_PORT/large.bin"
    run "latency -c1 direct #$round" "http://127.0.0.1:$DIRECT_PORT/small.txt" 1
    run "latency -c1 proxy #$round" "http://127.0.0.1:$PROXY_PORT/small.txt" 1
done
"$BENCH" dns "${DNS_QUERIES:-20000}"

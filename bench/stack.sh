#!/bin/bash
# Stack lifecycle, side by side: berth vs podman-compose (podman + crun) vs docker-compose 1.29
# (a private dockerd), on generated stacks of busybox services that only sleep (no ports).
# Per size: `up -d` from nothing, a no-op `up -d`, `plan` (peers: `config`, the nearest thing),
# scaling one service 1→10, `down -v`. Then berth alone: `plan` of a 1,000-service stack
# against an empty state (target < 300 ms), the median no-op `up -d` on 50 (target < 150 ms),
# and `down -t 2` of 4 services whose PID 1 ignores SIGTERM (grace periods overlap: <= 2.5 s).
#
# Usage: bench/stack.sh [SIZE…]   (root; default sizes 10 50; BERTH_BIN=dir with berth,
# berth-supervisor; default .build/release, else .build/debug). Peers are skipped with the
# reason when their tools are missing. Everything it makes lives under one temp dir and is
# removed at the end (containers, networks, dockerd and its containerd, podman storage).
set -u
SIZES=${*:-10 50}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BERTH_BIN:-$HERE/.build/release}
[ -x "$BIN/berth" ] || BIN=$HERE/.build/debug
BERTH=$BIN/berth
WORK=$(mktemp -d /tmp/berth-bench-stack-XXXXXX)
IMAGE=berth.local/busybox:latest
DOCKER_SOCK=$WORK/docker.sock
declare -A R
PEERS=()
NOTES=()

log() { echo "[$(date -u +%T)] $*" >&2; }

cleanup() {
    trap - EXIT INT TERM
    log "cleaning up"
    for f in "$WORK"/berth-*.yaml; do
        [ -e "$f" ] && BERTH_ROOT=$WORK/berth timeout 120 "$BERTH" down -v -t 1 -f "$f" >/dev/null 2>&1
    done
    if [ -S "$DOCKER_SOCK" ]; then
        for f in "$WORK"/docker-*.yaml; do
            [ -e "$f" ] && DOCKER_HOST=unix://$DOCKER_SOCK timeout 120 docker-compose -p "dc$(basename "$f" .yaml | cut -d- -f2)" -f "$f" down -v -t 1 >/dev/null 2>&1
        done
        DOCKER_HOST=unix://$DOCKER_SOCK timeout 60 docker system prune -af --volumes >/dev/null 2>&1
    fi
    if [ -s "$WORK/dockerd.pid" ]; then
        local pid i
        pid=$(cat "$WORK/dockerd.pid")
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    fi
    [ -e "$WORK/podman-env" ] && unshare -m bash -c "umount /sys/fs/cgroup/unified 2>/dev/null; . $WORK/podman-env; \
        for f in $WORK/podman-*.yaml; do [ -e \"\$f\" ] && timeout 120 podman-compose -f \"\$f\" down -v -t 1 >/dev/null 2>&1; done; \
        timeout 60 podman rm -af -t 0 >/dev/null 2>&1; timeout 60 podman network prune -f >/dev/null 2>&1; \
        timeout 60 podman system reset -f >/dev/null 2>&1" 2>/dev/null
    # netavark leaves a network's bridge behind when its last container goes with `down`.
    # Only bridges this run made, with no ports left: others' podman networks share the names.
    for bridge in $(cat "$WORK/podman-bridges" 2>/dev/null); do
        grep -qx "$bridge" "$WORK/links-before-podman" 2>/dev/null && continue
        [ -d "/sys/class/net/$bridge/brif" ] && [ -z "$(ls "/sys/class/net/$bridge/brif")" ] &&
            ip link delete "$bridge" 2>/dev/null
    done
    # Anything still mounted below the work dir (overlay, shm of the peers' storage).
    grep -o " $WORK[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A stack of N services that sleep and stop at once on SIGTERM.
# docker-compose 1.29 predates the top-level `name:` and wants a `version:` instead.
generate() { # generate N PROJECT [docker]
    python3 - "$1" "$2" "${3:-}" <<'PY'
import sys
n, project, flavour = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print('version: "3.8"' if flavour == "docker" else f"name: {project}")
print("services:")
for i in range(n):
    print(f"  s{i}:\n    image: berth.local/busybox:latest")
    print("    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 600 & wait\"]")
PY
}

# ms TOOL SIZE OP CMD…: run once, record wall milliseconds (or "fail").
ms() {
    local key="$1,$2,$3" t0 t1
    shift 3
    t0=${EPOCHREALTIME/./}
    if timeout 600 "$@" >"$WORK/out" 2>&1; then
        t1=${EPOCHREALTIME/./}
        R[$key]=$(((t1 - t0) / 1000))
    else
        R[$key]=fail
        log "failed: $* :: $(tail -3 "$WORK/out" | tr '\n' ' ')"
    fi
}

# median ms of RUNS runs of CMD…
median() {
    local runs=$1 i t0 t1 times=()
    shift
    for ((i = 0; i < runs; i++)); do
        t0=${EPOCHREALTIME/./}
        timeout 120 "$@" >/dev/null 2>&1 || { echo fail; return; }
        t1=${EPOCHREALTIME/./}
        times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# One rootfs for every tool: berth's sample image builder's busybox, as a tar for the peers.
make_rootfs_tar() {
    local rootfs=$WORK/rootfs
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
    echo 'root:x:0:' >"$rootfs/etc/group"
    tar -C "$rootfs" -cf "$WORK/busybox.tar" .
}

run_berth() {
    export BERTH_ROOT=$WORK/berth
    mkdir -p "$BERTH_ROOT"
    "$HERE/scripts/build-sample-image" "$BERTH" >/dev/null || { log "berth sample image failed"; return 1; }
    for n in $SIZES; do
        local f=$WORK/berth-$n.yaml
        generate "$n" "bb$n" >"$f"
        log "berth $n services"
        ms berth "$n" up "$BERTH" up -d -f "$f"
        ms berth "$n" noop "$BERTH" up -d -f "$f"
        ms berth "$n" plan "$BERTH" plan -f "$f"
        ms berth "$n" scale "$BERTH" scale -f "$f" s0=10
        ms berth "$n" down "$BERTH" down -v -t 1 -f "$f"
    done
    local big=$WORK/berth-1000.yaml
    generate 1000 bb1000 >"$big"
    log "berth plan 1000 / no-op up 50"
    R[berth,1000,plan-median]=$(median 5 "$BERTH" plan -f "$big")
    local f50=$WORK/berth-50.yaml
    generate 50 bb50 >"$f50"
    "$BERTH" up -d -f "$f50" >/dev/null 2>&1
    R[berth,50,noop-median]=$(median 7 "$BERTH" up -d -f "$f50")
    "$BERTH" down -v -t 1 -f "$f50" >/dev/null 2>&1
    # Grace periods overlap: 4 services whose PID 1 (sleep) ignores SIGTERM, down -t 2.
    local stubborn=$WORK/berth-stubborn.yaml
    { echo "name: bbstubborn"; echo "services:"
      for i in 0 1 2 3; do printf '  s%s:\n    image: %s\n    command: ["sleep", "600"]\n' "$i" "$IMAGE"; done
    } >"$stubborn"
    "$BERTH" up -d -f "$stubborn" >/dev/null 2>&1
    ms berth 4 stubborn-down "$BERTH" down -t 2 -f "$stubborn"
    unset BERTH_ROOT
}

run_docker() {
    command -v dockerd >/dev/null && command -v docker-compose >/dev/null ||
        { NOTES+=("docker-compose: dockerd or docker-compose not installed (apt-get install -y docker.io docker-compose)"); return; }
    mkdir -p "$WORK/docker/data" "$WORK/docker/exec"
    # Private daemon: own data/exec roots and socket; no iptables, no default bridge, no NAT.
    dockerd --data-root "$WORK/docker/data" --exec-root "$WORK/docker/exec" -H "unix://$DOCKER_SOCK" \
        --pidfile "$WORK/dockerd.pid" --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
        --userland-proxy=false --log-level=error >"$WORK/dockerd.log" 2>&1 &
    export DOCKER_HOST=unix://$DOCKER_SOCK
    local i
    for ((i = 0; i < 300; i++)); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
    docker info >/dev/null 2>&1 || { NOTES+=("docker-compose: dockerd did not start: $(tail -2 "$WORK/dockerd.log" | tr '\n' ' ')"); unset DOCKER_HOST; return; }
    docker import -c 'CMD ["sh"]' "$WORK/busybox.tar" "$IMAGE" >/dev/null ||
        { NOTES+=("docker-compose: docker import failed"); unset DOCKER_HOST; return; }
    PEERS+=(docker)
    for n in $SIZES; do
        local f=$WORK/docker-$n.yaml
        generate "$n" "dc$n" docker >"$f"
        log "docker-compose $n services"
        ms docker "$n" up docker-compose -p "dc$n" -f "$f" up -d
        ms docker "$n" noop docker-compose -p "dc$n" -f "$f" up -d
        ms docker "$n" plan docker-compose -p "dc$n" -f "$f" config
        ms docker "$n" scale docker-compose -p "dc$n" -f "$f" up -d --no-recreate --scale s0=10
        ms docker "$n" down docker-compose -p "dc$n" -f "$f" down -v -t 1
    done
    unset DOCKER_HOST
}

run_podman() {
    command -v podman >/dev/null && command -v podman-compose >/dev/null ||
        { NOTES+=("podman-compose: podman or podman-compose not installed"); return; }
    ls /sys/class/net >"$WORK/links-before-podman"
    # Storage, run dir and network config all private to this run.
    mkdir -p "$WORK/podman/root" "$WORK/podman/run" "$WORK/podman/networks" "$WORK/podman/tmp"
    cat >"$WORK/podman/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$WORK/podman/root"
runroot = "$WORK/podman/run"
EOF
    cat >"$WORK/podman/containers.conf" <<EOF
[engine]
tmp_dir = "$WORK/podman/tmp"
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[network]
network_config_dir = "$WORK/podman/networks"
EOF
    cat >"$WORK/podman-env" <<EOF
export CONTAINERS_STORAGE_CONF=$WORK/podman/storage.conf CONTAINERS_CONF=$WORK/podman/containers.conf
EOF
    # (This sandbox refuses crun raising RLIMIT_NOFILE/NPROC to podman's defaults: explicit, low ones.)
    # crun wants a pure cgroup v1 or v2 view: the podman phase runs in its own mount
    # namespace with the hybrid cgroup2 mount hidden.
    local script=$WORK/podman.sh
    {
        echo "umount /sys/fs/cgroup/unified 2>/dev/null"
        echo ". $WORK/podman-env"
        declare -f ms generate log
        echo "declare -A R; WORK=$WORK"
        echo "podman import -c 'CMD [\"sh\"]' $WORK/busybox.tar $IMAGE >/dev/null || { echo IMPORT-FAILED; exit 1; }"
        for n in $SIZES; do
            echo "generate $n pc$n > $WORK/podman-$n.yaml; f=$WORK/podman-$n.yaml; log 'podman-compose $n services'"
            echo "ms podman $n up podman-compose -f \$f up -d"
            echo "podman network inspect pc${n}_default -f '{{.NetworkInterface}}' >> $WORK/podman-bridges 2>/dev/null"
            echo "ms podman $n noop podman-compose -f \$f up -d"
            echo "ms podman $n plan podman-compose -f \$f config"
            echo "ms podman $n scale podman-compose -f \$f up -d --scale s0=10"
            echo "ms podman $n down podman-compose -f \$f down -v -t 1"
        done
        echo 'for k in "${!R[@]}"; do echo "R[$k]=${R[$k]}"; done'
    } >"$script"
    local out
    out=$(unshare -m bash "$script")
    if echo "$out" | grep -q IMPORT-FAILED; then NOTES+=("podman-compose: podman import failed"); return; fi
    PEERS+=(podman)
    while IFS= read -r line; do
        case "$line" in R\[*\]=*) eval "$line" ;; esac
    done <<<"$out"
}

make_rootfs_tar
run_berth
run_podman
run_docker

ratio() { # ratio PEER BERTH
    case "$1$2" in *fail* | "" | *-*) echo "-" ;; *) [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }' || echo "-" ;; esac
}
echo
printf '%-22s %10s %16s %16s %10s %10s\n' "operation" "berth ms" "podman-compose" "docker-compose" "podman/b" "docker/b"
for n in $SIZES; do
    for op in up noop plan scale down; do
        case $op in
            up) label="up -d (fresh)" ;; noop) label="up -d (no-op)" ;; plan) label="plan (peers: config)" ;;
            scale) label="scale s0 1->10" ;; down) label="down -v" ;;
        esac
        b=${R[berth,$n,$op]:--}
        p=${R[podman,$n,$op]:--}
        d=${R[docker,$n,$op]:--}
        printf '%-22s %10s %16s %16s %10s %10s\n' "$n svc: $label" "$b" "$p" "$d" "$(ratio "$p" "$b")" "$(ratio "$d" "$b")"
    done
done
echo
printf '%-44s %8s ms  (target < 300)\n' "berth plan, 1,000 services, empty state" "${R[berth,1000,plan-median]:--}"
printf '%-44s %8s ms  (target < 150)\n' "berth up -d no-op, 50 services (median of 7)" "${R[berth,50,noop-median]:--}"
printf '%-44s %8s ms  (target <= 2500)\n' "berth down -t 2, 4 services ignoring SIGTERM" "${R[berth,4,stubborn-down]:--}"
for note in "${NOTES[@]}"; do echo "note: $note"; done
echo "berth binary: $BERTH"

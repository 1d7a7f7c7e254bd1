#!/bin/sh
# Side-by-side timings of berth's image store against the reference tools, on one image:
#   unpack     berth image load -i <OCI layout dir>   vs  umoci unpack
#   load       berth image load -i <OCI archive>      vs  skopeo copy oci-archive: oci:
#   pull       berth image pull (loopback registry)   vs  skopeo copy docker:// oci:  (and podman pull if installed)
# berth always does more than the other side of each row: it verifies and stores every blob
# and unpacks every layer (skopeo only copies blobs; umoci unpack does not copy blobs).
#
# Usage: bench/images.sh [path/to/berth]    (default: .build/release/berth)
# Env:   BENCH_TREE   directory added to the image as payload (default /usr/lib/python3.11)
#        BENCH_RUNS   runs per command (default 5)
#        BERTH_BASELINE  another berth binary measured in the same run (before/after rows)
# Network: only a docker-registry this script starts on 127.0.0.1.
# hyperfine (apt-get install hyperfine) gives mean ± stddev; without it, plain means.
set -eu

BERTH=$(realpath "${1:-.build/release/berth}")
TREE=${BENCH_TREE:-/usr/lib/python3.11}
RUNS=${BENCH_RUNS:-5}

for tool in umoci skopeo docker-registry busybox; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install $tool)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/berth-bench-XXXXXX)
registry_pid=
cleanup() {
    if [ -n "$registry_pid" ]; then
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== building the image (busybox + $TREE)"
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/payload"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in sh ls cat echo; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
cp -a "$TREE/." "$rootfs/payload/"
umoci init --layout "$work/layout" >/dev/null
umoci new --image "$work/layout:1" >/dev/null
umoci unpack --image "$work/layout:1" "$work/seed" >/dev/null
cp -a "$rootfs/." "$work/seed/rootfs/"
umoci repack --image "$work/layout:1" "$work/seed" >/dev/null
umoci config --image "$work/layout:1" --config.cmd sh >/dev/null
rm -rf "$work/seed"
skopeo copy --quiet "oci:$work/layout:1" "oci-archive:$work/image.tar:localhost/bench:1"
files=$(find "$rootfs" | wc -l)
unpacked=$(du -sm "$rootfs" | cut -f1)
compressed=$(du -sm "$work/image.tar" | cut -f1)
echo "   $files files, ${unpacked} MB unpacked, ${compressed} MB as an OCI archive"

echo "== starting docker-registry on 127.0.0.1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry/storage
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry/config.yml" >/dev/null 2>&1 &
registry_pid=$!
tries=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -lt 100 ] || { echo "bench: registry did not start" >&2; exit 1; }
    sleep 0.1
done
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:1" "docker://127.0.0.1:$port/bench:1"

# Each command starts from an empty destination.
reset="rm -rf $work/out; mkdir -p $work/out"
results="$work/results.tsv"
: > "$results"

measure() { # name, berth command, then `-n label command` for each other tool
    name=$1 berth_cmd=$2
    shift 2
    if [ -n "${BERTH_BASELINE:-}" ]; then
        set -- -n "berth-baseline" "$(printf '%s' "$berth_cmd" | sed "s|$BERTH|$BERTH_BASELINE|")" "$@"
    fi
    if command -v hyperfine >/dev/null; then
        set -- -n berth "$berth_cmd" "$@"
        hyperfine --style none --warmup 1 --runs "$RUNS" --prepare "$reset" \
            --export-json "$work/$name.json" "$@" >/dev/null
        jq -r --arg n "$name" '.results[] | [$n, .command, (.mean*1000|floor), (.stddev*1000|floor)] | @tsv' \
            "$work/$name.json" >> "$results"
    else
        set -- -n berth "$berth_cmd" "$@"
        while [ $# -ge 3 ]; do
            label=$2 cmd=$3
            shift 3
            total=0 i=0
            while [ $i -lt "$RUNS" ]; do
                sh -c "$reset"
                start=$(date +%s%N)
                sh -c "$cmd" >/dev/null
                total=$((total + ($(date +%s%N) - start) / 1000000))
                i=$((i + 1))
            done
            printf '%s\t%s\t%s\t-\n' "$name" "$label" $((total / RUNS)) >> "$results"
        done
    fi
}

echo "== measuring ($RUNS runs each)"
measure unpack "BERTH_ROOT=$work/out $BERTH image load -i $work/layout" \
    -n "umoci unpack" "umoci unpack --image $work/layout:1 $work/out/bundle"
measure load-oci-archive "BERTH_ROOT=$work/out $BERTH image load -i $work/image.tar" \
    -n "skopeo copy" "skopeo copy --quiet oci-archive:$work/image.tar oci:$work/out/layout:1" \
    -n "skopeo+umoci" "skopeo copy --quiet oci-archive:$work/image.tar oci:$work/out/layout:1 && umoci unpack --image $work/out/layout:1 $work/out/bundle"
measure pull "BERTH_ROOT=$work/out $BERTH image pull 127.0.0.1:$port/bench:1" \
    -n "skopeo copy" "skopeo copy --quiet --src-tls-verify=false docker://127.0.0.1:$port/bench:1 oci:$work/out/layout:1" \
    -n "skopeo+umoci" "skopeo copy --quiet --src-tls-verify=false docker://127.0.0.1:$port/bench:1 oci:$work/out/layout:1 && umoci unpack --image $work/out/layout:1 $work/out/bundle"
if command -v podman >/dev/null; then
    measure pull-podman "BERTH_ROOT=$work/out $BERTH image pull 127.0.0.1:$port/bench:1" \
        -n "podman pull" "podman --root $work/out/podman --runroot $work/out/podman-run --storage-driver vfs pull -q --tls-verify=false 127.0.0.1:$port/bench:1"
fi

echo
printf '%-17s %-14s %10s %10s %8s\n' benchmark tool "mean ms" "± ms" ratio
awk -F'\t' '
    $2 == "berth" { berth[$1] = $3 }
    { rows[NR] = $0 }
    END {
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "\t")
            ratio = (f[2] == "berth") ? "1.00" : sprintf("%.2f", f[3] / berth[f[1]])
            printf "%-17s %-14s %10s %10s %8s\n", f[1], f[2], f[3], f[4], ratio
        }
    }' "$results"
echo "(ratio = tool time / berth time; above 1 means berth is faster)"

echo
echo "== peak memory (max RSS) of one berth pull"
sh -c "$reset"
/usr/bin/time -f "   %M kB max RSS, %e s" env BERTH_ROOT="$work/out" "$BERTH" image pull "127.0.0.1:$port/bench:1" >/dev/null

#!/usr/bin/env bash
# Times YAMLReader.parse alone (CPU time, best of N) on a generated stack, linking a tiny
# driver against the objects of the last release build, so no extra target is needed.
# Usage: swift build -c release --product berth && bench/yaml_parse.sh [services] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-5000}
runs=${2:-10}
work=$(mktemp -d /tmp/berth-yaml-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_stack.py "$services" > "$work/compose.yaml"
cat > "$work/main.swift" <<'SWIFT'
import BerthStackFile
import Glibc

func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
let path = CommandLine.arguments[1]
let runs = Int(CommandLine.arguments[2]) ?? 10
guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
var bytes: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 1 << 16)
while case let n = fread(&chunk, 1, chunk.count, file), n > 0 { bytes += chunk[0..<n] }
fclose(file)
let text = String(decoding: bytes, as: UTF8.self)
var best = Double.infinity
for _ in 0..<runs {
    let started = cpuSeconds()
    let node = try YAMLReader.parse(text, file: path)
    best = min(best, cpuSeconds() - started)
    precondition(node != nil)
}
print("YAMLReader.parse of \(bytes.count) bytes: best of \(runs) \(Int(best * 1000)) ms CPU")
SWIFT
build=.build/release
swiftc -O "$work/main.swift" -o "$work/bench" -I "$build/Modules" -I Sources/CYAML \
    "$build"/BerthStackFile.build/*.o "$build"/BerthDiagnostics.build/*.o -lyaml
# A short relative name, as the loader passes: SourceLocation copies stay cheap.
(cd "$work" && ${BENCH_WRAP:-} ./bench compose.yaml "$runs")

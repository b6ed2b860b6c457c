#!/usr/bin/env bash
# A distributed run on one machine (BENCHMARKS.md "Distributed runs"): a three-node nats-server cluster
# on loopback, the services as processes (1 order, 2 payment, 2 inventory with --stock-share, R3), and
# bench as coordinator with 1 and then 2 generator processes, alternating, per round:
#   bash bench/distributed.sh [rounds]     default 3
# Each point is the closed loop of bench/closed-64.yaml (64 in flight, split between the generators)
# for 10 s; it prints each generator's sagas/s and the combined figure, then the medians. Beside them,
# in the same sitting, the same bench in one process on an embedded three-node cluster (worker threads).
# Needs nats-server on PATH (or NATS_SERVER_BIN) and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
bin="${NATS_SERVER_BIN:-nats-server}"
out="$(mktemp -d /tmp/saga-sim-distributed.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$out/n"*; }
trap cleanup EXIT

ports=($(node -e 'import("./dist/broker/embedded-server.js").then(async (m) => console.log((await m.freePorts(6)).join(" ")))'))
url="nats://127.0.0.1:${ports[0]},nats://127.0.0.1:${ports[2]},nats://127.0.0.1:${ports[4]}"
for k in 0 1 2; do
  routes=$(for j in 0 1 2; do if [ "$j" != "$k" ]; then printf 'nats://127.0.0.1:%s,' "${ports[$((j * 2 + 1))]}"; fi; done)
  "$bin" -js -sd "$out/n$k" -n "n$k" -a 127.0.0.1 -p "${ports[$((k * 2))]}" --cluster_name bench --cluster "nats://127.0.0.1:${ports[$((k * 2 + 1))]}" --routes "${routes%,}" > "$out/n$k.log" 2>&1 &
  pids+=($!)
done
export NATS_URL="$url"
# The cluster is up once JetStream answers with a meta leader.
ready='import("@nats-io/transport-node").then(async ({ connect }) => { const nc = await connect({ servers: process.argv[1].split(",") }); const { jetstreamManager } = await import("@nats-io/jetstream"); await (await jetstreamManager(nc)).getAccountInfo(); await nc.close(); })'
for _ in $(seq 1 60); do node -e "$ready" "$url" > /dev/null 2>&1 && break; sleep 0.5; done

service() { ./bin/saga-sim service "$@" bench/closed-64.yaml --replicas 3 > "$out/service-$1-$RANDOM.log" 2>&1 & pids+=($!); }
service order; service payment; service payment; service inventory --stock-share 1/2; service inventory --stock-share 2/2
for _ in $(seq 1 60); do [ "$(grep -l ' ready on ' "$out"/service-*.log 2>/dev/null | wc -l)" = 5 ] && break; sleep 0.5; done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB · node $(node --version) · $("$bin" --version) · $(date -u +%F)"
printf '%-6s %-11s %10s %s\n' round generators combined 'per generator (sagas/s)'
point() { # generators run-id
  local n=$1 id=$2 gen=()
  ./bin/saga-sim bench bench/closed-64.yaml --duration 10s --role coordinator --run-id "$id" --generators "$n" --quiet --json "$out/$id.json" > /dev/null 2> "$out/$id.err" &
  local coordinator=$!
  for _ in $(seq 1 "$n"); do ./bin/saga-sim bench bench/closed-64.yaml --duration 10s --role generator --run-id "$id" --quiet > /dev/null 2>&1 & gen+=($!); done
  wait "$coordinator" "${gen[@]}"
}
for round in $(seq 1 "$rounds"); do
  for n in 1 2; do
    point "$n" "r$round-g$n"
    combined=$(jq '.report.throughput.sagasPerSecond' "$out/r$round-g$n.json")
    parts=$(jq -r '[.report.generators[].sagasPerSecond] | join(" + ")' "$out/r$round-g$n.json")
    printf '%-6s %-11s %10s %s\n' "$round" "$n" "$combined" "$parts"
    echo "$n $combined" >> "$out/points.txt"
  done
  env -u NATS_URL ./bin/saga-sim bench bench/closed-64.yaml --duration 10s --embedded-cluster 3 --quiet --json "$out/r$round-one.json" > /dev/null 2>&1
  one=$(jq '.report.throughput.sagasPerSecond' "$out/r$round-one.json")
  printf '%-6s %-11s %10s %s\n' "$round" 'one process' "$one" '(embedded cluster, worker threads)'
  echo "one $one" >> "$out/points.txt"
done
median() { grep "^$1 " "$out/points.txt" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
g1=$(median 1); g2=$(median 2); one=$(median one)
echo "medians: 1 generator $g1 · 2 generators $g2 ($(awk -v a="$g2" -v b="$g1" 'BEGIN {printf "%.2f", a / b}')x) · one process $one sagas/s"

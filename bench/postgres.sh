#!/usr/bin/env bash
# The three state stores side by side, and saga-sim's PostgreSQL mode beside the NestJS peer
# (../shared/peers/nest-saga, run where it is, never copied), in one sitting (BENCHMARKS.md).
#   bash bench/postgres.sh [rounds]       default 2 rounds, stores alternating within each
# Per store and round: sagas/s at saturation (closed loop, 64 in flight: bench/closed-64.yaml, 10 s)
# and p50/p99 at 100/s (mixed-90, 10 s, from the intended send). For PostgreSQL also, over the
# closed-loop run: transactions, rows written and WAL bytes per saga (pg_stat_database, pg_current_wal_lsn).
# Then the peer's durable benchmark (--closed 64 --open 100), and the ratios.
# Needs PostgreSQL at DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
db="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
peer="${PEER_DIR:-../shared/peers/nest-saga}"
out="$(mktemp -d /tmp/saga-sim-pg-bench.XXXXXX)"
q() { psql "$db" -Atqc "$1"; }
stats() { q "SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted, pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_database WHERE datname = current_database()"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB · node $(node --version) · $(nats-server --version 2>/dev/null || /usr/sbin/nats-server --version) · $(q 'SHOW server_version') · $(date -u +%F)"
printf '%-6s %-9s %10s %10s %10s %12s %12s %12s\n' round state 'sagas/s' 'p50@100' 'p99@100' 'xact/saga' 'rows/saga' 'WAL B/saga'
for round in $(seq 1 "$rounds"); do
  for state in memory kv postgres; do
    before=$(stats)
    ./bin/saga-sim bench bench/closed-64.yaml --duration 10s --state "$state" --database-url "$db" --quiet --json "$out/closed-$state-$round.json" > /dev/null 2>&1
    # Counters reach pg_stat_database when each backend next reports (about a second after its last statement).
    sleep 2
    after=$(stats)
    ./bin/saga-sim bench scenarios/mixed-90.yaml --rate 100 --duration 10s --state "$state" --database-url "$db" --quiet --json "$out/open-$state-$round.json" > /dev/null 2>&1
    rate=$(jq '.report.throughput.sagasPerSecond' "$out/closed-$state-$round.json")
    orders=$(jq '.report.orders.total' "$out/closed-$state-$round.json")
    lat=$(jq -r '"\(.report.latency.ms.p50) \(.report.latency.ms.p99)"' "$out/open-$state-$round.json")
    per='-          -          -'
    if [ "$state" = postgres ]; then
      per=$(paste -d' ' <(echo "$before" | tr '|' '\n') <(echo "$after" | tr '|' '\n') | awk -v n="$orders" '{printf "%.2f ", ($2 - $1) / n}')
    fi
    # shellcheck disable=SC2086
    printf '%-6s %-9s %10s %10s %10s %12s %12s %12s\n' "$round" "$state" "$rate" $lat $per
    echo "$round $state $rate $lat" >> "$out/saga-sim.txt"
  done
done

echo
echo "peer: $peer/run-bench-durable.sh --closed 64 --closed-duration 10 --open 100 --open-duration 10 --warmup 2"
(cd "$peer" && ./run-bench-durable.sh --closed 64 --closed-duration 10 --open 100 --open-duration 10 --warmup 2) > "$out/peer.txt" 2> "$out/peer.err" || { echo "the peer failed; see $out/peer.err"; exit 1; }
peer_rate=$(grep '^{' "$out/peer.txt" | jq -s 'map(select(.mode == "closed"))[0].sagasPerSec')
peer_p99=$(grep '^{' "$out/peer.txt" | jq -s 'map(select(.mode == "open"))[0].latencyMs.p99')
peer_p50=$(grep '^{' "$out/peer.txt" | jq -s 'map(select(.mode == "open"))[0].latencyMs.p50')
echo "peer closed C=64: $peer_rate sagas/s · open 100/s: p50 $peer_p50 ms, p99 $peer_p99 ms"

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
col() { awk -v s="$1" -v c="$2" '$2 == s {print $c}' "$out/saga-sim.txt" | median; }
pg_rate=$(col postgres 3); kv_rate=$(col kv 3); pg_p99=$(col postgres 5)
echo
echo "medians over $rounds rounds: postgres $pg_rate sagas/s, kv $kv_rate, memory $(col memory 3); p99 at 100/s: postgres $pg_p99 ms, kv $(col kv 5), memory $(col memory 5)"
awk -v a="$pg_rate" -v b="$kv_rate" 'BEGIN {printf "postgres / kv sagas/s at saturation: %.2f (the issue asks at least 0.5)\n", a / b}'
awk -v a="$pg_rate" -v b="$peer_rate" 'BEGIN {printf "saga-sim postgres / NestJS peer sagas/s (closed, 64 in flight): %.2f (at least 3)\n", a / b}'
awk -v a="$pg_p99" -v b="$peer_p99" 'BEGIN {printf "p99 at 100/s, saga-sim postgres / peer: %.2f (below 1)\n", a / b}'
echo "raw: $out"

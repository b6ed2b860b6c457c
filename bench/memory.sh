#!/bin/bash
# RSS of saga-sim through a long run (issue 4: memory stays flat through 1,000,000 sagas).
# usage: bash bench/memory.sh <rate> <seconds> [extra bench flags]; prints RSS every 10 s, then the result.
cd "$(dirname "$0")/.."
rate=${1:-3000}; seconds=${2:-334}; shift 2
./bin/saga-sim bench scenarios/happy-path.yaml --rate "$rate" --duration "${seconds}s" --quiet --json /tmp/saga-sim-memory.json "$@" > /tmp/saga-sim-memory.out 2>&1 &
pid=$!
start=$(date +%s)
while kill -0 $pid 2>/dev/null; do
  sleep 10
  rss=$(ps -o rss= -p $pid 2>/dev/null) && echo "$(( $(date +%s) - start ))s rss $(( rss / 1024 )) MB"
done
cat /tmp/saga-sim-memory.out
node -e "const r=JSON.parse(require('fs').readFileSync('/tmp/saga-sim-memory.json','utf8')).report; console.log('settled during the run', r.settlement.settled, 'of', r.orders.total, '· afterSettle', Object.values(r.services).reduce((n,s)=>n+s.afterSettle,0))"

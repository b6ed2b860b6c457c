#!/bin/bash
# Alternating rounds: achieved sagas/s at a saturating 4000/s for each state/acks combination (BENCHMARKS.md).
cd "$(dirname "$0")/.."
for round in 1 2 3; do
  for cfg in "memory single" "memory double" "kv single" "kv double"; do
    set -- $cfg
    a=$(./bin/saga-sim bench scenarios/happy-path.yaml --rate 4000 --duration 10s --quiet --state $1 --acks $2 2>&1 | grep -E "^achieved" | awk '{print $2}')
    echo "$round $1 $2 $a"
  done
done

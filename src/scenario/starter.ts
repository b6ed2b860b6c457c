/** What `saga-sim init` writes. It must stay valid: a test loads it. */
export const STARTER_SCENARIO = `# A saga-sim scenario. Run it with: saga-sim run <this file>
# Every key but "name" has a default; see docs/scenarios.md in saga-sim (the package or its repository).
name: my-scenario
description: Orders at a steady rate, 90% of payments succeed, plus two scripted checks.
seed: 1                      # the same seed places the same orders with the same payment outcomes
topology: parallel           # parallel: payment and inventory both react to order.created.v1
                             # sequential: inventory first, payment after inventory.reserved.v1

orders:
  count: 200                 # generated orders (after the scripted ones below)
  rate: 100                  # orders per second

order:
  items: { min: 1, max: 3 }  # distinct products per order
  quantity: { min: 1, max: 3 }
  price: { min: 5, max: 200 }

catalogue:
  products: 10               # generated from the seed
  stock: 10000               # units of each product

payment:
  successRate: 0.9           # share of payments that succeed

drainTimeout: 30s            # how long to wait for sagas in flight after the last order

delivery: jetstream          # jetstream (durable) | core (at most once)
state: kv                    # kv: services keep state in JetStream KV and survive a crash | memory

# Faults, at times from the first order. Uncomment one to see the saga survive it.
faults: []
#  - { crash: payment, at: 1s, restartAfter: 1s }   # terminate the worker; a new one resumes from KV
#  - { broker: kill, at: 1s, restartAfter: 1s }     # kill -9 the embedded nats-server
#  - { drop: 0.05 }                                 # lose 5% of deliveries (JetStream redelivers them)
#  - { duplicate: 0.2 }                             # publish 20% of events twice

# Explicit orders with forced outcomes and the events that must (or must not) happen.
# A nested list matches in any order: payment and inventory answer concurrently.
script:
  - id: happy
    payment: succeed
    expect:
      status: CONFIRMED
      events: [order.created.v1, [payment.confirmed.v1, inventory.reserved.v1], order.confirmed.v1]
      notEvents: [payment.refunded.v1, inventory.released.v1]
  - id: declined
    payment: fail
    expect:
      status: CANCELLED
      events: [order.created.v1, [inventory.reserved.v1, payment.failed.v1], inventory.released.v1, order.cancelled.v1]
      notEvents: [payment.refunded.v1]

# The run fails (exit 1) unless these hold. Metrics: see "saga-sim run --help".
thresholds:
  - orders.pending == 0
  - deadLetters == 0
  - latency.p99 < 1s
`;

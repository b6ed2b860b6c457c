/*
 * The pull settings of every JetStream consumer saga-sim reads: the services' (services/transport.ts)
 * and the observer's (engine/observer.ts), which is the instrument: a lost pull there would show as
 * latency no saga had.
 */

/**
 * How long a pull request waits on the server before the client renews it. Long, because a
 * renewal can be lost: on nats-server 2.9, under CPU starvation, about one busy consumer's pull in
 * fifty sent just after a 408 (expired) went unserved until the client's heartbeat check renewed
 * it (BENCHMARKS.md, "Pull consumers and lost pulls"). Fewer expiries, fewer chances.
 */
export const PULL_EXPIRES_MS = 30_000;

/**
 * The server heartbeats an idle pull this often; after two missed the client renews its pulls.
 * That bounds a lost pull, or one that vanished with a restarted server, at about two seconds
 * (the client's default, half of `expires`, would allow 30).
 */
export const PULL_HEARTBEAT_MS = 1000;

/** Documented exit codes (README "Exit codes", and `saga-sim --help`). */
export const EXIT = {
  ok: 0,
  /** An expectation, threshold or invariant failed, or orders were left pending. */
  failed: 1,
  /** Bad flag, argument or scenario file. */
  usage: 2,
  /** nats-server missing, unreachable or crashed; a service worker crashed. */
  infrastructure: 3,
  /** A bug in saga-sim itself; rerun with --debug and report it. */
  internal: 4,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    all invariants passed
  1    an expectation, threshold or invariant failed, or orders were left pending
  2    usage or scenario error
  3    infrastructure error (nats-server missing, unreachable or crashed)
  4    internal error in saga-sim (rerun with --debug)
  130  interrupted`;

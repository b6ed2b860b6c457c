/** The id of the seq-th generated order (scripted orders come first and carry their own ids). */
export function orderIdFor(seq: number): string {
  return `ord-${String(seq).padStart(6, '0')}`;
}

/**
 * The id of a distributed run's seq-th generated order: the run id in it, so that a new run against
 * services that stay up meets none of an earlier run's orders (which they would take for repeats).
 */
export function runOrderIdFor(runId: string, seq: number): string {
  return `ord-${runId}-${String(seq).padStart(6, '0')}`;
}

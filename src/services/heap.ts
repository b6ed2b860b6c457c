import { setFlagsFromString } from 'node:v8';

/**
 * How big V8 lets the heaps grow. fast: large young generations in the service workers, so a
 * saturated worker scavenges less (GC was a quarter of its time at V8's default). lean: small young
 * generations and old generations that grow by a fifth at most, which about halves the RSS of a long
 * run for 5–10% more CPU, but a saturated run (whose backlog is live data) gets slower.
 */
export const HEAP_PROFILES = ['fast', 'lean'] as const;
export type HeapProfile = (typeof HEAP_PROFILES)[number];

const YOUNG_GENERATION_MB: Record<HeapProfile, number> = { fast: 64, lean: 24 };

/** The young generation of a service worker (its resourceLimits). */
export function workerYoungGenerationMb(profile: HeapProfile): number {
  return YOUNG_GENERATION_MB[profile];
}

/**
 * Whether the load generator is woken by a timer thread (a tenth of a millisecond late, ~10 MB of
 * RSS: see engine/precise-timer.ts) or by setTimeout (up to ~1 ms late, which corrected latency
 * counts). Lean spends no memory on it.
 */
export function preciseSendTimes(profile: HeapProfile): boolean {
  return profile === 'fast';
}

/** Lean runs under way in this process (runs through the API may overlap). */
let leanRuns = 0;

/**
 * The old-generation growth factor is one V8 flag for the whole process, every thread included, read
 * as heaps grow. Lean sets it while any lean run is under way; the returned function (idempotent)
 * puts back V8's own heuristic (the flag's default, 0) when the last one ends, so a library caller's
 * process is left as it was. `setFlags` is V8's setter (replaced in tests).
 */
export function applyHeapProfile(profile: HeapProfile, setFlags: (flags: string) => void = setFlagsFromString): () => void {
  if (profile === 'fast') return () => undefined;
  if (leanRuns++ === 0) setFlags('--heap-growing-percent=20');
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--leanRuns === 0) setFlags('--heap-growing-percent=0');
  };
}

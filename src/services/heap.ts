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
 * The old-generation growth factor is one V8 flag for the whole process, every thread included, read
 * as heaps grow. Lean sets it for a run; the returned function puts back V8's own heuristic
 * (the flag's default, 0), so a library caller's process is left as it was.
 */
export function applyHeapProfile(profile: HeapProfile): () => void {
  if (profile === 'fast') return () => undefined;
  setFlagsFromString('--heap-growing-percent=20');
  return () => setFlagsFromString('--heap-growing-percent=0');
}

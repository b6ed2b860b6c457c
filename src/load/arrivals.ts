import { mulberry32 } from './random.js';

/**
 * Open-loop arrival processes: each gives the gap (ms) from one intended send to the next.
 * Pure and seeded, so a seed reproduces the schedule; clocks and timers live in the load loop.
 */
export interface ArrivalProcess {
  /** Gap after the order sent at `elapsedMs` (from the first send), at rate scale `scale` (1 = as configured). */
  gap(elapsedMs: number, scale: number): number;
  /** Mean orders per second at `elapsedMs`, for display. */
  rateAt(elapsedMs: number): number;
}

export interface Stage {
  durationMs: number;
  target: number;
}

export type LoadModel =
  | { model: 'constant'; rate: number }
  | { model: 'poisson'; rate: number }
  | { model: 'ramping'; startRate: number; stages: readonly Stage[] }
  | { model: 'burst'; size: number; everyMs: number };

export function arrivals(load: LoadModel, seed: number): ArrivalProcess {
  switch (load.model) {
    case 'constant':
      return { gap: (_t, scale) => 1000 / (load.rate * scale), rateAt: () => load.rate };
    case 'poisson': {
      const random = mulberry32(seed ^ 0x9e3779b9);
      // Exponential gaps with mean 1/rate: a Poisson process.
      return { gap: (_t, scale) => (-Math.log(1 - random()) * 1000) / (load.rate * scale), rateAt: () => load.rate };
    }
    case 'ramping':
      return {
        gap: (t, scale) => rampNextAt(load.startRate, load.stages, t, 1000 / scale) - t,
        rateAt: (t) => rampRate(load.startRate, load.stages, t),
      };
    case 'burst': {
      let inBurst = 0;
      return {
        gap: (_t, scale) => {
          inBurst = (inBurst + 1) % load.size;
          return inBurst === 0 ? load.everyMs / scale : 0;
        },
        rateAt: () => (load.size * 1000) / load.everyMs,
      };
    }
  }
}

/** k6's ramping-arrival-rate: linear from the previous target to each stage's target; the last target holds after. */
export function rampRate(startRate: number, stages: readonly Stage[], t: number): number {
  let from = startRate;
  let at = 0;
  for (const stage of stages) {
    if (t < at + stage.durationMs) return from + ((stage.target - from) * (t - at)) / stage.durationMs;
    at += stage.durationMs;
    from = stage.target;
  }
  return from;
}

/**
 * When the next order is due after `t` on a ramp: the time by which the rate (orders/s) has
 * accrued one more order, i.e. ∫ rate dt = `area` (1000 ms·orders/s per order). Solved exactly
 * on each linear segment, so a ramp from 0 starts at once and places ∫ rate dt orders.
 */
export function rampNextAt(startRate: number, stages: readonly Stage[], t: number, area: number): number {
  let from = startRate;
  let stageStart = 0;
  let need = area;
  let at = t;
  for (const stage of stages) {
    const stageEnd = stageStart + stage.durationMs;
    if (at < stageEnd) {
      const slope = (stage.target - from) / stage.durationMs;
      const rate = from + slope * (at - stageStart);
      const span = stageEnd - at;
      const available = rate * span + (slope / 2) * span * span;
      if (available >= need) return at + solveSegment(rate, slope, need);
      need -= available;
      at = stageEnd;
    }
    stageStart = stageEnd;
    from = stage.target;
  }
  return from > 0 ? at + need / from : Infinity;
}

/** Smallest d ≥ 0 with rate·d + slope/2·d² = need (rate ≥ 0, the rate stays ≥ 0 on the segment). */
function solveSegment(rate: number, slope: number, need: number): number {
  if (Math.abs(slope) < 1e-12) return need / rate;
  return (-rate + Math.sqrt(rate * rate + 2 * slope * need)) / slope;
}

export function totalDurationMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

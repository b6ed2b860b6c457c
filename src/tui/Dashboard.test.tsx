import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../test/helpers/nats.js';
import { snapshot } from '../../test/helpers/snapshots.js';
import type { EngineListener } from '../engine/events.js';
import { App } from './App.js';
import { Dashboard } from './Dashboard.js';
import { initialState, reduce, type DashboardState } from './state.js';

function running(): DashboardState {
  let state = reduce(initialState, { type: 'engine', event: { type: 'start', info: { scenario: 'mixed-90', seed: 3, topology: 'parallel', delivery: 'jetstream', planned: 1000, rate: 100 } } });
  state = reduce(state, { type: 'engine', event: { type: 'broker', broker: { url: 'nats://127.0.0.1:4999', embedded: true, namespace: '', subjectPrefix: '', nodes: 1, replicas: 1, version: '2.9.10' } } });
  return reduce(state, { type: 'engine', event: { type: 'snapshot', snapshot: snapshot() } });
}

/** Resolves once the next render has happened (Ink renders on a microtask). */
const tick = () => new Promise((r) => setImmediate(r));

describe('dashboard fit to the window', () => {
  // The sizes of the issue: a small terminal, a common one, a large one; with and without the tail and help.
  for (const [width, height] of [
    [80, 24],
    [100, 30],
    [160, 50],
  ] as const) {
    for (const extra of ['', 'no tail', 'help'] as const) {
      it(`${width}×${height}${extra ? ` (${extra})` : ''} with the event tail (on by default): never taller than the window, header, outcomes and corrected latency kept, no line wider`, () => {
        // A full event tail, as in a real run.
        const recent = Array.from({ length: 40 }, (_, i) => ({ at: Date.UTC(2026, 0, 1, 12, 0, 1, i), orderId: `ord-${i}`, type: 'order.created.v1' as const }));
        let state = reduce(running(), { type: 'engine', event: { type: 'snapshot', snapshot: snapshot({ recent }) } });
        if (extra === 'no tail') state = reduce(state, { type: 'toggle-tail' });
        if (extra === 'help') state = reduce(state, { type: 'toggle-help' });
        const lines = (render(<Dashboard state={state} width={width} height={height} />).lastFrame() ?? '').split('\n');
        expect(lines.length).toBeLessThanOrEqual(height - 1);
        const frame = lines.join('\n');
        expect(lines[0]).toContain('saga-sim mixed-90');
        expect(frame).toContain('420/1,000 orders');
        expect(frame).toContain('Outcomes');
        expect(frame).toMatch(/corrected\s+2\.50ms/);
        expect(frame).toContain('Health');
        for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
      });
    }
  }

  it('gives the rows an asked-for event tail needs before the distribution, and drops the rest first', () => {
    const tail = (on: boolean) => (running().showTail === on ? running() : reduce(running(), { type: 'toggle-tail' }));
    const withTail = tail(true);
    const at = (state: DashboardState, w: number, h: number) => render(<Dashboard state={state} width={w} height={h} />).lastFrame() ?? '';
    expect(at(tail(false), 80, 24)).toContain('count per bucket');
    expect(at(withTail, 80, 24)).toContain('12:00:00.123  ord-000420');
    expect(at(withTail, 80, 24)).not.toContain('count per bucket');
    expect(at(withTail, 100, 40)).toContain('count per bucket');
    const small = at(tail(false), 80, 12);
    expect(small.split('\n').length).toBeLessThanOrEqual(11);
    expect(small).toMatch(/corrected\s+2\.50ms/);
    expect(small).not.toMatch(/confirmed\s+2\.40ms/);
    expect(small.split('\n').filter((l) => l.startsWith('Outcomes'))[0]).toContain('✔ 360');
  });

  it('tells outcomes apart by glyph as well as colour', () => {
    const frame = render(<Dashboard state={running()} width={100} height={50} />).lastFrame() ?? '';
    const bar = frame.split('\n').find((l) => l.startsWith('Outcomes')) ?? '';
    for (const glyph of ['█', '▓', '▒', '·']) expect(bar).toContain(glyph);
    expect(frame).toContain('░ both 2');
  });

  it('shows each start-up step from the first frame, before any snapshot', () => {
    const state = reduce(initialState, { type: 'engine', event: { type: 'phase', phase: 'provisioning' } });
    const frame = render(<Dashboard state={state} width={80} height={24} />).lastFrame() ?? '';
    expect(frame).toContain('✔ starting nats-server');
    expect(frame).toContain('… provisioning streams');
    expect(frame).toContain('starting the order, payment and inventory workers');
  });
});

describe('dashboard view', () => {
  it('shows header, load, outcomes, latency ladders, steps, health and the event tail', () => {
    const frame = render(<Dashboard state={running()} width={100} height={50} />).lastFrame() ?? '';
    expect(frame).toContain('mixed-90');
    expect(frame).toContain('seed 3 · parallel · jetstream · embedded nats-server 2.9.10 nats://127.0.0.1:4999');
    expect(frame).toContain('420/1,000 orders');
    expect(frame).toContain('target 100/s');
    expect(frame).toMatch(/CONFIRMED 360/);
    expect(frame).toMatch(/CANCELLED 40 \(▓ payment 30 · ▒ stock 8 · ░ both 2\)/);
    expect(frame).toContain('inventory released 30 · payment refunded 8');
    expect(frame).toMatch(/corrected\s+2\.50ms\s+5\.00ms\s+10\.0ms/);
    expect(frame).toMatch(/uncorrected\s+2\.10ms/);
    expect(frame).toMatch(/cancelled\s+3\.10ms/);
    expect(frame).toContain('created→payment p50 800µs');
    expect(frame).toContain('inventory ● crashed');
    expect(frame).toContain('payment ● running ↻1');
    expect(frame).toContain('NATS connected');
    expect(frame).toContain('12:00:00.123  ord-000420');
  });

  it('marks a fault on the throughput chart where it happened, and in the event tail', () => {
    let state = running();
    const at = Date.parse('2026-11-24T12:00:01.500Z');
    state = reduce(state, { type: 'engine', event: { type: 'fault', fault: { atMs: 1500, at, text: 'payment worker crashed (terminated); restart in 2000 ms' } } });
    for (let i = 0; i < 3; i++) state = reduce(state, { type: 'engine', event: { type: 'snapshot', snapshot: snapshot({ recent: [] }) } });
    const frame = render(<Dashboard state={state} width={100} height={50} />).lastFrame() ?? '';
    const chart = frame.split('\n').find((line) => line.startsWith('Throughput')) ?? '';
    // One snapshot before the fault, three after: the marker takes the place of the first after it.
    expect(chart).toMatch(/[▁▂▃▄▅▆▇█]╳[▁▂▃▄▅▆▇█]{2}\s+now/);
    expect(frame).toContain('12:00:01.500  ✖ fault: payment worker crashed');
  });

  it('shows pause, lateness, dropped sends and the help panel', () => {
    let state = reduce(running(), { type: 'engine', event: { type: 'snapshot', snapshot: snapshot({ paused: true, lateSends: 12, maxLagMs: 40, droppedSends: 7 }) } });
    state = reduce(state, { type: 'toggle-help' });
    const frame = render(<Dashboard state={state} width={130} height={50} />).lastFrame() ?? '';
    expect(frame).toContain('PAUSED');
    expect(frame).toContain('late 12 (max lag 40.0ms) · dropped 7');
    expect(frame).toContain('raise or lower the rate by 10%');
  });

  it('fits 80 columns and lays latency beside the rest when wide', () => {
    const narrow = render(<Dashboard state={running()} width={80} height={50} />).lastFrame() ?? '';
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const wide = render(<Dashboard state={running()} width={180} height={50} />).lastFrame() ?? '';
    expect(wide.split('\n').some((line) => line.includes('Load') && line.includes('Latency'))).toBe(true);
  });
});

describe('dashboard keys', () => {
  function app() {
    let listener: EngineListener = () => undefined;
    const controls = { stop: vi.fn(), interrupt: vi.fn(), abort: vi.fn(), togglePause: vi.fn(), scaleRate: vi.fn() };
    const ui = render(<App subscribe={(l) => ((listener = l), () => undefined)} controls={controls} />);
    return { ui, controls, emit: (e: Parameters<EngineListener>[0]) => listener(e) };
  }

  it('p pauses, + and - change the rate by 10%, e hides the tail, ? shows help', async () => {
    const { ui, controls, emit } = app();
    emit({ type: 'snapshot', snapshot: snapshot() });
    await waitFor('the batched snapshot to render', () => (ui.lastFrame() ?? '').includes('ord-000420'), 2000);
    for (const key of ['p', '+', '-', 'e', '?']) {
      ui.stdin.write(key);
      await tick();
    }
    expect(controls.togglePause).toHaveBeenCalledTimes(1);
    expect(controls.scaleRate.mock.calls).toEqual([[1.1], [0.9]]);
    expect(ui.lastFrame()).not.toContain('ord-000420');
    expect(ui.lastFrame()).toContain('show or hide this help');
  });

  it('q stops and drains once; Ctrl-C after that aborts', async () => {
    const { ui, controls, emit } = app();
    emit({ type: 'snapshot', snapshot: snapshot() });
    ui.stdin.write('q');
    await tick();
    ui.stdin.write('q');
    await tick();
    expect(controls.stop).toHaveBeenCalledTimes(1);
    expect(controls.abort).not.toHaveBeenCalled();
    expect(ui.lastFrame()).toContain('stopping: draining sagas in flight');
    ui.stdin.write('\u0003');
    await tick();
    expect(controls.abort).toHaveBeenCalledTimes(1);
    expect(controls.interrupt).not.toHaveBeenCalled();
  });

  it('a first Ctrl-C interrupts (drains, exit 130), a second aborts', async () => {
    const { ui, controls } = app();
    ui.stdin.write('\u0003');
    await tick();
    expect(controls.interrupt).toHaveBeenCalledTimes(1);
    ui.stdin.write('\u0003');
    await tick();
    expect(controls.abort).toHaveBeenCalledTimes(1);
    expect(controls.stop).not.toHaveBeenCalled();
  });
});

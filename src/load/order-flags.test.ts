import { describe, expect, it } from 'vitest';
import { orderIdFor } from './order-factory.js';
import { OrderFlags } from './order-flags.js';

describe('OrderFlags', () => {
  it('keeps flags of generated and other ids, and counts each id once', () => {
    const flags = new OrderFlags();
    const ids = [orderIdFor(1), orderIdFor(1_000_000), 'vip-1', 'ord-0000001', 'ord-1'];
    for (const id of ids) flags.add(id, 1);
    flags.add(orderIdFor(1), 4);
    flags.add('vip-1', 2);
    expect(flags.size).toBe(5);
    expect([flags.get(orderIdFor(1)), flags.get('vip-1'), flags.get('ord-0000001')]).toEqual([5, 3, 1]);
    for (const id of ids) expect(flags.has(id)).toBe(true);
    for (const id of [orderIdFor(2), orderIdFor(999_999), orderIdFor(5_000_000), 'vip-2', 'ord-00000x']) expect(flags.has(id)).toBe(false);
  });

  it('holds a million generated ids in a few megabytes', () => {
    const flags = new OrderFlags();
    for (let i = 1; i <= 1_000_000; i++) flags.add(orderIdFor(i));
    expect(flags.size).toBe(1_000_000);
    expect(flags.has(orderIdFor(777_777))).toBe(true);
    expect((flags as unknown as { flags: Uint16Array }).flags.byteLength).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('OrderFlags.ids', () => {
  it('lists every id with flags', () => {
    const flags = new OrderFlags();
    for (const id of [orderIdFor(3), 'vip-1', orderIdFor(1)]) flags.add(id);
    expect([...flags.ids()]).toEqual([orderIdFor(1), orderIdFor(3), 'vip-1']);
  });
});

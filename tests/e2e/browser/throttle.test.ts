// The worker's progress throttle: at most one message per interval, every item delivered, in order.
import { expect, it } from 'vitest';
import { throttled } from '../../../src/worker/throttle';

it('batches a fast stream into at most one send per interval and drops nothing', async () => {
  const sends: { at: number; items: number[] }[] = [];
  const t = throttled<number>((items) => { sends.push({ at: performance.now(), items }); }, 100);
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < 450) {
    t.push(i++);
    // Pacing, not synchronisation: the throttle is defined over time, so the test feeds it a
    // stream spread over 450 ms; its assertions are lower bounds that only loosen under load.
    await new Promise((r) => setTimeout(r, 1));
  }
  t.flush();
  expect(sends.flatMap((s) => s.items)).toEqual(Array.from({ length: i }, (_, k) => k));
  // 450 ms of pushes: a first send at once, then one per 100 ms, then the final flush.
  expect(sends.length).toBeLessThanOrEqual(7);
  for (let k = 2; k < sends.length - 1; k++) expect(sends[k].at - sends[k - 1].at).toBeGreaterThanOrEqual(95);
});

it('sends nothing when nothing was pushed, and survives a failing receiver', () => {
  let calls = 0;
  const t = throttled<number>(() => { calls++; return Promise.reject(new Error('page closed')); }, 10);
  t.flush();
  expect(calls).toBe(0);
  t.push(1);
  t.flush();
  expect(calls).toBe(1);
  // The rejection is caught where it is sent (no unhandled rejection fails the run), and the
  // throttle keeps working for the next item.
  t.push(2);
  t.flush();
  expect(calls).toBe(2);
});

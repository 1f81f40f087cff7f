/**
 * The compute worker reads a cancel while a long computation runs (src/compute/yielding.ts): a backend whose
 * read-backs resolve at once, as wasm's do, never returns to the event loop, so a message queued before the
 * computation is only read after it; with `letMessagesIn` it is read within `every` ms of the computation's clock.
 */
import { describe, expect, it } from 'vitest';
import { letMessagesIn } from '../../src/compute/yielding.ts';

/** A backend as wasm's: `read` resolves as a microtask. */
const instantBackend = () => ({ read: async (id: object) => id });

/** Runs `reads` read-backs, the clock moving 10 ms each, with a message queued before; the read at which it arrived. */
async function arrival(backend: { read(id: object): Promise<unknown> }, reads: number): Promise<number | null> {
  let at: number | null = null;
  let i = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    at = i;
    channel.port1.close();
  };
  channel.port2.postMessage('cancel');
  for (; i < reads; i++) await backend.read({});
  // the loop is over: let the message in if it has not come
  await new Promise((r) => setTimeout(r, 20));
  return at;
}

describe('letMessagesIn', () => {
  it('without it, a message queued before a chain of instant read-backs is read only after the chain', async () => {
    expect(await arrival(instantBackend(), 200)).toBe(200);
  });

  it('with it, the message is read within the chain, at the first read-back `every` ms after the start', async () => {
    let clock = 0;
    const backend = instantBackend();
    letMessagesIn(backend, 50, () => (clock += 10));
    const at = await arrival(backend, 200);
    expect(at).not.toBeNull();
    // the clock reads 10 at the patch, then 10 more at each read: the first return to the event loop is at the 5th
    expect(at!).toBeLessThanOrEqual(6);
  });

  it('returns to the event loop at most once every `every` ms, and patches a backend once', async () => {
    let clock = 0;
    let turns = 0;
    const backend = instantBackend();
    letMessagesIn(backend, 50, () => (clock += 1));
    const patched = backend.read;
    letMessagesIn(backend, 50, () => (clock += 1));
    expect(backend.read).toBe(patched);
    // count the event loop's turns during 1,000 read-backs (the clock moves 1 ms at each read's check)
    let stop = false;
    const tick = () => {
      if (stop) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    for (let i = 0; i < 1000; i++) await backend.read({});
    stop = true;
    // about one turn per 50 reads, 20 in all; never one per read
    expect(turns).toBeGreaterThan(10);
    expect(turns).toBeLessThan(100);
  });
});

/**
 * The keyed runner every figure computes through, with a fake compute: the newest wish wins, a kept
 * result comes back at once, an error is never shown beside a newer result, cancel frees the figure.
 */
import { describe, expect, it } from 'vitest';
import { Runner } from '../../src/figures/kit/runner.svelte.ts';
import { ComputeRequestError } from '../../src/compute/client.ts';

interface Call {
  key: number;
  signal: AbortSignal;
  resolve: (v: string) => void;
  reject: (e: unknown) => void;
}

function fake(options: { keep?: number; policy?: 'replace' | 'latest' } = {}) {
  const calls: Call[] = [];
  let current = 0;
  const r = new Runner<number, string>(
    {
      key: () => current,
      run: (key, io) =>
        new Promise<string>((resolve, reject) => {
          calls.push({ key, signal: io.signal, resolve, reject });
          io.signal.addEventListener('abort', () => reject(new ComputeRequestError({ kind: 'cancelled', message: 'cancelled' })));
        }),
      ...options,
    },
    false,
  );
  const wish = (k: number) => {
    current = k;
    r.wish(k);
  };
  return { r, calls, wish };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('runner', () => {
  it('replace: a new key aborts the one in flight, and only the newest result is shown', async () => {
    const { r, calls, wish } = fake();
    wish(1);
    wish(2);
    expect(calls.map((c) => c.key)).toEqual([1, 2]);
    expect(calls[0].signal.aborted).toBe(true);
    expect(r.busy).toBe(true);
    calls[0].resolve('one'); // a late answer of the aborted request is ignored
    calls[1].resolve('two');
    await tick();
    expect(r.result).toBe('two');
    expect(r.resultKey).toBe(2);
    expect(r.busy).toBe(false);
    expect(r.progress).toBeNull();
  });

  it('latest: the request in flight finishes, then only the newest of the keys wished meanwhile is computed', async () => {
    const { r, calls, wish } = fake({ policy: 'latest' });
    wish(1);
    wish(2);
    wish(3);
    expect(calls.map((c) => c.key)).toEqual([1]);
    calls[0].resolve('one');
    await tick();
    expect(r.result).toBe('one');
    expect(calls.map((c) => c.key)).toEqual([1, 3]);
    calls[1].resolve('three');
    await tick();
    expect(r.result).toBe('three');
  });

  it('keep: going back to a kept key shows its result at once, without computing', async () => {
    const { r, calls, wish } = fake({ keep: 2 });
    wish(1);
    calls[0].resolve('one');
    await tick();
    wish(2);
    calls[1].resolve('two');
    await tick();
    wish(1);
    expect(calls).toHaveLength(2);
    expect(r.result).toBe('one');
    wish(3);
    calls[2].resolve('three');
    await tick();
    wish(2); // kept: 1 and 3 (2 was the oldest)
    expect(calls).toHaveLength(4);
  });

  it('an error is shown for its key; returning to a kept result clears it (the stale-error case)', async () => {
    const { r, calls, wish } = fake({ keep: 3 });
    wish(1);
    calls[0].resolve('one');
    await tick();
    wish(2);
    calls[1].reject(new ComputeRequestError({ kind: 'model', message: 'no model named "x" in the manifest' }));
    await tick();
    expect(r.error?.message).toBe('The x model is not part of this build yet (no model named "x" in the manifest).');
    expect(r.result).toBe('one');
    wish(2); // the same failed key is not asked again by itself
    expect(calls).toHaveLength(2);
    wish(1);
    expect(r.result).toBe('one');
    expect(r.error).toBeNull();
  });

  it('retry computes the failed key again and clears the error while it computes', async () => {
    const { r, calls, wish } = fake();
    wish(5);
    calls[0].reject(new ComputeRequestError({ kind: 'data', message: 'the server answered 500' }));
    await tick();
    expect(r.error?.message).toBe('the server answered 500');
    r.retry();
    expect(r.error).toBeNull();
    expect(calls).toHaveLength(2);
    calls[1].resolve('five');
    await tick();
    expect(r.result).toBe('five');
  });

  it('cancel aborts the request and leaves no progress or error behind', async () => {
    const { r, calls, wish } = fake();
    wish(1);
    r.cancel();
    await tick();
    expect(calls[0].signal.aborted).toBe(true);
    expect(r.progress).toBeNull();
    expect(r.error).toBeNull();
    expect(r.result).toBeNull();
  });

  it('progress reports of the current request are shown, those of an aborted one are not', async () => {
    const progressOf: ((p: { fraction: number; label: string }) => void)[] = [];
    let current = 1;
    const r = new Runner<number, string>(
      {
        key: () => current,
        run: (_k, io) => {
          progressOf.push(io.progress);
          return new Promise(() => {});
        },
      },
      false,
    );
    r.wish(1);
    current = 2;
    r.wish(2);
    progressOf[0]({ fraction: 0.9, label: 'old' });
    expect(r.progress?.label).toBe('starting');
    progressOf[1]({ fraction: 0.4, label: 'new' });
    expect(r.progress).toEqual({ fraction: 0.4, label: 'new' });
  });
});

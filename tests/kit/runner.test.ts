/**
 * The keyed runner every figure computes through, with a fake compute: the newest wish wins, a kept
 * result comes back at once, an error is never shown beside a newer result, cancel frees the figure.
 */
import { describe, expect, it } from 'vitest';
import { Runner, Settling } from '../../src/figures/kit/runner.svelte.ts';
import { ComputeRequestError } from '../../src/compute/client.ts';

interface Call {
  key: number;
  signal: AbortSignal;
  resolve: (v: string) => void;
  reject: (e: unknown) => void;
}

function fake(options: { keep?: number; policy?: 'replace' | 'latest'; delay?: number; ahead?: (key: number) => string | undefined } = {}) {
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

  it('far from the viewport and not allowed, the request in flight stops; near again, its key is asked for again', async () => {
    const { r, calls } = fake();
    r.follow(1, true, true);
    expect(calls.map((c) => c.key)).toEqual([1]);
    // not allowed for another reason (another runner of the figure computes first) while near: it goes on
    r.follow(1, false, true);
    expect(calls[0].signal.aborted).toBe(false);
    expect(r.busy).toBe(true);
    // the figure went far (its `when` no longer holds): stopped, nothing shown, no error
    r.follow(1, false, false);
    expect(calls[0].signal.aborted).toBe(true);
    await tick();
    expect(r.busy).toBe(false);
    expect(r.error).toBeNull();
    expect(r.result).toBeNull();
    // back near and allowed: the same key again, computed and shown
    r.follow(1, true, true);
    expect(calls.map((c) => c.key)).toEqual([1, 1]);
    calls[1].resolve('one');
    await tick();
    expect(r.result).toBe('one');
    // far with a result shown and nothing in flight: the result stays
    r.follow(1, false, false);
    expect(r.result).toBe('one');
  });

  it('a runner allowed while far (a computation the page asked for on purpose) is not stopped', async () => {
    const { r, calls } = fake();
    r.follow(1, true, false);
    r.follow(1, true, false);
    expect(calls.length).toBe(1);
    expect(calls[0].signal.aborted).toBe(false);
    calls[0].resolve('one');
    await tick();
    expect(r.result).toBe('one');
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

describe('runner with results computed ahead', () => {
  const computedAhead = (k: number) => (k === 1 ? 'one, computed ahead' : k === 2 ? 'two, computed ahead' : undefined);

  it('shows the result computed ahead for its key while the live one computes, then the live one (source ahead, then browser)', async () => {
    const { r, calls } = fake({ ahead: computedAhead });
    expect(r.source).toBeNull();
    r.follow(1, true);
    expect(r.result).toBe('one, computed ahead');
    expect(r.resultKey).toBe(1);
    expect(r.source).toBe('ahead');
    // it still computes the key live
    expect(calls.map((c) => c.key)).toEqual([1]);
    expect(r.busy).toBe(true);
    calls[0].resolve('one, live');
    await tick();
    expect(r.result).toBe('one, live');
    expect(r.source).toBe('browser');
  });

  it('a key with a result computed ahead shows it over an older live result; a key without one keeps the live result shown', async () => {
    const { r, calls } = fake({ ahead: computedAhead, keep: 3 });
    r.follow(1, true);
    calls[0].resolve('one, live');
    await tick();
    r.follow(2, true);
    expect(r.result).toBe('two, computed ahead');
    expect(r.source).toBe('ahead');
    r.follow(3, true);
    expect(r.result).toBe('one, live');
    expect(r.resultKey).toBe(1);
    expect(r.source).toBe('browser');
    // back to the key computed live: its kept result, not the one computed ahead
    r.follow(1, true);
    expect(r.result).toBe('one, live');
    expect(r.source).toBe('browser');
  });

  it('with no key (nothing to compute now) what was shown stays shown', () => {
    const { r } = fake({ ahead: computedAhead });
    r.follow(2, false);
    r.follow(null as unknown as number, false);
    expect(r.result).toBe('two, computed ahead');
    expect(r.source).toBe('ahead');
  });

  it('not allowed to compute, it still shows the result computed ahead for its key', () => {
    const { r, calls } = fake({ ahead: computedAhead });
    r.follow(2, false);
    expect(r.result).toBe('two, computed ahead');
    expect(r.source).toBe('ahead');
    expect(calls).toHaveLength(0);
    expect(r.busy).toBe(false);
  });
});

describe('settling: coarse answers while a value moves, the exact one once it rests', () => {
  function fakeSettling(rest = 20, ahead?: (key: number) => string | undefined) {
    const calls: (Call & { coarse: boolean })[] = [];
    let current = 0;
    const s = new Settling<number, string>(
      {
        key: () => current,
        run: (key, io, coarse) =>
          new Promise<string>((resolve, reject) => {
            calls.push({ key, coarse, signal: io.signal, resolve, reject });
            io.signal.addEventListener('abort', () => reject(new ComputeRequestError({ kind: 'cancelled', message: 'cancelled' })));
          }),
        rest,
        ahead,
      },
      false,
    );
    // what the figure's effects do when the key changes: both runners wish it (the coarse one only while the exact
    // answer shown is not for it)
    const wish = (k: number) => {
      current = k;
      s.exact.follow(k, true);
      if (JSON.stringify(s.exact.resultKey) !== JSON.stringify(k)) s.approximate.wish(k);
    };
    return { s, calls, wish };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('with an exact answer computed ahead for the key, shows it at once (source ahead), asks for no coarse one, and the exact answer computed here replaces it', async () => {
    const { s, calls, wish } = fakeSettling(20, (k) => (k === 5 ? 'five, computed ahead' : undefined));
    wish(5);
    expect(s.shown).toBe('five, computed ahead');
    expect(s.source).toBe('ahead');
    expect(s.coarse).toBe(false);
    expect(calls.map((c) => [c.key, c.coarse])).toEqual([[5, false]]);
    calls[0].resolve('five, exact');
    await tick();
    expect(s.shown).toBe('five, exact');
    expect(s.source).toBe('browser');
  });

  it('shows each coarse answer as it comes while the value moves, then the exact answer where it rests', async () => {
    const { s, calls, wish } = fakeSettling();
    wish(1);
    // the first exact answer is asked at once (nothing is shown yet)
    const exact1 = calls.find((c) => !c.coarse && c.key === 1)!;
    exact1.resolve('exact 1');
    for (const c of calls.filter((c) => c.coarse)) c.resolve(`coarse ${c.key}`);
    await tick();
    expect(s.shown).toBe('exact 1');
    expect(s.coarse).toBe(false);
    // the value moves: coarse answers, one in flight at a time, the newest next; the exact one waits for a rest
    wish(2);
    wish(3);
    wish(4);
    expect(calls.filter((c) => !c.coarse).map((c) => c.key)).toEqual([1]);
    const coarse2 = calls.find((c) => c.coarse && c.key === 2)!;
    expect(calls.some((c) => c.coarse && c.key === 3)).toBe(false);
    coarse2.resolve('coarse 2');
    await tick();
    expect(s.shown).toBe('coarse 2');
    expect(s.coarse).toBe(true);
    expect(s.shownKey).toBe(2);
    // then the newest value wished meanwhile, not the one between
    const coarse4 = calls.find((c) => c.coarse && c.key === 4)!;
    expect(calls.some((c) => c.coarse && c.key === 3)).toBe(false);
    coarse4.resolve('coarse 4');
    await tick();
    expect(s.shown).toBe('coarse 4');
    // the value rests: the exact answer for it, which replaces the coarse one
    await sleep(40);
    const exact4 = calls.find((c) => !c.coarse && c.key === 4)!;
    expect(s.busy).toBe(true);
    exact4.resolve('exact 4');
    await tick();
    expect(s.shown).toBe('exact 4');
    expect(s.coarse).toBe(false);
    expect(s.busy).toBe(false);
  });

  it('an exact answer for a value left behind does not replace a newer coarse one', async () => {
    const { s, calls, wish } = fakeSettling();
    wish(1);
    calls.find((c) => !c.coarse && c.key === 1)!.resolve('exact 1');
    calls.find((c) => c.coarse && c.key === 1)!.resolve('coarse 1');
    await tick();
    expect(s.shown).toBe('exact 1');
    wish(2);
    await sleep(40);
    // the exact answer for 2 is under way when the value moves on to 3
    const exact2 = calls.find((c) => !c.coarse && c.key === 2)!;
    for (const c of calls.filter((c) => c.coarse && c.key === 2)) c.resolve('coarse 2');
    await tick();
    wish(3);
    expect(exact2.signal.aborted).toBe(true);
    calls.find((c) => c.coarse && c.key === 3)!.resolve('coarse 3');
    await tick();
    expect(s.shown).toBe('coarse 3');
    expect(s.coarse).toBe(true);
  });
});

describe('runner with a delay', () => {
  it('waits for a rest before asking, and stops a request in flight for a key left behind at once', async () => {
    const { r, calls, wish } = fake({ delay: 20 });
    wish(1);
    calls[0].resolve('one');
    await tick();
    wish(2);
    wish(3);
    expect(calls.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls.map((c) => c.key)).toEqual([1, 3]);
    wish(4);
    expect(calls[1].signal.aborted).toBe(true);
    expect(r.result).toBe('one');
  });
});

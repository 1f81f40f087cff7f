/**
 * The kit's live-training session (src/figures/kit/session.ts), the state
 * machine behind session(), with a fake epoch function whose answers the test
 * releases one at a time: start, pause (the epoch in flight still comes),
 * resume, reset (a late answer belongs to no curve), new settings, scrolled
 * away and back, auto start, errors and retry, more epochs.
 */
import { describe, expect, it } from 'vitest';
import { TrainingSession, type SessionOptions } from '../../src/figures/kit/session.ts';

interface Settings {
  seed: number;
}
interface Epoch {
  session: number;
  seed: number;
  n: number;
}

/** A fake worker: each epoch waits until the test answers it (or fails it). */
function fake(o: { epochs?: number; auto?: (n: number) => boolean; when?: boolean } = {}) {
  const settings: Settings = { seed: 1 };
  const env = { epochs: o.epochs ?? 3, when: o.when ?? true };
  const pending: { session: number; resolve: (e: Epoch) => void; reject: (e: unknown) => void; settings: Settings }[] = [];
  const resets: number[] = [];
  const perSession = new Map<number, number>();
  const options: SessionOptions<Settings, Epoch> = {
    settings: () => ({ ...settings }),
    epoch: (s, session, io) =>
      new Promise<Epoch>((resolve, reject) => {
        io.progress({ fraction: 0.5, label: 'half' });
        pending.push({ session, resolve, reject, settings: s });
      }),
    reset: async (_s, session) => {
      resets.push(session);
    },
    epochs: () => env.epochs,
    when: () => env.when,
    auto: o.auto,
  };
  const t = new TrainingSession(options);
  /** Answers the oldest epoch asked for, then lets the session go on. */
  async function answer(): Promise<Epoch> {
    const p = pending.shift();
    if (!p) throw new Error('no epoch was asked for');
    const n = (perSession.get(p.session) ?? 0) + 1;
    perSession.set(p.session, n);
    const e = { session: p.session, seed: p.settings.seed, n };
    p.resolve(e);
    await flush();
    return e;
  }
  async function fail(message: string): Promise<void> {
    pending.shift()!.reject(new Error(message));
    await flush();
  }
  return { t, settings, env, pending, resets, answer, fail };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('the live-training session', () => {
  it('trains the epochs asked for, one request at a time, then stops', async () => {
    const f = fake({ epochs: 3 });
    f.t.start();
    expect(f.t.running).toBe(true);
    expect(f.t.computing).toBe(true);
    expect(f.t.progress).toEqual({ fraction: 0.5, label: 'half' });
    expect(f.pending).toHaveLength(1);
    await f.answer();
    expect(f.pending).toHaveLength(1);
    await f.answer();
    await f.answer();
    expect(f.t.history.map((e) => e.n)).toEqual([1, 2, 3]);
    expect(f.pending).toHaveLength(0);
    expect(f.t.running).toBe(false);
    expect(f.t.computing).toBe(false);
    expect(f.t.progress).toBeNull();
    expect(f.t.done).toBe(true);
    // Start on a finished training does nothing
    f.t.start();
    expect(f.pending).toHaveLength(0);
  });

  it('a pause waits for the epoch in flight, keeps its answer, then asks for nothing; Start goes on', async () => {
    const f = fake({ epochs: 10 });
    f.t.start();
    await f.answer();
    f.t.pause();
    expect(f.t.running).toBe(false);
    expect(f.t.paused).toBe(true);
    // the second epoch is still in flight: computing until its answer comes
    expect(f.t.computing).toBe(true);
    await f.answer();
    expect(f.t.computing).toBe(false);
    expect(f.t.history).toHaveLength(2);
    await flush();
    expect(f.pending).toHaveLength(0);
    f.t.start();
    expect(f.t.paused).toBe(false);
    await f.answer();
    expect(f.t.history.map((e) => e.n)).toEqual([1, 2, 3]);
    expect(f.t.history.every((e) => e.session === f.t.history[0].session)).toBe(true);
  });

  it('a reset starts a new session; an epoch answered for the old one belongs to no curve', async () => {
    const f = fake({ epochs: 5 });
    f.t.start();
    await f.answer();
    const first = f.t.id;
    const resetting = f.t.reset();
    expect(f.t.running).toBe(false);
    expect(f.t.history).toEqual([]);
    await resetting;
    expect(f.resets).toEqual([first + 1]);
    // the epoch that was in flight comes back late: dropped
    await f.answer();
    expect(f.t.history).toEqual([]);
    expect(f.t.computing).toBe(false);
    expect(f.t.last?.n).toBe(1);
    f.t.start();
    const e = await f.answer();
    expect(e.session).toBe(first + 1);
    expect(e.n).toBe(1);
    expect(f.t.history).toEqual([e]);
  });

  it('new settings train again from a new session, going on if it was training', async () => {
    const f = fake({ epochs: 5 });
    f.t.start();
    await f.answer();
    f.settings.seed = 2;
    f.t.settingsChanged();
    await flush();
    expect(f.t.history).toEqual([]);
    // the old epoch's answer is dropped; training goes on with the new seed
    await f.answer();
    expect(f.t.history).toEqual([]);
    await flush();
    const e = await f.answer();
    expect(e.seed).toBe(2);
    expect(f.t.history).toEqual([e]);
    expect(f.t.running).toBe(true);
    // the same settings again: nothing happens
    f.t.settingsChanged();
    expect(f.t.history).toEqual([e]);
  });

  it('new settings on a paused training reset it and leave it paused', async () => {
    const f = fake({ epochs: 5, auto: () => true });
    f.t.start();
    await f.answer();
    f.t.pause();
    await f.answer();
    f.settings.seed = 3;
    f.t.settingsChanged();
    await flush();
    expect(f.t.history).toEqual([]);
    expect(f.t.running).toBe(false);
    expect(f.pending).toHaveLength(0);
  });

  it('scrolled away it pauses by itself and goes on when back; a pause by the reader stays', async () => {
    const f = fake({ epochs: 10 });
    f.t.start();
    await f.answer();
    f.env.when = false;
    f.t.whenChanged(false);
    expect(f.t.running).toBe(false);
    expect(f.t.paused).toBe(false);
    await f.answer();
    expect(f.pending).toHaveLength(0);
    f.env.when = true;
    f.t.whenChanged(true);
    expect(f.t.running).toBe(true);
    await f.answer();
    expect(f.t.history).toHaveLength(3);
    f.t.pause();
    await f.answer();
    f.env.when = false;
    f.t.whenChanged(false);
    f.env.when = true;
    f.t.whenChanged(true);
    expect(f.t.running).toBe(false);
    expect(f.pending).toHaveLength(0);
  });

  it('starts by itself when allowed and `auto` says so, never after the reader paused', async () => {
    const f = fake({ epochs: 5, when: false, auto: () => true });
    f.t.whenChanged(false);
    expect(f.pending).toHaveLength(0);
    f.env.when = true;
    f.t.whenChanged(true);
    expect(f.t.running).toBe(true);
    f.t.pause();
    await f.answer();
    f.t.maybeStart();
    expect(f.pending).toHaveLength(0);

    const g = fake({ epochs: 2 });
    g.t.whenChanged(true);
    expect(g.pending).toHaveLength(0);
  });

  it('a failed epoch stops training with the error; retry clears it and goes on', async () => {
    const f = fake({ epochs: 3 });
    f.t.start();
    await f.answer();
    await f.fail('the backend is gone');
    expect(f.t.error?.message).toBe('the backend is gone');
    expect(f.t.running).toBe(false);
    expect(f.t.computing).toBe(false);
    f.t.retry();
    expect(f.t.error).toBeNull();
    await f.answer();
    await f.answer();
    expect(f.t.history).toHaveLength(3);
  });

  it('more epochs asked for while training are trained', async () => {
    const f = fake({ epochs: 2 });
    f.t.start();
    await f.answer();
    f.env.epochs = 4;
    f.t.epochsChanged();
    await f.answer();
    await f.answer();
    await f.answer();
    expect(f.t.history).toHaveLength(4);
    expect(f.t.running).toBe(false);
    expect(f.pending).toHaveLength(0);
  });
});

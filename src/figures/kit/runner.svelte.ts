/**
 * The keyed request runner every computing figure uses: it computes when its
 * key changes (and `when` allows), shows progress, keeps the newest results by
 * key (going back to a state is instant), and never shows an old error beside
 * a result. Two policies: 'replace' aborts the request in flight for the new
 * one; 'latest' lets it finish and then asks only for the newest key (a slider
 * dragged across many values computes the first and the last).
 *
 *   const plane = runner({ key: () => ({ model: s.model }), run: (k, io) => call(slice, k, io), when: () => fig.live });
 */
import { onDestroy, untrack } from 'svelte';
import type { Progress } from '../../compute/messages.ts';
import { describeError, errorInfo, type ShownError } from './errors.ts';
import { figureNear } from './nearViewport.ts';

export interface RunIo {
  signal: AbortSignal;
  progress: (p: Progress) => void;
}

export interface RunnerOptions<K, R> {
  /** What to compute; compared as JSON. null: nothing to compute now. */
  key: () => K | null;
  run: (key: K, io: RunIo) => Promise<R>;
  /** Whether it may compute now (usually: the figure is near the viewport and the worker is up). */
  when?: () => boolean;
  /** How many results to keep by key (default 1: only the shown one). */
  keep?: number;
  /**
   * What a new key does to the request in flight: 'replace' aborts it, 'latest' lets it finish and then asks
   * only for the newest key; or a choice per pair (e.g. abort only when the new key makes the one in flight useless).
   */
  policy?: 'replace' | 'latest' | ((inflight: K, next: K) => 'replace' | 'latest');
  /** Once a result is shown, wait this many ms after a change of key before asking (a burst of changes asks once). */
  delay?: number;
  /**
   * Stop the request in flight when the key moves on while `when` forbids the new one (default: it goes on and its
   * result is kept): a figure that computes one thing at a time stops what no longer answers its state.
   */
  cancelStale?: boolean;
  /**
   * Whether the figure is near the viewport (default: the figure's own, from its context; else always). Far from it,
   * with `when` not holding, the request in flight stops, so that the article's one worker turns to the figures the
   * reader is at; it is asked for again when the figure comes near.
   */
  near?: () => boolean;
  /**
   * The result computed ahead for a key (`kit/ahead.svelte.ts`: the default state's, and each scroll step's, computed
   * in Node by `npm run ahead`), or undefined. While the runner has no live result for its key it shows this one
   * (`source` 'ahead'), and the live answer replaces it when it comes, drawn by the same code. Read from the key as
   * the figure renders until the runner's effect has followed it, so that the page is served with it.
   */
  ahead?: (key: K) => R | undefined;
}

/** Orders the results of all runners as they are shown (which of two runners answered last). */
let shownCount = 0;

export class Runner<K, R> {
  /**
   * Raw, not deeply reactive: a result is replaced whole, never changed in place, and a deep proxy over it made
   * every read of its arrays (thousands in a figure's loops) a tracked read, tens of ms an answer while a slider moves.
   */
  private live = $state.raw<R | null>(null);
  private liveKey = $state.raw<K | null>(null);
  /**
   * The result computed ahead for the key asked for now, if there is one; undefined until the runner's effect has
   * followed its key (never on the server, not yet while hydrating), when `ahead` is read from the key as the figure
   * renders: the page is served with that result drawn, and hydration finds the same.
   */
  private aheadNow = $state.raw<{ k: string; key: K; result: R } | null | undefined>(undefined);
  private get aheadShown(): { k: string; key: K; result: R } | null {
    if (this.aheadNow !== undefined) return this.aheadNow;
    const key = this.o.key();
    const result = key !== null ? this.o.ahead?.(key) : undefined;
    return result !== undefined ? { k: JSON.stringify(key), key: key!, result } : null;
  }
  /** When the shown result was shown, as a count over every runner: the larger, the newer. */
  shownAt = $state(0);
  progress = $state<Progress | null>(null);
  error = $state<ShownError | null>(null);

  private o: RunnerOptions<K, R>;
  private cache = new Map<string, { key: K; result: R }>();
  private controller: AbortController | null = null;
  private inflight: string | null = null;
  private inflightKey: K | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown = $state.raw<string | null>(null);
  private failed: string | null = null;
  private waiting: K | null = null;

  constructor(o: RunnerOptions<K, R>, auto = true) {
    this.o = o;
    if (auto) {
      const near = o.near ?? figureNear();
      $effect(() => {
        const key = o.key();
        const allowed = o.when ? o.when() : true;
        const isNear = near ? near() : true;
        const ahead = key !== null && o.ahead ? o.ahead(key) : undefined;
        untrack(() => this.follow(key, allowed, isNear, ahead));
      });
      onDestroy(() => this.cancel());
    }
  }

  /**
   * What the runner does when its key, `when` or the figure's nearness changes: computes the key where allowed;
   * else stops the request in flight when the figure is far (it is asked for again once near and allowed), or, with
   * `cancelStale`, when it no longer answers the key. `ahead`: the result computed ahead for the key (by default
   * looked up with the `ahead` option).
   */
  follow(key: K | null, allowed: boolean, near = true, ahead: R | undefined = key !== null ? this.o.ahead?.(key) : undefined): void {
    // no key (nothing to compute now): what is shown stays, as a live result does
    if (key !== null) this.aheadNow = ahead !== undefined ? { k: JSON.stringify(key), key, result: ahead } : null;
    if (allowed && key !== null) this.wish(key);
    else if (this.inflight !== null && !near) this.cancel();
    else if (this.o.cancelStale && this.inflight !== null && (key === null || JSON.stringify(key) !== this.inflight)) this.cancel();
  }

  /** The shown result: the live one for the key asked for, else the one computed ahead for it, else the last live one. */
  get result(): R | null {
    const a = this.aheadShown;
    return a !== null && a.k !== this.shown ? a.result : this.live;
  }

  /** The key of the shown result. */
  get resultKey(): K | null {
    const a = this.aheadShown;
    return a !== null && a.k !== this.shown ? a.key : this.liveKey;
  }

  /** Where the shown result was computed: ahead (in Node, shipped with the page), here in the browser, or none yet. */
  get source(): 'ahead' | 'browser' | null {
    const a = this.aheadShown;
    return a !== null && a.k !== this.shown ? 'ahead' : this.live !== null ? 'browser' : null;
  }

  /** Computing now. */
  get busy(): boolean {
    return this.progress !== null;
  }

  /** Asks for the result of this key (what the effect calls when the key changes). */
  wish(key: K, force = false): void {
    const k = JSON.stringify(key);
    clearTimeout(this.timer);
    if (!force) {
      if (k === this.inflight) {
        // back to the one computing: nothing newer is wanted
        this.waiting = null;
        return;
      }
      if (k === this.shown && this.error === null && this.inflight === null) return;
      if (k === this.failed && this.inflight === null) return;
      const kept = this.cache.get(k);
      if (kept) {
        // the newest used is the last evicted
        this.cache.delete(k);
        this.cache.set(k, kept);
        this.abort();
        this.show(k, kept.key, kept.result);
        return;
      }
      if (k === this.shown && this.inflight !== null) {
        // back to what is shown while another computes: stop that one
        this.abort();
        return;
      }
    }
    if (!force && (this.o.delay ?? 0) > 0 && this.live !== null) {
      // a request in flight for a key left behind stops now, unless the policy lets it finish
      const policy = this.o.policy ?? 'replace';
      if (this.inflightKey !== null && (typeof policy === 'function' ? policy(this.inflightKey, key) : policy) === 'replace') this.abort();
      // still allowed when the wait is over (the figure may have gone far); else the key is wished again when it is
      this.timer = setTimeout(() => (this.o.when?.() ?? true) && this.ask(k, key), this.o.delay);
      return;
    }
    this.ask(k, key);
  }

  private ask(k: string, key: K): void {
    const policy = this.o.policy ?? 'replace';
    if (this.inflightKey !== null && (typeof policy === 'function' ? policy(this.inflightKey, key) : policy) === 'latest') {
      this.waiting = key;
      return;
    }
    this.abort();
    void this.start(k, key);
  }

  /** Computes the current key again (the Retry button). */
  retry(): void {
    this.error = null;
    this.failed = null;
    const key = this.o.key();
    if (key !== null) this.wish(key, true);
  }

  /** Stops the request in flight (the figure left, or the reader cancelled). */
  cancel(): void {
    clearTimeout(this.timer);
    this.waiting = null;
    this.abort();
  }

  /** Forgets kept results (what they were computed from changed). */
  forget(): void {
    this.cache.clear();
    this.shown = null;
  }

  private show(k: string, key: K, result: R) {
    this.live = result;
    this.liveKey = key;
    this.shownAt = ++shownCount;
    this.shown = k;
    this.error = null;
    this.failed = null;
  }

  private abort() {
    this.controller?.abort();
    this.controller = null;
    this.inflight = null;
    this.inflightKey = null;
    this.waiting = null;
    this.progress = null;
  }

  private async start(k: string, key: K) {
    const mine = new AbortController();
    this.controller = mine;
    this.inflight = k;
    this.inflightKey = key;
    this.failed = null;
    this.progress = { fraction: 0, label: 'starting' };
    try {
      const result = await this.o.run(key, { signal: mine.signal, progress: (p) => this.controller === mine && (this.progress = p) });
      if (this.controller !== mine) return;
      this.cache.delete(k);
      this.cache.set(k, { key, result });
      while (this.cache.size > Math.max(1, this.o.keep ?? 1)) this.cache.delete(this.cache.keys().next().value!);
      this.show(k, key, result);
    } catch (e) {
      const info = errorInfo(e);
      if (this.controller === mine && info.kind !== 'cancelled' && !mine.signal.aborted) {
        this.error = describeError(info);
        this.failed = k;
      }
    } finally {
      if (this.controller === mine) {
        this.controller = null;
        this.inflight = null;
        this.inflightKey = null;
        this.progress = null;
        const next = this.waiting;
        this.waiting = null;
        if (next !== null) this.wish(next);
      }
    }
  }
}

export interface SettlingOptions<K, R> {
  key: () => K | null;
  /** Computes the exact answer for the key, or (`coarse` true) a quick approximation of it (a subset of the digits). */
  run: (key: K, io: RunIo, coarse: boolean) => Promise<R>;
  when?: () => boolean;
  /** How many exact answers to keep by key (default 4: going back to a value just left is instant). */
  keep?: number;
  /** How long the value must rest before the exact answer is asked for, in ms (default 250). */
  rest?: number;
  /** Whether a coarse answer for this key may stand for the state asked for (default: any; e.g. only for the same model). */
  fits?: (key: K) => boolean;
  /** The exact answer computed ahead for a key (as the runner's `ahead`): shown at once, with no coarse answer asked for. */
  ahead?: (key: K) => R | undefined;
}

/**
 * A value a reader drags (a slider), where the exact answer costs more than a frame or two: two runners. While the
 * value moves, a coarse answer at once (one request in flight, then the newest value); once it has rested for
 * `rest` ms, the exact one (a newer value stops it). `shown` is the exact answer for the key asked for, else the
 * newer of the two: a drag starts from the exact picture and each coarse answer replaces it as it comes. The figure
 * says in its live line when what it shows is coarse (`coarse`).
 */
export class Settling<K, R> {
  readonly exact: Runner<K, R>;
  readonly approximate: Runner<K, R>;
  private o: SettlingOptions<K, R>;

  constructor(o: SettlingOptions<K, R>, auto = true) {
    this.o = o;
    this.exact = new Runner<K, R>({ key: o.key, run: (k, io) => o.run(k, io, false), when: o.when, delay: o.rest ?? 250, keep: o.keep ?? 4, ahead: o.ahead }, auto);
    this.approximate = new Runner<K, R>(
      { key: o.key, run: (k, io) => o.run(k, io, true), when: () => (o.when ? o.when() : true) && !this.exactFor(this.exact.resultKey), policy: 'latest' },
      auto,
    );
  }

  /** This key is the one asked for now. */
  private exactFor(k: K | null): boolean {
    const now = this.o.key();
    return k !== null && now !== null && JSON.stringify(k) === JSON.stringify(now);
  }

  /** What the figure shows: the exact answer for the key asked for, else the newer of the two answers. */
  get shown(): R | null {
    const e = this.exact;
    const c = this.approximate;
    if (e.result !== null && this.exactFor(e.resultKey)) return e.result;
    const fits = c.resultKey !== null && (this.o.fits ? this.o.fits(c.resultKey) : true);
    if (c.result !== null && fits && c.shownAt > e.shownAt) return c.result;
    return e.result ?? (fits ? c.result : null);
  }

  /** What is shown is the coarse answer. */
  get coarse(): boolean {
    const r = this.shown;
    return r !== null && r === this.approximate.result && r !== this.exact.result;
  }

  /** Where what is shown was computed: ahead (the exact answer shipped with the page), here, or none yet. */
  get source(): 'ahead' | 'browser' | null {
    const r = this.shown;
    return r === null ? null : r === this.exact.result ? this.exact.source : 'browser';
  }

  /** The key of what is shown. */
  get shownKey(): K | null {
    return this.coarse ? this.approximate.resultKey : this.exact.resultKey;
  }

  /** The exact answer is computing, or still to come for what is shown (a coarse answer is shown). */
  get busy(): boolean {
    return this.exact.busy || this.coarse;
  }

  get progress() {
    return this.exact.progress;
  }

  get error(): ShownError | null {
    return this.exact.error ?? this.approximate.error;
  }

  retry(): void {
    for (const r of [this.exact, this.approximate]) if (r.error) r.retry();
  }

  cancel(): void {
    this.exact.cancel();
    this.approximate.cancel();
  }
}

/** Two runners for a dragged value, coarse while it moves and exact once it rests (see Settling). */
export function settling<K, R>(o: SettlingOptions<K, R>): Settling<K, R> {
  return new Settling(o);
}

/** A runner bound to the component: it follows its key and stops when the component goes. */
export function runner<K, R>(o: RunnerOptions<K, R>): Runner<K, R> {
  return new Runner(o);
}

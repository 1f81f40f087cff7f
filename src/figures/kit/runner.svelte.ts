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
}

export class Runner<K, R> {
  result = $state<R | null>(null);
  resultKey = $state<K | null>(null);
  progress = $state<Progress | null>(null);
  error = $state<ShownError | null>(null);

  private o: RunnerOptions<K, R>;
  private cache = new Map<string, { key: K; result: R }>();
  private controller: AbortController | null = null;
  private inflight: string | null = null;
  private inflightKey: K | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown: string | null = null;
  private failed: string | null = null;
  private waiting: K | null = null;

  constructor(o: RunnerOptions<K, R>, auto = true) {
    this.o = o;
    if (auto) {
      $effect(() => {
        const key = o.key();
        const allowed = o.when ? o.when() : true;
        untrack(() => {
          if (allowed && key !== null) this.wish(key);
          else if (o.cancelStale && this.inflight !== null && (key === null || JSON.stringify(key) !== this.inflight)) this.cancel();
        });
      });
      onDestroy(() => this.cancel());
    }
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
    if (!force && (this.o.delay ?? 0) > 0 && this.result !== null) {
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
    this.result = result;
    this.resultKey = key;
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

/** A runner bound to the component: it follows its key and stops when the component goes. */
export function runner<K, R>(o: RunnerOptions<K, R>): Runner<K, R> {
  return new Runner(o);
}

/**
 * A figure's results computed ahead (`kit/ahead.ts`, `npm run ahead`), loaded as their own chunk when the figure
 * hydrates (a dynamic import: the JavaScript read before the worker starts does not grow), and looked up by a
 * runner's key for its `ahead` option:
 *
 *   const ahead = aheadResults(() => import('./ahead.json'));
 *   runner({ key, run, ahead: ahead.lookup(fgsmSweep.name, decodeCurve) });
 */
import { findAhead, type AheadEntry, type AheadFile } from './ahead.ts';

export class AheadResults<E> {
  /** The file, once loaded (null before, and where it could not be loaded: the figure then computes as before). */
  file = $state.raw<AheadFile<E> | null>(null);
  private decoded = new WeakMap<AheadEntry<E>, unknown>();

  constructor(load: () => Promise<{ default: unknown }>) {
    // in the browser only: the page as served stays as it was; the file arrives a moment after hydration
    if (typeof window === 'undefined') return;
    load().then(
      (m) => (this.file = m.default as AheadFile<E>),
      () => {},
    );
  }

  /** The runner's `ahead` option for one request: the entry for a key, decoded once. */
  lookup<K, R, X = E>(request: string, decode: (entry: X, key: K) => R): (key: K) => R | undefined {
    return (key) => {
      const file = this.file;
      const entry = file ? findAhead(file, request, key) : undefined;
      if (!entry) return undefined;
      if (!this.decoded.has(entry)) this.decoded.set(entry, decode(entry.result as unknown as X, key));
      return this.decoded.get(entry) as R;
    };
  }
}

export function aheadResults<E>(load: () => Promise<{ default: unknown }>): AheadResults<E> {
  return new AheadResults<E>(load);
}

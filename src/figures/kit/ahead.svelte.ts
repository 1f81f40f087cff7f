/**
 * A figure's results computed ahead (`kit/ahead.ts`, `npm run ahead`), imported with the figure's code and looked up
 * by a runner's key for its `ahead` option:
 *
 *   import aheadFile from './ahead.json';
 *   const ahead = aheadResults(aheadFile);
 *   runner({ key, run, ahead: ahead.lookup(fgsmSweep.name, decodeCurve) });
 *
 * The file is there as the figure renders, on the server and in the browser alike: the page is served with the
 * default state's results drawn (and stands so without JavaScript), and hydration finds the same results, so it
 * neither redraws the figure nor shows it empty first. It loads with the figure's own chunk, when the figure
 * hydrates, so the JavaScript read before the worker starts does not grow.
 */
import { findAhead, type AheadEntry, type AheadFile } from './ahead.ts';

export class AheadResults<E> {
  readonly file: AheadFile<E>;
  private decoded = new WeakMap<AheadEntry<E>, unknown>();

  constructor(file: unknown) {
    this.file = file as AheadFile<E>;
  }

  /** The runner's `ahead` option for one request: the entry for a key, decoded once. */
  lookup<K, R, X = E>(request: string, decode: (entry: X, key: K) => R): (key: K) => R | undefined {
    return (key) => {
      const entry = findAhead(this.file, request, key);
      if (!entry) return undefined;
      if (!this.decoded.has(entry)) this.decoded.set(entry, decode(entry.result as unknown as X, key));
      return this.decoded.get(entry) as R;
    };
  }
}

export function aheadResults<E>(file: unknown): AheadResults<E> {
  return new AheadResults<E>(file);
}

/**
 * Results computed ahead: what a figure shows before the worker answers. `npm run ahead` (scripts/ahead.ts) asks
 * each listed figure's own worker handlers (its compute.ts) in Node, with a Node RequestContext on the shipped models
 * and the official test digits, for its default state's requests (and, where cheap, each scroll step's), and writes
 * them to the figure's folder as `ahead.json`: numbers rounded, images 8-bit, with what made them and the hashes of
 * the weights they were computed from. The figure imports the file with its code
 * (`kit/ahead.svelte.ts`) and gives its runners the `ahead` option: the page is served with those results drawn,
 * and the live answer replaces them when it comes, drawn by the same code. No TensorFlow.js here (page-side).
 */
import { fromBase64, rounded, toBase64 } from './finished.ts';
import type { RowResult } from '../../lib/analysis/reproduce.ts';

export { rounded } from './finished.ts';

/** One result computed ahead: the request's name, the runner's key it answers, and the result as the file holds it. */
export interface AheadEntry<E = unknown> {
  request: string;
  key: unknown;
  result: E;
}

export interface AheadFile<E = unknown> {
  /** What made the file and how. */
  generatedBy: string;
  /** The backend Node computed on. */
  backend: string;
  /** The sha256 of each weight file the results were computed from, as models/manifest.json has it. */
  weights: Record<string, string>;
  entries: AheadEntry<E>[];
}

/** One request the script asks a figure's handler: the runner's key, and the request sent for it (the key, by default). */
export interface AheadAsk {
  request: string;
  key: object;
  ask?: object;
  /** The models the answer depends on (their weight files' hashes go into the file). */
  models: string[];
  /** Cheap enough (a second or two in Node) for tests/unit/ahead.test.ts to compute again and compare. */
  cheap?: boolean;
}

/** Each request and key asked once, the first ask kept: a scroll step often asks what the default state or an earlier
 *  step already does. */
export function uniqueAsks(asks: AheadAsk[]): AheadAsk[] {
  const seen = new Set<string>();
  return asks.filter((a) => {
    const id = `${a.request} ${canonical(a.key)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A figure's part of `npm run ahead`: what to ask and how each answer is written; decoding is the figure's own. */
export interface AheadPlan {
  figure: string;
  asks: AheadAsk[];
  encode: (request: string, result: unknown) => unknown;
}

/** JSON with object keys sorted and undefined left out: two keys that ask the same are the same text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The entry computed ahead for this request and key, if the file has it. */
export function findAhead<E>(file: AheadFile<E>, request: string, key: unknown): AheadEntry<E> | undefined {
  const k = canonical(key);
  return file.entries.find((e) => e.request === request && canonical(e.key) === k);
}

/** A number JSON can hold, rounded: NaN (a setting a row does not have) as null. */
export const finiteOrNull = (v: number, digits = 2): number | null => (Number.isFinite(v) ? rounded(v, digits) : null);

/** Back from JSON: null as NaN, as the worker's answer has it. */
export const nullAsNaN = (v: number | null): number => (v === null ? NaN : v);

/** A row of the reproduction's table as JSON holds it: NaN (a setting the row does not have) as null. */
export type AheadRow = Omit<RowResult, 'site' | 'siteUnclipped' | 'sitePaperSetting'> & { site: number | null; siteUnclipped: number | null; sitePaperSetting: number | null };

/** Rows for the file: each setting's number by `round` (to 2 decimals by default), NaN as null. */
export function encodeRows(rows: RowResult[], round: (v: number) => number | null = (v) => finiteOrNull(v)): AheadRow[] {
  return rows.map((x) => ({ ...x, site: round(x.site), siteUnclipped: round(x.siteUnclipped), sitePaperSetting: round(x.sitePaperSetting) }));
}

/** Rows back from the file, as the worker's answer has them. */
export function decodeRows(rows: AheadRow[]): RowResult[] {
  return rows.map((x) => ({ ...x, site: nullAsNaN(x.site), siteUnclipped: nullAsNaN(x.siteUnclipped), sitePaperSetting: nullAsNaN(x.sitePaperSetting) }));
}

/** Values in [0, 1] (a digit's pixels) as 8-bit, base64: round(255 v), clipped to [0, 1] first. */
export function encodeUnit8(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, values[i])));
  return toBase64(bytes);
}

export function decodeUnit8(data: string): Float32Array {
  return Float32Array.from(fromBase64(data), (b) => b / 255);
}

/** What a figure's live line adds while it shows results computed ahead: said so, and the live computation's progress. */
export function aheadNote(progress: { fraction: number } | null): string {
  return `Computed ahead in Node with the same code; ${progress ? `computing here: ${Math.round(progress.fraction * 100)} %.` : 'computing here once the figure starts.'}`;
}

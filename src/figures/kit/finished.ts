/**
 * A finished run, computed ahead: what a live-training figure shows until the reader presses Train. The
 * project's own script (scripts/finished-runs.ts, `npm run finished-runs`) trains the figure's default settings,
 * and each scroll step's, with the same src/lib code and seed in Node, and writes them as a compact JSON file in the
 * figure's folder (`finished.json`); tests/unit/finished-runs.test.ts trains the first epoch again and compares.
 *
 * Numbers are rounded to a few decimals; weight images are 8-bit (`encodeSigned8` / `decodeSigned8`: each value
 * divided by the image's largest |w|, mapped to 0–255). No TensorFlow.js here.
 */

/** The caption every figure shows over a finished run. */
export const FINISHED_LABEL = 'A finished run, computed ahead with the same code and seed; press Train to run it live.';

export interface FinishedFile<S, E> {
  /** What made the file and how. */
  generatedBy: string;
  backend: string;
  runs: { settings: S; epochs: E[] }[];
}

/** The finished run trained with exactly these settings (compared key by key), or null. */
export function finishedFor<S extends object, E>(file: FinishedFile<S, E>, settings: S): { settings: S; epochs: E[] } | null {
  const want = settings as Record<string, unknown>;
  return file.runs.find((r) => Object.entries(r.settings as Record<string, unknown>).every(([k, v]) => want[k] === v) && Object.keys(want).every((k) => k in (r.settings as object))) ?? null;
}

/** A number kept to `digits` decimals (the JSON's precision). */
export const rounded = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** An image of signed values as 8-bit: `scale` is the largest |value|, `data` base64 of round(127.5 (v / scale + 1)). */
export interface Signed8 {
  scale: number;
  data: string;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const ch of clean) {
    const k = B64.indexOf(ch);
    if (k < 0) throw new Error(`not base64: ${JSON.stringify(ch)}`);
    value = (value << 6) | k;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >> bits) & 255;
    }
  }
  return out;
}

export function encodeSigned8(values: ArrayLike<number>): Signed8 {
  let scale = 0;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = scale > 0 ? Math.round(127.5 * (values[i] / scale + 1)) : 128;
  return { scale: Number(scale.toPrecision(6)), data: toBase64(bytes) };
}

export function decodeSigned8(image: Signed8): Float32Array {
  const bytes = fromBase64(image.data);
  return Float32Array.from(bytes, (b) => (b / 127.5 - 1) * image.scale);
}

/**
 * The distinct training settings of a figure's default state and of each of its scroll steps (a step sets some
 * properties over the defaults), in that order: the runs a finished-run file holds.
 */
export function settingsOfSteps<T, S>(defaults: T, steps: Partial<T>[], settings: (state: T) => S): S[] {
  const out: S[] = [];
  for (const state of [defaults, ...steps.map((s) => ({ ...defaults, ...s }))]) {
    const k = settings(state);
    if (!out.some((o) => JSON.stringify(o) === JSON.stringify(k))) out.push(k);
  }
  return out;
}

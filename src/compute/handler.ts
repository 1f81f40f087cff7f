/**
 * The worker's side of a figure's request: one context that every handler
 * gets (progress, cancellation, the backend, the shipped models and digits,
 * input checks and a small memo), and the registry the dispatcher builds from
 * every figure's `compute.ts`.
 *
 *   export const handler = defineHandler(slice, async (r, ctx) => { … });
 */
import type { RequestKind } from './protocol.ts';
import type { BackendName } from './messages.ts';
import type { Model } from '../lib/analysis/batch.ts';
import type { DigitSample } from '../lib/analysis/reproduce.ts';
import { ComputeError } from './context.ts';

export interface RequestContext {
  /** The request's id (as the page sent it). */
  readonly id: number;
  /** The backend computing this request. */
  readonly backend: BackendName;
  /** Reports progress to the page: fraction in [0, 1] and what is being done. */
  progress(fraction: number, label: string): void;
  /** True once the page cancelled this request: stop at the next batch. */
  cancelled(): boolean;
  /** A shipped model by its manifest name, loaded once. */
  model(name: string): Promise<Model>;
  /** One test digit (checked to be 0 to 9999). */
  testDigit(index: number): Promise<{ pixels: Float32Array; label: number }>;
  /** The first n test digits (checked to be 1 to 10,000). */
  testSample(n: number): Promise<DigitSample>;
  /** The first n of the training digits the site ships (checked to be 1 to as many as it ships). */
  trainSample(n: number): Promise<DigitSample>;
  /** Checks of the request's fields: each returns the value or throws an input error that names it. */
  check: Checks;
  /** A result kept by key (per request name and backend), the newest `keep` kept; `make` runs on a miss. */
  memo<T>(key: unknown, make: () => Promise<T>, keep?: number): Promise<T>;
}

export interface Checks {
  integer(what: string, value: unknown, min: number, max: number): number;
  number(what: string, value: unknown, min: number, max: number): number;
  oneOf<T extends string>(what: string, value: unknown, options: readonly T[]): T;
  /** Throws an input error with this message when the condition is false. */
  that(condition: boolean, message: string): void;
}

const shown = (v: unknown) => String(typeof v === 'string' ? JSON.stringify(v) : v).slice(0, 40);
const inputError = (message: string) => new ComputeError({ kind: 'input', message });

export const checks: Checks = {
  integer(what, value, min, max) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw inputError(`${what} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${shown(value)}`);
    }
    return value;
  },
  number(what, value, min, max) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw inputError(`${what} must be a number from ${min} to ${max}, got ${shown(value)}`);
    }
    return value;
  },
  oneOf(what, value, options) {
    if (typeof value !== 'string' || !options.includes(value as never)) throw inputError(`${what} must be one of ${options.join(', ')}, got ${shown(value)}`);
    return value as (typeof options)[number];
  },
  that(condition, message) {
    if (!condition) throw inputError(message);
  },
};

export interface Handler<Q extends object, R extends object> {
  readonly kind: RequestKind<Q, R>;
  readonly run: (request: Q, ctx: RequestContext) => Promise<R>;
}

/** A figure's handler for one of its requests. */
export function defineHandler<Q extends object, R extends object>(kind: RequestKind<Q, R>, run: (request: Q, ctx: RequestContext) => Promise<R>): Handler<Q, R> {
  return Object.freeze({ kind, run });
}

const isHandler = (v: unknown): v is Handler<object, object> =>
  typeof v === 'object' && v !== null && typeof (v as Handler<object, object>).run === 'function' && typeof (v as Handler<object, object>).kind?.name === 'string';

/** Every handler exported by the given modules (a figure's compute.ts), by request name; a name answered twice is an error. */
export function collectHandlers(modules: Record<string, Record<string, unknown>>): Map<string, Handler<object, object>> {
  const out = new Map<string, Handler<object, object>>();
  for (const [file, exports] of Object.entries(modules)) {
    for (const value of Object.values(exports)) {
      if (!isHandler(value)) continue;
      if (out.has(value.kind.name)) throw new Error(`the request ${value.kind.name} is answered twice (again in ${file})`);
      out.set(value.kind.name, value);
    }
  }
  return out;
}

/** Kept results, newest last, per namespace. */
export class Memo {
  private kept = new Map<string, Map<string, Promise<unknown>>>();
  get<T>(namespace: string, key: unknown, make: () => Promise<T>, keep = 1): Promise<T> {
    let space = this.kept.get(namespace);
    if (!space) this.kept.set(namespace, (space = new Map()));
    const k = JSON.stringify(key);
    const hit = space.get(k);
    if (hit) {
      space.delete(k);
      space.set(k, hit);
      return hit as Promise<T>;
    }
    const made = make();
    space.set(k, made);
    // a failure is not kept: the next ask makes it again
    made.catch(() => space.get(k) === made && space.delete(k));
    while (space.size > Math.max(1, keep)) space.delete(space.keys().next().value!);
    return made;
  }
  clear(): void {
    this.kept.clear();
  }
}

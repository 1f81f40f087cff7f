/**
 * A figure's state as one typed table of properties (the TensorFlow Playground
 * pattern): the same table drives the controls, the URL parameters, the embed
 * page and the export. Parsing a URL never passes a bad value on: it clamps a
 * number out of range or falls back to the default, and says so in a message.
 */
import { USER_MODEL_NAME, YOURS_PREFIX } from '../../lib/models/user-store.ts';
import { decodeDrawing } from '../../lib/data/drawing-code.ts';
import { count } from './format.ts';
export interface NumberProperty {
  type: 'number';
  label: string;
  default: number;
  min: number;
  max: number;
  step: number;
  /** Printed with the value, e.g. "ε". */
  symbol?: string;
  /**
   * Another number property of the same table whose value bounds this one on
   * both sides (logit-sweep's cursor ε lies within ± its range): a value outside
   * is clamped to it, with a message.
   */
  within?: string;
}

export interface IntegerProperty {
  type: 'integer';
  label: string;
  default: number;
  min: number;
  max: number;
}

export interface ChoiceProperty<T extends string = string> {
  type: 'choice';
  label: string;
  default: T;
  options: readonly T[];
  /** How each option reads in its control (default: the option itself). */
  names?: Readonly<Partial<Record<T, string>>>;
  /** Its control: a select (the default), radio buttons, or a row of buttons. */
  as?: 'select' | 'radios' | 'buttons';
  /** A model choice that also takes the reader's own models, `yours:NAME` (kept on the reader's device). */
  yours?: true;
}

/** A reader's own model in a figure's state (src/lib/models/user-store.ts). */
export type YoursModel = `yours:${string}`;

/**
 * A choice of how many test digits (or other samples) a figure computes on: each option named as a reader reads it,
 * "first 1,000", and the whole test set "all 10,000"; `names` adds or overrides (e.g. an option 'off').
 */
export function sampleChoice<const T extends string>(options: readonly T[], fallback: NoInfer<T>, label = 'test digits', names: Partial<Record<T, string>> = {}): ChoiceProperty<T> {
  const named = Object.fromEntries(
    options.map((o) => [o, names[o] ?? (o === '10000' ? 'all 10,000' : /^\d+$/.test(o) ? `first ${count(Number(o))}` : o)]),
  ) as Record<T, string>;
  return { type: 'choice', label, default: fallback, options, names: named };
}

export interface BooleanProperty {
  type: 'boolean';
  label: string;
  default: boolean;
}

/**
 * A digit the reader drew, kept in the state as its code (src/lib/data/drawing-code.ts) so that a permalink brings it
 * back; '' (the default) when the figure shows a test digit.
 */
export interface DrawingProperty {
  type: 'drawing';
  label: string;
  default: '';
}

export type Property = NumberProperty | IntegerProperty | ChoiceProperty | BooleanProperty | DrawingProperty;
export type StateTable = Record<string, Property>;

/** A choice's type is the union of its options (its default, an unannotated literal, widens to string). */
export type StateOf<T extends StateTable> = {
  [K in keyof T]: T[K] extends { type: 'choice'; options: readonly (infer C extends string)[]; yours: true }
    ? C | YoursModel
    : T[K] extends { type: 'choice'; options: readonly (infer C extends string)[] }
      ? C : T[K] extends BooleanProperty ? boolean : T[K] extends DrawingProperty ? string : number;
};

/** Parameters every page understands, beside a figure's own. */
export const pageParameters = ['backend', 'theme', 'controls', 'step', 'debug'] as const;

export function defaults<T extends StateTable>(table: T): StateOf<T> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(table)) out[k] = p.default;
  return out as StateOf<T>;
}

const MAX_SHOWN = 40;
/** A value as it may be shown back to the reader (as text, never as HTML). */
export function shown(raw: string): string {
  const s = raw.length > MAX_SHOWN ? raw.slice(0, MAX_SHOWN) + '…' : raw;
  return JSON.stringify(s);
}

function decimals(step: number): number {
  const s = String(step);
  return s.includes('.') ? s.split('.')[1].length : 0;
}

/** A decimal number as people write it: 12, -0.3, .5, 2e-3 (not 0x10, 0b1, 0o7, Infinity, 1_000). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function parseValue(key: string, p: Property, raw: string): { value: unknown; message?: string } {
  const trimmed = raw.trim();
  switch (p.type) {
    case 'number':
    case 'integer': {
      if (/^[+-]?0[xob]/i.test(trimmed)) {
        return { value: p.default, message: `${key}=${shown(raw)} is not a decimal number (hexadecimal, octal and binary are not read); using ${p.default}.` };
      }
      const n = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
      if (!Number.isFinite(n)) {
        return { value: p.default, message: `${key}=${shown(raw)} is not a number; using ${p.default}.` };
      }
      let v = n;
      let message: string | undefined;
      if (v < p.min || v > p.max) {
        v = Math.min(p.max, Math.max(p.min, v));
        message = `${key}=${shown(raw)} is outside ${p.min} to ${p.max}; using ${v}.`;
      }
      if (p.type === 'integer' && !Number.isInteger(v)) {
        v = Math.round(v);
        message ??= `${key}=${shown(raw)} is not a whole number; using ${v}.`;
      }
      if (p.type === 'number') v = Number(v.toFixed(Math.max(decimals(p.step), 4)));
      return { value: v, message };
    }
    case 'choice':
      if ((p.options as readonly string[]).includes(trimmed)) return { value: trimmed };
      if (p.yours && trimmed.startsWith(YOURS_PREFIX) && USER_MODEL_NAME.test(trimmed.slice(YOURS_PREFIX.length))) return { value: trimmed };
      return { value: p.default, message: `${key}=${shown(raw)} is not one of ${p.options.join(', ')}; using ${p.default}.` };
    case 'drawing':
      try {
        decodeDrawing(trimmed);
        return { value: trimmed };
      } catch (e) {
        return { value: '', message: `${key}=${shown(raw)} is not a drawing (${(e as Error).message}); showing the test digit.` };
      }
    case 'boolean':
      if (['1', 'true', 'yes', 'on'].includes(trimmed.toLowerCase())) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(trimmed.toLowerCase())) return { value: false };
      return { value: p.default, message: `${key}=${shown(raw)} is not true or false; using ${p.default}.` };
  }
}

export interface ParsedState<T extends StateTable> {
  state: StateOf<T>;
  messages: string[];
}

/** Unknown parameters named in their message; the rest are counted. */
const UNKNOWN_NAMED = 5;

/** One message for all the unknown parameters, however many (a long list would push the figure out of view). */
export function unknownParametersMessage(keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  if (keys.length === 1) return `Unknown parameter ${shown(keys[0])} ignored.`;
  const named = keys.slice(0, UNKNOWN_NAMED).map(shown).join(', ');
  const rest = keys.length - UNKNOWN_NAMED;
  return `${keys.length} unknown parameters ignored: ${named}${rest > 0 ? ` and ${rest} more` : ''}.`;
}

/**
 * Clamps each number property that lies within ± another's value (`within`),
 * with a message for each value clamped.
 */
export function enforceWithin<T extends StateTable>(table: T, state: StateOf<T>): string[] {
  const s = state as Record<string, unknown>;
  const messages: string[] = [];
  for (const [key, p] of Object.entries(table)) {
    if (p.type !== 'number' || !p.within) continue;
    const bound = Math.abs(Number(s[p.within]));
    const v = Number(s[key]);
    if (!Number.isFinite(bound) || Math.abs(v) <= bound) continue;
    const clamped = Math.sign(v) * bound;
    s[key] = clamped;
    const boundLabel = table[p.within]?.label ?? p.within;
    messages.push(`${key}=${v} is outside −${bound} to ${bound} (the ${boundLabel}); using ${clamped}.`);
  }
  return messages;
}

export function parseState<T extends StateTable>(table: T, params: URLSearchParams): ParsedState<T> {
  const state = defaults(table) as Record<string, unknown>;
  const messages: string[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  for (const [key, raw] of params) {
    if (!Object.hasOwn(table, key)) {
      if (!(pageParameters as readonly string[]).includes(key) && !seen.has(key)) unknown.push(key);
      seen.add(key);
      continue;
    }
    if (seen.has(key)) {
      if (!repeated.includes(key)) repeated.push(key);
      continue;
    }
    seen.add(key);
    const { value, message } = parseValue(key, table[key], raw);
    state[key] = value;
    if (message) messages.push(message);
  }
  const unknownMessage = unknownParametersMessage(unknown);
  if (unknownMessage) messages.unshift(unknownMessage);
  for (const key of repeated) messages.push(`${key} is given more than once; using the first value.`);
  messages.push(...enforceWithin(table, state as StateOf<T>));
  return { state: state as StateOf<T>, messages };
}

/** The state as URL parameters, leaving out what equals its default. */
export function serializeState<T extends StateTable>(table: T, state: StateOf<T>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, p] of Object.entries(table)) {
    const v = (state as Record<string, unknown>)[key];
    if (v === p.default) continue;
    params.set(key, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return params;
}

/**
 * A figure's state as one typed table of properties (the TensorFlow Playground
 * pattern): the same table drives the controls, the URL parameters, the embed
 * page and the export. Parsing a URL never passes a bad value on: it clamps a
 * number out of range or falls back to the default, and says so in a message.
 */
export interface NumberProperty {
  type: 'number';
  label: string;
  default: number;
  min: number;
  max: number;
  step: number;
  /** Printed with the value, e.g. "ε". */
  symbol?: string;
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
}

export interface BooleanProperty {
  type: 'boolean';
  label: string;
  default: boolean;
}

export type Property = NumberProperty | IntegerProperty | ChoiceProperty | BooleanProperty;
export type StateTable = Record<string, Property>;

/** A choice's type is the union of its options (its default, an unannotated literal, widens to string). */
export type StateOf<T extends StateTable> = {
  [K in keyof T]: T[K] extends { type: 'choice'; options: readonly (infer C extends string)[] } ? C : T[K] extends BooleanProperty ? boolean : number;
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

export function parseValue(key: string, p: Property, raw: string): { value: unknown; message?: string } {
  const trimmed = raw.trim();
  switch (p.type) {
    case 'number':
    case 'integer': {
      const n = trimmed === '' ? NaN : Number(trimmed);
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
      return { value: p.default, message: `${key}=${shown(raw)} is not one of ${p.options.join(', ')}; using ${p.default}.` };
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

export function parseState<T extends StateTable>(table: T, params: URLSearchParams): ParsedState<T> {
  const state = defaults(table) as Record<string, unknown>;
  const messages: string[] = [];
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (!Object.hasOwn(table, key)) {
      if (!(pageParameters as readonly string[]).includes(key) && !seen.has(key)) {
        messages.push(`Unknown parameter ${shown(key)} ignored.`);
      }
      seen.add(key);
      continue;
    }
    if (seen.has(key)) {
      messages.push(`${key} is given more than once; using the first value.`);
      continue;
    }
    seen.add(key);
    const { value, message } = parseValue(key, table[key], raw);
    state[key] = value;
    if (message) messages.push(message);
  }
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

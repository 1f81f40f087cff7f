/** Numbers as every figure writes them. */

/** Decimals a step needs (0.05 → 2). */
export function decimalsOf(step: number): number {
  const s = String(step);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return s.includes('.') ? s.split('.')[1].length : 0;
}

/** A percentage: 12.3 → "12.3 %". */
export const pct = (v: number, digits = 1) => `${v.toFixed(digits)} %`;

/** A share of a count as a percentage: (3, 12) → "25.0 %". */
export const pctOf = (part: number, whole: number, digits = 1) => pct(whole > 0 ? (100 * part) / whole : 0, digits);

/**
 * A count with thousands separators: 10000 → "10,000". One formatter for every count: `n.toLocaleString('en-US')`
 * makes a new one at each call, which took 60 ms of /embed/fgsm-sweep/'s load on a simulated phone.
 */
const counts = new Intl.NumberFormat('en-US');
export const count = (n: number) => counts.format(n);

/** ε to its meaningful digits: 0.25 → "0.25", 0.1 → "0.1", 0.007 → "0.007". */
export const eps = (v: number) => String(Number(v.toFixed(4)));

/** A signed number: 0.5 → "+0.50". */
export const signed = (v: number, digits = 2) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** Seconds: 0.42 → "0.4 s", 12.3 → "12 s". */
export const seconds = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;

/**
 * The digit a result was computed on, as a figure's words name it: "test digit 12 (a 9)", or for the reader's drawing
 * (which has no label) "your drawing (read as a 3)"; `capital` starts it with a capital letter.
 */
export function digitName(r: { digit: number; drawn?: string | null; label: number }, capital = false): string {
  const s = r.drawn ? `your drawing (read as a ${r.label})` : `test digit ${r.digit} (a ${r.label})`;
  return capital ? s[0].toUpperCase() + s.slice(1) : s;
}

/** The linear-growth figure's numbers in words, and the named values its log sliders snap to. */
import { count } from '../kit/format.ts';
import { linearGrowth as table, epsilonOf, GREY_LEVEL } from './state.ts';

/** Four significant digits from 100 up (thousands grouped from 10,000), three below. */
export function num(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return count(Math.round(v));
  if (a === 0) return '0';
  return String(Number(v.toPrecision(a >= 100 ? 4 : 3)));
}

/** ε as the figure writes it: 1/255 for one grey level. */
export const epsText = (e: number) => (e === GREY_LEVEL ? '1/255' : String(Number(e.toPrecision(3))));

/** A signed logit shift: +12.3, −0.456. */
export const signed = (v: number) => `${v >= 0 ? '+' : '−'}${num(Math.abs(v))}`;

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** 10 to the power e, as an axis writes it: 10⁻³, 1, 10, 10⁷. */
export const power = (e: number) => (e === 0 ? '1' : e === 1 ? '10' : `10${e < 0 ? '⁻' : ''}${[...String(Math.abs(e))].map((c) => SUP[Number(c)]).join('')}`);

/** ε from its log slider: two significant digits, or exactly one grey level near it. */
export const niceEps = (v: number) => (epsilonOf(v) === GREY_LEVEL ? GREY_LEVEL : Math.min(table.eps.max, Math.max(table.eps.min, Number(v.toPrecision(2)))));

/** n from its log slider: a whole number, three significant digits from 1,000 up. */
export function niceN(v: number): number {
  const n = Math.round(v);
  return Math.min(table.n.max, Math.max(table.n.min, n >= 1000 ? Number(n.toPrecision(3)) : n));
}

export interface Preset {
  v: number;
  label: string;
  title?: string;
}

export const EPS_PRESETS: Preset[] = [
  { v: GREY_LEVEL, label: '1/255', title: 'one grey level of an 8-bit image' },
  { v: 0.007, label: '0.007', title: 'the paper’s panda' },
  { v: 0.1, label: '0.1' },
  { v: 0.25, label: '0.25', title: 'the paper’s MNIST ε' },
];

export const N_PRESETS: Preset[] = [
  { v: 10, label: '10' },
  { v: 784, label: '784', title: 'an MNIST digit' },
  { v: 150_528, label: '150,528', title: 'a 224×224 RGB image' },
  { v: 10_000_000, label: '10⁷' },
];

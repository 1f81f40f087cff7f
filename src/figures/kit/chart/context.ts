/** What a <Chart> hands its marks: its scales and its plot box (LayerCake's idea, the Pudding's Figure context). */
import { getContext, setContext } from 'svelte';
import { scaleLinear, scaleLog, scaleSqrt, type ScaleContinuousNumeric } from 'd3';

export type Scale = ScaleContinuousNumeric<number, number>;

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** An axis's data range: linear unless it says log or sqrt; `nice` rounds the ends to ticks. */
export interface AxisSpec {
  domain: readonly [number, number];
  type?: 'linear' | 'log' | 'sqrt';
  nice?: boolean;
  /** Flip the direction (y grows downwards, e.g. a matrix's rows). */
  reverse?: boolean;
}

export interface ChartContext {
  readonly x: Scale;
  readonly y: Scale;
  readonly box: Box;
  readonly width: number;
  readonly height: number;
}

const KEY = Symbol('chart');

export function setChart(c: ChartContext): void {
  setContext(KEY, c);
}

export function getChart(): ChartContext {
  const c = getContext<ChartContext | undefined>(KEY);
  if (!c) throw new Error('a chart mark must stand inside a <Chart>');
  return c;
}

/** The plot box inside a width × height chart with these margins. */
export function plotBox(width: number, height: number, m: Margin): Box {
  const w = Math.max(1, width - m.left - m.right);
  const h = Math.max(1, height - m.top - m.bottom);
  return { left: m.left, top: m.top, right: m.left + w, bottom: m.top + h, width: w, height: h };
}

/** A scale over a range of pixels. */
export function makeScale(spec: AxisSpec, range: [number, number]): Scale {
  const s = (spec.type === 'log' ? scaleLog() : spec.type === 'sqrt' ? scaleSqrt() : scaleLinear()).domain(spec.domain as [number, number]).range(spec.reverse ? [range[1], range[0]] : range);
  return spec.nice ? s.nice() : s;
}

/**
 * A position in px to a tenth: what a mark's coordinates are written with (d3's paths, `digits(1)`, likewise). Finer
 * is invisible, and the page as served carries every chart's marks: the article's scatter plots and curves were
 * 17 KB of digits past the first decimal.
 */
export const tenth = (v: number): number => Math.round(v * 10) / 10;


/**
 * When a figure on an embed page shows its finished result, shared by `npm run figures` (the images and the
 * gallery's thumbnails) and the visual regression suite (tests/e2e/visual.spec.ts): each figure writes what it shows
 * in its data-result, and several write one before their first result (all fields null) or while later stages
 * still compute, so "a data-result exists and the frame is not busy" is not enough.
 */
import type { Page } from '@playwright/test';

type Shown = Record<string, unknown>;

/**
 * Beyond what every figure says (its frame not busy, a backend chosen, a result from it), the figures that compute
 * in stages say when the last stage is in.
 */
const lastStage: Record<string, (r: Shown) => boolean> = {
  'fgsm-sweep': (r) => Object.keys((r.points as object) ?? {}).length > 0 || Object.keys((r.curves as object) ?? {}).length > 0,
  rotation: (r) => r.clean !== null,
  // until Train it shows the finished run computed ahead (finished: its epochs); a live run is done at its last epoch
  'adversarial-training': (r) => {
    const s = r as { state: { epochs: number }; epochs: unknown[]; finished: number[] | null; running: boolean; training: boolean };
    return (s.finished !== null && s.finished.length > 0) || (s.epochs.length >= s.state.epochs && !s.running && !s.training);
  },
  'non-robust-features': (r) => r.result !== null && r.result !== undefined,
  'adversarial-training-results': (r) => Array.isArray(r.rows) && r.rows.length > 0,
  // its 3-D view draws a new surface in a task after the numbers, once three.js has loaded
  'logit-surface': (r) => r.view !== 'loading' && r.view !== 'drawing',
};

/**
 * The figures that compute nothing until the reader asks (a button): finished once hydrated and idle (the weight-decay
 * race shows its finished run, computed ahead, until Train).
 */
const onRequest = new Set(['reproduce-table', 'adversarial-vs-weight-decay']);

/** What the page reads from a figure: 'busy', or its frame's backend and its data-result as JSON. */
export type FigureReading = 'busy' | string;

/** Reads a figure's frame (aria-busy, its backend) and its data-result, in the page. */
export function readFigure(page: Page, name: string): Promise<FigureReading> {
  return page.evaluate((name) => {
    if (document.querySelector('astro-island[ssr]')) return 'busy';
    const frame = document.querySelector(`figure.figure[data-figure="${name}"]`);
    if (!frame || frame.getAttribute('aria-busy') === 'true') return 'busy';
    // each figure writes data-result on its own element, around its frame
    const raw = (frame.closest('[data-result]') ?? frame.querySelector('[data-result]'))?.getAttribute('data-result');
    const backend = frame.querySelector('.backend')?.getAttribute('data-backend') ?? '';
    return JSON.stringify({ backend, result: raw ? JSON.parse(raw) : null });
  }, name);
}

/**
 * 'finished' when the figure shows its finished result, or why not yet. `computed`: the page was asked to compute
 * what the figure otherwise computes on request (`npm run figures` passes run=1), so wait for that result too.
 */
export function figureStage(name: string, reading: FigureReading, computed = false): string {
  if (reading === 'busy') return 'busy';
  const { backend, result } = JSON.parse(reading) as { backend: string; result: Shown | null };
  if (onRequest.has(name) && !computed) return 'finished';
  if (backend === '') return 'no backend yet';
  if (result === null) return 'no data-result';
  if ('backend' in result && result.backend === null) return 'no result yet';
  // a result computed ahead is shown until the live one replaces it
  if (result.source === 'ahead') return 'computed ahead, the live result to come';
  // a figure that answers coarsely while a slider moves says which answer it shows
  if (result.exact === false) return 'coarse answer';
  return (lastStage[name]?.(result) ?? true) ? 'finished' : 'not all stages in';
}

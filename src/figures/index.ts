/**
 * The article's figures, in the article's order: the only list of them. Each figure's title, caption and
 * chapter come from its own folder's meta (`<name>/state.ts`), its number of scroll steps from its steps.
 * Adding a figure: its name here, where it stands, and two lines in FigureIsland.astro
 * (tests/kit/registry.test.ts checks that the three agree with the folders).
 */
import type { FigureMeta } from './kit/figure.svelte.ts';

export const order = [
  'fgsm-hero',
  'lbfgs-vs-fgsm',
  'transfer-glance',
  'linear-growth',
  'fgsm-sweep',
  'rotation',
  'logistic-3v7',
  'adversarial-vs-weight-decay',
  'adversarial-training',
  'adversarial-training-results',
  'maxout-filters',
  'rbf-immunity',
  'logit-sweep',
  'adversarial-slice',
  'logit-surface',
  'agreement',
  'ensembles',
  'reproduce-table',
  'rubbish-inputs',
  'attack-ladder',
  'non-robust-features',
] as const;

export type FigureName = (typeof order)[number];

export interface FigureInfo extends FigureMeta {
  /** Has a live island and an embed page (every figure in this list has). */
  live: true;
  /** How many scroll steps the figure has (its embed page takes ?step=1 … steps); absent for none. */
  steps?: number;
}

/** A figure's state module: its meta, and its steps as the one export named …Steps. */
export function infoOf(module: Record<string, unknown>): FigureInfo {
  const meta = module.meta as FigureMeta;
  const steps = Object.entries(module).filter(([k, v]) => k.endsWith('Steps') && Array.isArray(v));
  if (!meta || steps.length !== 1) throw new Error(`${meta?.name ?? 'a figure'}'s state.ts must export meta and one …Steps array`);
  const n = (steps[0][1] as unknown[]).length;
  return { ...meta, live: true, ...(n > 0 ? { steps: n } : {}) };
}

export const figures: FigureInfo[] = await Promise.all(order.map(async (name) => infoOf(await import(`./${name}/state.ts`))));

export const liveFigures = figures;

/** The rubbish-inputs figure's state (Appendix A: Gaussian noise N(0, σ²I) shown to softmax, maxout and RBF). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';
import { RUBBISH_SEED } from '../../lib/analysis/page-values.ts';

export const meta = {
  name: 'rubbish-inputs',
  title: 'Rubbish inputs: Gaussian noise, confidently classified',
  caption: 'Gaussian noise shown to each model: count how often some class passes p = 0.5, and see which classes the noise is given.',
  chapter: 'A',
} satisfies FigureMeta;

export const rubbishInputs = {
  /** σ of the noise (the paper's: 1). */
  sigma: { type: 'number', label: 'noise', symbol: 'σ', default: 1, min: 0.05, max: 3, step: 0.05 },
  /** How many noise inputs (the paper's: 10,000). */
  count: { type: 'choice', label: 'noise inputs', default: '10000', options: ['100', '1000', '10000'] as const, names: { '1000': '1,000', '10000': '10,000' } },
  /** The seed of the generator the noise is drawn from (the reproduction's by default). */
  seed: { type: 'integer', label: 'seed', default: RUBBISH_SEED, min: 0, max: 4294967295 },
  /** The model whose classes the histogram shows; a model the reader brought (yours:NAME) also joins the three in the rates. */
  model: { type: 'choice', label: 'classes given by', default: 'maxout', options: ['softmax', 'maxout', 'rbf'] as const, as: 'radios', yours: true },
} satisfies StateTable;

export type RubbishInputsState = StateOf<typeof rubbishInputs>;

/** The state of each scroll step of Appendix A (content/appendix-a-rubbish.mdx). */
export const rubbishInputsSteps: Partial<RubbishInputsState>[] = [
  // 1. the paper's setting, 10,000 samples of N(0, I): the three models' rates; the classes softmax regression gives
  { sigma: 1, count: '10000', model: 'softmax' },
  // 2. the classes of the maxout network's confident answers (row 20)
  { sigma: 1, count: '10000', model: 'maxout' },
  // 3. faint noise, close to a blank page
  { sigma: 0.1, count: '10000', model: 'maxout' },
  // 4. strong noise: the linear models grow surer, the RBF network still says nothing
  { sigma: 3, count: '10000', model: 'rbf' },
];

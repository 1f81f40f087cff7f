/** The reproduce-table figure's state: which table it shows, how many test digits to compute the table on, and the rows beyond the paper on. */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'reproduce-table',
  title: 'The paper’s MNIST results, recomputed in your browser',
  caption: 'Each row recomputed from this site’s own models: the paper’s number beside ours, FGSM examples clipped to [0, 1], not clipped, and made in the paper’s setting.',
  chapter: '10',
} satisfies FigureMeta;

export const reproduceTable = {
  /**
   * Which table is shown: the paper's rows on the site's models, the same rows on the networks trained with the
   * paper's recipe, or the site's measurements beyond the paper (one at a time: each is a slide).
   */
  view: { type: 'choice', label: 'table', default: 'paper', options: ['paper', 'recipe', 'beyond'] as const },
  sample: sampleChoice(['1000', '10000'] as const, '1000'),
  /** Digits for the rows beyond the paper (PGD costs 40–200 gradient passes per digit); never more than `sample`. */
  beyond: { type: 'choice', label: 'digits for the rows beyond the paper', default: '1000', options: ['off', '100', '1000', '10000'] as const },
  /**
   * A model the reader brought (yours:NAME), on which the rows that apply to any classifier are computed, shown apart
   * from the paper's rows; 'none' for none.
   */
  yours: { type: 'choice', label: 'your model', default: 'none', options: ['none'] as const, names: { none: 'none' }, yours: true },
  /** Compute as soon as the figure is near the screen (for a slide), without waiting for the button. */
  run: { type: 'boolean', label: 'compute on load', default: false },
} satisfies StateTable;

/** The table has no scroll steps. */
export const reproduceTableSteps: Partial<StateOf<typeof reproduceTable>>[] = [];

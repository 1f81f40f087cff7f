/** The transfer-glance figure's state (§2: FGSM digits made on one model, scored by the others). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'transfer-glance',
  title: 'One attack, read by every model',
  caption: 'Digits attacked on the row’s model and read by the column’s: look at how much error survives off the diagonal.',
  chapter: '2',
} satisfies FigureMeta;

export const transferGlance = {
  eps: { type: 'number', label: 'FGSM step', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.01 },
  /** The test digit shown on its own. */
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), shown on its own instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  /** A model the reader brought (yours:NAME): one more row and column beside the shipped three; 'none' for none. */
  yours: { type: 'choice', label: 'your model', default: 'none', options: ['none'] as const, names: { none: 'none' }, yours: true },
  /** The first N official test digits, for the matrix. */
  sample: sampleChoice(['100', '1000', '10000'] as const, '1000'),
  /** One digit, the matrix over the sample, or both. */
  view: { type: 'choice', label: 'show', default: 'both', options: ['digit', 'matrix', 'both'] as const, names: { digit: 'one digit', matrix: 'the matrix', both: 'both' } },
} satisfies StateTable;

export type TransferGlanceState = StateOf<typeof transferGlance>;

/** The state of each scroll step of §2 (content/02-related-work.mdx). */
export const transferGlanceSteps: Partial<TransferGlanceState>[] = [
  // 1. one digit, attacked on each model and read by all three
  { view: 'digit', digit: 0, eps: 0.25 },
  // 2. the matrix over the first 1,000 test digits at the paper's ε
  { view: 'matrix', digit: 0, eps: 0.25, sample: '1000' },
  // 3. a smaller step: transfer weakens unevenly
  { view: 'matrix', digit: 0, eps: 0.1, sample: '1000' },
];

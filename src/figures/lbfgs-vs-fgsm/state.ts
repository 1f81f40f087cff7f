/** The lbfgs-vs-fgsm figure's state (§2: Szegedy et al.'s L-BFGS attack beside one FGSM step, same digit, same model). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'lbfgs-vs-fgsm',
  title: 'L-BFGS against one FGSM step',
  caption: 'The same digit attacked two ways: compare the two perturbations, their sizes and what each cost.',
  chapter: '2',
} satisfies FigureMeta;

export const lbfgsVsFgsm = {
  /** FGSM's step size (the L-BFGS attack does not use it). */
  eps: { type: 'number', label: 'FGSM step', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.01 },
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), attacked instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  /** The class the L-BFGS attack is aimed at. */
  target: { type: 'integer', label: 'target class', default: 3, min: 0, max: 9 },
  model: { type: 'choice', label: 'model', default: 'softmax', options: ['softmax', 'maxout'] as const },
  /** What is on show: the L-BFGS result alone, both attacks, or both with what each cost. */
  view: { type: 'choice', label: 'show', default: 'cost', options: ['lbfgs', 'both', 'cost'] as const, names: { lbfgs: 'L-BFGS only', both: 'both attacks', cost: 'both, and the cost' } },
} satisfies StateTable;

export type LbfgsVsFgsmState = StateOf<typeof lbfgsVsFgsm>;

/** The state of each scroll step of §2 (content/02-related-work.mdx). */
export const lbfgsVsFgsmSteps: Partial<LbfgsVsFgsmState>[] = [
  // 1. the L-BFGS result: test digit 0 (a 7) pushed to read as a 3
  { view: 'lbfgs', digit: 0, target: 3, model: 'softmax', eps: 0.25 },
  // 2. one FGSM step of ε = 0.25 beside it
  { view: 'both', digit: 0, target: 3, model: 'softmax', eps: 0.25 },
  // 3. what each cost
  { view: 'cost', digit: 0, target: 3, model: 'softmax', eps: 0.25 },
];

/**
 * The non-robust-features figure's state (the closing chapter): Ilyas et al.'s
 * D_det on MNIST, live on the first n packed training digits.
 */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';
import { nonRobustDefaults as d } from '../../lib/analysis/non-robust-defaults.ts';

export const meta = {
  name: 'non-robust-features',
  title: 'Training on mislabelled adversarial digits (Ilyas et al.’s D_det, on MNIST)',
  caption: 'Each training digit x of class y is pushed toward t = (y + 1) mod 10 within ε and labelled t; a fresh student learns from those pairs alone and is tested on clean digits.',
  chapter: 'bugs-or-features',
} satisfies FigureMeta;

export const nonRobustFeatures = {
  /** The first n training digits the site ships (5,000 at most). */
  n: { type: 'integer', label: 'training digits', default: 1000, min: 100, max: 5000 },
  /** The attack's ‖x′ − x‖∞ budget. */
  epsilon: { type: 'number', label: 'attack budget', symbol: 'ε', default: d.epsilon, min: 0.02, max: 0.3, step: 0.01 },
  /** Iterations of the projected, targeted step. */
  steps: { type: 'integer', label: 'attack steps', default: d.steps, min: 1, max: 20 },
  student: { type: 'choice', label: 'student', default: d.student, options: ['maxout', 'softmax'] as const, names: { maxout: 'maxout, 100 units', softmax: 'softmax regression' } },
  epochs: { type: 'integer', label: 'student epochs', default: d.epochs, min: 1, max: 30 },
  seed: { type: 'integer', label: 'seed', default: d.seed, min: 0, max: 9999 },
  /** The first N official test digits the student is scored on. */
  test: sampleChoice(['1000', '10000'] as const, '1000'),
} satisfies StateTable;

export type NonRobustFeaturesState = StateOf<typeof nonRobustFeatures>;

/** The state of each scroll step of the closing chapter (content/bugs-or-features.mdx). */
export const nonRobustFeaturesSteps: Partial<NonRobustFeaturesState>[] = [
  // 1. a small budget: the attack reaches its target on about half the digits
  { epsilon: 0.1, student: 'maxout' },
  // 2. the default budget
  { epsilon: 0.2, student: 'maxout' },
  // 3. the largest: the perturbations start to carry the target's shape
  { epsilon: 0.3, student: 'maxout' },
  // 4. a linear student on the default budget
  { epsilon: 0.2, student: 'softmax' },
];

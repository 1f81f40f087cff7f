/** The rbf-immunity figure's state (§7: an RBF unit is confident only near its centre; a linear unit grows more confident far away). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'rbf-immunity',
  title: 'Confident only near the data: an RBF unit against a linear one',
  caption: "Follow the FGSM arrow away from the data: the linear unit grows surer, the RBF unit's confidence fades; on MNIST the rbf model is wrong often but almost never sure when it is.",
  chapter: '7',
} satisfies FigureMeta;

/** Training points of the toy (two blobs of 60). */
export const TOY_POINTS = 120;

export const rbfImmunity = {
  /** The 2-D toy or the shipped models on MNIST. */
  view: { type: 'choice', label: 'view', default: 'toy', options: ['toy', 'mnist'] as const, names: { toy: 'Two dimensions', mnist: 'MNIST' } },
  /** FGSM step size in the toy's plane. */
  epsilon: { type: 'number', label: 'FGSM step', symbol: 'ε', default: 3, min: 0, max: 6, step: 0.05 },
  /** The training point the FGSM step starts from. */
  point: { type: 'integer', label: 'training point', default: 1, min: 0, max: TOY_POINTS - 1 },
  /** The seed of the toy's blobs and starting parameters. */
  seed: { type: 'integer', label: 'seed', default: 1, min: 1, max: 999 },
  /** The first N official test digits (MNIST view). */
  sample: sampleChoice(['1000', '10000'] as const, '1000'),
} satisfies StateTable;

export type RbfImmunityState = StateOf<typeof rbfImmunity>;

/** The state of each scroll step of §7 (content/07-model-capacity.mdx). */
export const rbfImmunitySteps: Partial<RbfImmunityState>[] = [
  // 1. the toy near the data: a small step, both models answer confidently
  { view: 'toy', epsilon: 0.5, point: 1 },
  // 2. a larger step crosses into the other class
  { view: 'toy', epsilon: 2.5, point: 1 },
  // 3. far past the data: the linear unit is surer than ever, the RBF unit gives up
  { view: 'toy', epsilon: 5.5, point: 1 },
  // 4. MNIST: the shipped rbf model, clean against FGSM ε = 0.25
  { view: 'mnist', sample: '1000' },
  // 5. the same, row 14 of the paper's table: the numbers, and the clean error the caution costs
  { view: 'mnist', sample: '1000' },
];

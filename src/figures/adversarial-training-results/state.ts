/** The adversarial-training-results figure's state (§6: the shipped maxout networks with and without adversarial training, rows 2, 7, 10, 11 and 12). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'adversarial-training-results',
  title: "Adversarial training, measured on the shipped networks",
  caption: "Bars are ours, computed now from the shipped models; hollow circles are the paper's numbers. Compare maxout-adv's bars with the others'.",
  chapter: '6',
} satisfies FigureMeta;

export const adversarialTrainingResults = {
  /** The first N official test digits. */
  sample: { type: 'choice', label: 'test digits', default: '1000', options: ['100', '1000', '10000'] as const },
  /** Which comparison is in front (the others are dimmed). */
  focus: { type: 'choice', label: 'comparison', default: 'all', options: ['all', 'attack', 'transfer', 'noise', 'clean'] as const },
  /** FGSM examples clipped to [0, 1] (a valid image) or as the formula prints them. */
  clip: { type: 'choice', label: 'FGSM examples', default: 'clipped', options: ['clipped', 'unclipped'] as const },
} satisfies StateTable;

export type AdversarialTrainingResultsState = StateOf<typeof adversarialTrainingResults>;

/** The state of each scroll step of §6 (content/06-adversarial-training-deep.mdx). */
export const adversarialTrainingResultsSteps: Partial<AdversarialTrainingResultsState>[] = [
  // 1. FGSM against maxout and maxout-adv
  { focus: 'attack', clip: 'clipped' },
  // 2. transfer both ways
  { focus: 'transfer', clip: 'clipped' },
  // 3. noise-trained controls
  { focus: 'noise', clip: 'clipped' },
  // 4. the clean cost
  { focus: 'clean', clip: 'clipped' },
  // 5. everything with the formula as printed (unclipped)
  { focus: 'all', clip: 'unclipped' },
];

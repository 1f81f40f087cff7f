/** The attack-ladder figure's state (what the field learned after 2015: FGSM against stronger attacks). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'attack-ladder',
  title: "The attack ladder: FGSM against stronger attacks",
  caption: "The error of one model under attacks of growing strength, all within the same ε: a model that only resists FGSM falls on the rungs above it.",
  chapter: 'after-2015',
} satisfies FigureMeta;

export const attackLadder = {
  /** The model attacked; maxout-pgd is offered where the build ships it. */
  model: { type: 'choice', label: 'model', default: 'maxout-adv', options: ['maxout-adv', 'maxout', 'softmax', 'maxout-pgd'] as const, yours: true },
  eps: { type: 'number', label: 'ε', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.05 },
  /** The first N official test digits the ladder is measured on. */
  n: sampleChoice(['100', '500', '1000'] as const, '100'),
  /** The digit whose FGSM and PGD images and loss along PGD are shown. */
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), shown and attacked instead of the test digit; the ladder stays on the test digits. '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  /** How far up the ladder the chart shows: FGSM alone, or every attack. */
  climb: { type: 'choice', label: 'attacks shown', default: 'all', options: ['fgsm', 'all'] as const, names: { fgsm: 'FGSM alone', all: 'every attack' }, as: 'radios' },
} satisfies StateTable;

export type AttackLadderState = StateOf<typeof attackLadder>;

/** The state of each scroll step of the chapter (content/after-2015.mdx). */
export const attackLadderSteps: Partial<AttackLadderState>[] = [
  // 1. FGSM alone: the FGSM-trained network looks robust
  { model: 'maxout-adv', eps: 0.25, climb: 'fgsm', digit: 0 },
  // 2. a random step, then iterations: the same network falls
  { model: 'maxout-adv', eps: 0.25, climb: 'all', digit: 0 },
  // 3. the ordinarily trained maxout network, for contrast: every rung is high
  { model: 'maxout', eps: 0.25, climb: 'all', digit: 0 },
  // 4. the PGD-trained network holds on every rung
  { model: 'maxout-pgd', eps: 0.25, climb: 'all', digit: 0 },
];

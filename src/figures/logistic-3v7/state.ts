/** The logistic-3v7 figure's state (§5, the paper's Fig. 2: weights, their sign, clean and FGSM 3s and 7s). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'logistic-3v7',
  title: 'Logistic regression on 3 vs 7, and FGSM against it',
  caption: 'sign(w) is itself the attack: adding ε·sign(w) to a 3, or subtracting it from a 7, moves every pixel the way that hurts most.',
  chapter: '5',
} satisfies FigureMeta;

export const logistic3v7 = {
  /** FGSM's ε for panel (d) and the error under attack. */
  eps: { type: 'number', label: 'FGSM step', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.01 },
  model: { type: 'choice', label: 'model', default: 'logistic-3v7', options: ['logistic-3v7', 'logistic-3v7-adv', 'logistic-3v7-l1'] as const },
} satisfies StateTable;

export type Logistic3v7State = StateOf<typeof logistic3v7>;

/** The state of each scroll step of §5 (content/05-adversarial-training-linear.mdx). */
export const logistic3v7Steps: Partial<Logistic3v7State>[] = [
  // 1. the weights and the clean digits: ε = 0, nothing moves
  { eps: 0, model: 'logistic-3v7' },
  // 2. a small step along sign(w) already costs many digits
  { eps: 0.1, model: 'logistic-3v7' },
  // 3. the paper's setting: ε = 0.25, nearly every 3 and 7 is misread
  { eps: 0.25, model: 'logistic-3v7' },
  // 4. the same attack on the adversarially trained model
  { eps: 0.25, model: 'logistic-3v7-adv' },
  // 5. and on the one trained with L¹ weight decay at the same coefficient
  { eps: 0.25, model: 'logistic-3v7-l1' },
];

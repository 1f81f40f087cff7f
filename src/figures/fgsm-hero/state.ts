/** The hero figure (§1, the paper's Fig. 1 on an MNIST digit): its state and the state of each scroll step. */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'fgsm-hero',
  title: 'x + ε·sign(∇ₓJ(θ, x, y)): an adversarial digit',
  caption: 'Move ε: a perturbation no larger than ε per pixel changes the model’s answer, with high confidence.',
  chapter: '1',
} satisfies FigureMeta;

export const fgsmHero = {
  eps: { type: 'number', label: 'ε', symbol: 'ε', default: 0.2, min: 0, max: 0.5, step: 0.01 },
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), shown instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  model: { type: 'choice', label: 'model', default: 'softmax', options: ['softmax', 'maxout', 'maxout-adv'] as const, yours: true },
} satisfies StateTable;

export const fgsmHeroModels: Record<(typeof fgsmHero)['model']['options'][number], string> = {
  softmax: 'softmax regression (linear)',
  maxout: 'maxout network',
  'maxout-adv': 'maxout network, adversarially trained',
};

/** §1's three ideas: a linear model is fooled; one gradient step fools a deep net; adversarial training resists. */
export const fgsmHeroSteps: Partial<StateOf<typeof fgsmHero>>[] = [
  { model: 'softmax', eps: 0.1, digit: 0 },
  { model: 'maxout', eps: 0.25, digit: 0 },
  { model: 'maxout-adv', eps: 0.25, digit: 0 },
];

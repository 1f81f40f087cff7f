/** The adversarial-slice figure (§8): the class map over the plane x + a·sign(∇ₓJ) + b·r through a test digit. */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'adversarial-slice',
  title: 'A plane through a digit: FGSM direction against a random one',
  caption: 'Each point is x + a·sign(∇ₓJ) + b·r, coloured by the class the model picks; a and b in ε units.',
  chapter: '8',
} satisfies FigureMeta;

/** The plane through a digit, as both §8 figures take it (logit-surface adds its height to these). */
export const adversarialSlice = {
  model: { type: 'choice', label: 'model', default: 'maxout', options: ['softmax', 'maxout', 'maxout-adv'] as const, yours: true },
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), the plane's origin instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  /** Half-width of the plane, ε units (both axes). */
  range: { type: 'number', label: 'range', symbol: '±ε', default: 0.5, min: 0.3, max: 3, step: 0.05 },
  /** Seed of the random sign direction r. */
  seed: { type: 'integer', label: 'random direction', default: 1, min: 1, max: 9999 },
  /** Clip every point of the plane to [0, 1] (valid images; the plane bends at the edges of the pixel range). */
  clip: { type: 'boolean', label: 'clip to [0, 1]', default: false },
} satisfies StateTable;

export type AdversarialSliceState = StateOf<typeof adversarialSlice>;

/** The state of each scroll step of §8 (content/08-why-generalize.mdx). */
export const adversarialSliceSteps: Partial<AdversarialSliceState>[] = [
  // 1. softmax regression: a linear model, the plane is cut by straight lines
  { model: 'softmax', digit: 0, range: 0.5, seed: 1, clip: false },
  // 2. the maxout network: broad regions, nearly straight boundaries, the random axis barely matters
  { model: 'maxout', digit: 0, range: 0.5, seed: 1, clip: false },
  // 3. a wider view: the wrong classes stay wrong far along the gradient sign
  { model: 'maxout', digit: 0, range: 1.5, seed: 1, clip: false },
  // 4. the adversarially trained network, on valid images
  { model: 'maxout-adv', digit: 0, range: 0.5, seed: 1, clip: true },
];

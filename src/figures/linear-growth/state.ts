/** The linear-growth figure's state (§3, the linear explanation as an experiment). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'linear-growth',
  title: "wᵀη grows with n; ‖η‖∞ stays ε",
  caption: "Drag n and ε: no coordinate of η moves by more than ε, yet wᵀη climbs in proportion to n, on random weights and on a trained model alike.",
  chapter: '3',
} satisfies FigureMeta;

export const linearGrowth = {
  /** Input dimensions of the random linear model; the figure highlights this n on its sweep. */
  n: { type: 'integer', label: 'dimensions n', default: 784, min: 10, max: 10_000_000 },
  /** The max-norm budget; within 1.5 % of 1/255 it snaps to exactly one grey level (see epsilonOf). */
  eps: { type: 'number', label: 'ε', symbol: 'ε', default: 0.25, min: 0.001, max: 0.5, step: 0.0001 },
  /** Seed of the random weights w (wᵢ ~ N(0, 1)). */
  seed: { type: 'integer', label: 'seed of w', default: 1, min: 0, max: 65535 },
  /** The MNIST test digit the softmax model is attacked on. */
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), attacked instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  /** Show the logit shifts for x + η clipped to [0, 1] (a valid image) or for the formula as printed. */
  clip: { type: 'boolean', label: 'clip x + η to [0, 1]', default: true },
  /** Which panel a narrow figure shows (a wide one shows both side by side). */
  panel: { type: 'choice', label: 'panel', default: 'random', options: ['random', 'trained'] as const },
} satisfies StateTable;

export type LinearGrowthState = StateOf<typeof linearGrowth>;

/** One grey level of an 8-bit image. */
export const GREY_LEVEL = 1 / 255;

/** The ε computed with: the state's ε, or exactly 1/255 when it is within 1.5 % of it (a URL holds 4 decimals: 0.0039). */
export function epsilonOf(eps: number): number {
  return Math.abs(eps / GREY_LEVEL - 1) < 0.015 ? GREY_LEVEL : eps;
}

/**
 * The state of each scroll step: the dimensions of a toy model, an MNIST digit, a 224×224 RGB image and
 * ten million inputs on random weights; then back to 784 inputs with the trained softmax model's weights.
 */
export const linearGrowthSteps: Partial<LinearGrowthState>[] = [
  { n: 10, eps: 0.25, panel: 'random' },
  { n: 784, eps: 0.25, panel: 'random' },
  { n: 224 * 224 * 3, eps: 0.007, panel: 'random' },
  { n: 10_000_000, eps: GREY_LEVEL, panel: 'random' },
  { n: 784, eps: 0.25, panel: 'trained' },
];

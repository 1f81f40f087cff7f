/** The rotation figure's state (§4: rotating x toward ∇ₓJ in the plane of x and ∇ₓJ, keeping ‖x‖). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'rotation',
  title: 'Rotating x toward its gradient',
  caption: 'Turn θ: x keeps its length and barely changes, yet a few degrees toward ∇ₓJ flip most digits.',
  chapter: '4',
} satisfies FigureMeta;

export const rotation = {
  /** The rotation angle, degrees. */
  angle: { type: 'number', label: 'rotation', symbol: 'θ', default: 2, min: 0, max: 30, step: 0.05 },
  /** At the digit's smallest flipping angle (set by a scroll step; moving the slider leaves it). */
  atFlip: { type: 'boolean', label: 'at the flipping angle', default: false },
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
  /** The reader's drawing (its code), rotated instead of the test digit; the sample's distribution stays on the test digits. '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  model: { type: 'choice', label: 'model', default: 'softmax', options: ['softmax', 'maxout'] as const, yours: true },
  /** The first N official test digits, for the distribution of flipping angles. */
  sample: sampleChoice(['100', '1000', '10000'] as const, '1000'),
} satisfies StateTable;

export type RotationState = StateOf<typeof rotation>;

/** The state of each scroll step of §4 (content/04-linear-perturbation.mdx). */
export const rotationSteps: Partial<RotationState>[] = [
  // 1. θ = 0: x' = x
  { angle: 0, atFlip: false, digit: 0 },
  // 2. a small angle: the image barely changes, the confidence drops
  { angle: 1, atFlip: false, digit: 0 },
  // 3. the digit's smallest flipping angle
  { atFlip: true, digit: 0 },
  // 4. the whole sample: most digits flip within a few degrees
  { angle: 5, atFlip: false, digit: 0 },
];

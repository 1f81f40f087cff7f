/** The logit-surface figure's state (§8: the true class's logit, or its margin, over the plane of the adversarial slice). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';
import { adversarialSlice } from '../adversarial-slice/state.ts';

export const meta = {
  name: 'logit-surface',
  title: 'The logit over the plane, as a surface',
  caption: 'Height: the true class’s logit (or margin) at x + a·sign(∇ₓJ) + b·r; colour: the class that wins there; the ink tube: the FGSM step to ε = 0.25.',
  chapter: '8',
} satisfies FigureMeta;

export const logitSurface = {
  ...adversarialSlice,
  /** The height: the true class's logit z_y, or the margin z_y − max_{k≠y} z_k (below 0: misclassified). */
  surface: { type: 'choice', label: 'height', default: 'logit', options: ['logit', 'margin'] as const },
} satisfies StateTable;

export type LogitSurfaceState = StateOf<typeof logitSurface>;

/** The state of each scroll step of §8 (content/08-why-generalize.mdx). */
export const logitSurfaceSteps: Partial<LogitSurfaceState>[] = [
  // 1. softmax regression: the logit over the plane is a plane
  { model: 'softmax', surface: 'logit', digit: 0, range: 1, seed: 1, clip: false },
  // 2. the maxout network: nearly a plane, steep along the gradient sign, nearly level along r
  { model: 'maxout', surface: 'logit', digit: 0, range: 1, seed: 1, clip: false },
  // 3. the margin: where it dips below the level plane the network is wrong
  { model: 'maxout', surface: 'margin', digit: 0, range: 0.5, seed: 1, clip: false },
  // 4. after adversarial training, on valid images
  { model: 'maxout-adv', surface: 'margin', digit: 0, range: 0.5, seed: 1, clip: true },
];

/** The fgsm-sweep figure's state (§4: FGSM error and mean confidence against ε, softmax and maxout, and the adversarially trained maxout-adv and maxout-pgd). */
import { sampleChoice, type StateOf, type StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'fgsm-sweep',
  title: 'FGSM error and confidence as ε grows',
  caption: 'Move ε: the error climbs long before ε reaches the paper’s 0.25; the hollow markers are the paper’s own numbers.',
  chapter: '4',
} satisfies FigureMeta;

export const fgsmSweep = {
  /** Steps of 0.025, the ε values of the curves, so the cursor always sits on a computed point. */
  eps: { type: 'number', label: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.025 },
  /** The model whose digits the grid shows (every shown model's curves are drawn). */
  model: { type: 'choice', label: 'digits attacked on', default: 'softmax', options: ['softmax', 'maxout', 'maxout-adv', 'maxout-pgd'] as const, yours: true },
  /**
   * Which curves are drawn: all four networks, the paper's two (softmax and maxout), or the three maxout networks
   * (ordinary, FGSM-trained, PGD-trained). maxout-pgd is drawn when the site ships it.
   */
  curves: { type: 'choice', label: 'curves', default: 'all', options: ['all', 'paper', 'maxout'] as const, names: { all: 'all networks', paper: 'the paper’s two', maxout: 'the maxout networks' } },
  /** The convention the grid and the read-out use (both curves are always drawn). */
  clip: { type: 'choice', label: 'x + η', default: 'clipped', options: ['clipped', 'unclipped'] as const, names: { clipped: 'clipped to [0, 1]' } },
  /** The first N official test digits. */
  sample: sampleChoice(['100', '1000', '10000'] as const, '1000'),
  paper: { type: 'boolean', label: 'the paper’s points', default: true },
} satisfies StateTable;

/** The ε values the curves are computed at: 0 to 0.5 in steps of 0.025 (21 values, 0.1 and 0.25 among them). */
export const SWEEP_EPSILONS: readonly number[] = Array.from({ length: 21 }, (_, i) => Number((i * 0.025).toFixed(4)));

export type FgsmSweepState = StateOf<typeof fgsmSweep>;

/** The state of each scroll step of §4 (content/04-linear-perturbation.mdx). */
export const fgsmSweepSteps: Partial<FgsmSweepState>[] = [
  // 1. ε = 0: the curves start at the clean error
  { eps: 0, model: 'softmax', clip: 'clipped', paper: false },
  // 2. ε = 0.1: already most of the way up
  { eps: 0.1, model: 'softmax', clip: 'clipped', paper: false },
  // 3. ε = 0.25, the paper's setting, with its two points
  { eps: 0.25, model: 'maxout', clip: 'clipped', paper: true },
  // 4. the same, unclipped: the formula as printed
  { eps: 0.25, model: 'maxout', clip: 'unclipped', paper: true },
];

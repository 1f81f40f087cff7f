/** The logit-sweep figure's state (§8, the paper's Fig. 4: the ten logits along the FGSM direction). */
import type { StateOf, StateTable } from '../kit/state.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'logit-sweep',
  title: 'The ten logits along the FGSM direction',
  caption: 'Move along x + ε·sign(∇ₓJ): the logits run in straight segments, and a wrong class holds over wide bands of ε.',
  chapter: '8',
} satisfies FigureMeta;

export const logitSweep = {
  /** The official test digit moved along its FGSM direction (test digit 4 is a 4, as in the paper's figure). */
  digit: { type: 'integer', label: 'test digit', default: 4, min: 0, max: 9999 },
  /** The reader's drawing (its code), swept instead of the test digit; '' for none. */
  drawn: { type: 'drawing', label: 'your drawing', default: '' },
  model: { type: 'choice', label: 'model', default: 'maxout', options: ['softmax', 'maxout', 'maxout-adv'] as const, yours: true },
  /** ε runs from −range to range (the paper's figure: about ±15). */
  range: { type: 'number', label: 'range of ε', symbol: '±', default: 15, min: 0.5, max: 30, step: 0.5 },
  /** The cursor: the ε whose image and prediction are read out (clamped to the range). */
  eps: { type: 'number', label: 'ε at the cursor', symbol: '=', default: 0.25, min: -30, max: 30, step: 0.05, within: 'range' },
} satisfies StateTable;

export type LogitSweepState = StateOf<typeof logitSweep>;

/** Points of the sweep: ε in steps of range/300. */
export const SWEEP_POINTS = 601;
/** Images in the strip under the chart, from −range to range. */
export const STRIP = 9;

/** The state of each scroll step of §8 (content/08-why-generalize.mdx). */
export const logitSweepSteps: Partial<LogitSweepState>[] = [
  // 1. the paper's setting: a 4 on the maxout network, ε from −15 to 15, the cursor at x itself
  { digit: 4, model: 'maxout', range: 15, eps: 0 },
  // 2. the cursor at the paper's ε = 0.25: a wrong class already
  { digit: 4, model: 'maxout', range: 15, eps: 0.25 },
  // 3. far out: a wrong class holds over a wide band of ε
  { digit: 4, model: 'maxout', range: 15, eps: 10 },
  // 4. shallow softmax regression: straight lines
  { digit: 4, model: 'softmax', range: 15, eps: 10 },
  // 5. the adversarially trained network, close up: a thin shell of a wrong class near x, then the true class again
  { digit: 4, model: 'maxout-adv', range: 0.5, eps: 0.25 },
];

/** The adversarial-vs-weight-decay figure's state (§5: three 3-vs-7 logistic regressions trained live in the reader's browser). */
import { defaults, type StateOf, type StateTable } from '../kit/state.ts';
import { settingsOfSteps } from '../kit/finished.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'adversarial-vs-weight-decay',
  title: 'Adversarial training against L¹ weight decay, trained in your browser',
  caption: 'Three logistic regressions from one seeded start: the adversarial penalty fades once the margins are large; weight decay keeps charging.',
  chapter: '5',
} satisfies FigureMeta;

export const adversarialVsWeightDecay = {
  /** ε of the adversarial objective ζ(ε‖w‖₁ − y(wᵀx + b)) and of the FGSM test. */
  eps: { type: 'number', label: 'adversarial ε', symbol: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.005 },
  /** λ of the L¹ weight decay ζ(−y(wᵀx + b)) + λ‖w‖₁. */
  lambda: { type: 'number', label: 'weight decay λ', symbol: 'λ', default: 0.25, min: 0, max: 0.5, step: 0.0025 },
  seed: { type: 'integer', label: 'seed', default: 1, min: 0, max: 9999 },
  epochs: { type: 'integer', label: 'epochs', default: 30, min: 1, max: 100 },
  /** Start training as soon as the figure is near the screen (for a slide), without waiting for the button. */
  run: { type: 'boolean', label: 'train on load', default: false },
  /** What the figure points at (set by a scroll step). */
  focus: { type: 'choice', label: 'highlight', default: 'none', options: ['none', 'weights', 'loss', 'penalty', 'error'] as const },
} satisfies StateTable;

export type AdversarialVsWeightDecayState = StateOf<typeof adversarialVsWeightDecay>;

/** The state of each scroll step of §5 (content/05-adversarial-training-linear.mdx). */
export const adversarialVsWeightDecaySteps: Partial<AdversarialVsWeightDecayState>[] = [
  // 1. three copies of one seeded start, three objectives; ε = λ = 0.25
  { eps: 0.25, lambda: 0.25, focus: 'weights' },
  // 2. the training loss: each run's own objective
  { eps: 0.25, lambda: 0.25, focus: 'loss' },
  // 3. what the penalty costs: the adversarial one fades, weight decay's does not
  { eps: 0.25, lambda: 0.25, focus: 'penalty' },
  // 4. clean and FGSM test error: robustness from the adversarial run, underfitting from decay
  { eps: 0.25, lambda: 0.25, focus: 'error' },
  // 5. a smaller coefficient for both, ε = λ = 0.1: decay trains now, still pays in full, and still lags
  { eps: 0.1, lambda: 0.1, focus: 'penalty' },
];

/** What is trained (the session's settings): a change of any of these starts a new training. */
export const trainingSettings = (s: AdversarialVsWeightDecayState) => ({ seed: s.seed, epsilon: s.eps, lambda: s.lambda });
export type WeightDecaySettings = ReturnType<typeof trainingSettings>;

/** The settings of the finished runs in finished.json: the default state's and each step's. */
export const finishedSettings = (): WeightDecaySettings[] => settingsOfSteps(defaults(adversarialVsWeightDecay), adversarialVsWeightDecaySteps, trainingSettings);

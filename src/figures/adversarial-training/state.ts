/** The adversarial-training figure's state (§6: an ordinary and an adversarially trained maxout net, trained live side by side). */
import { defaults, type StateOf, type StateTable } from '../kit/state.ts';
import { settingsOfSteps } from '../kit/finished.ts';
import type { FigureMeta } from '../kit/figure.svelte.ts';

export const meta = {
  name: 'adversarial-training',
  title: 'Ordinary against adversarial training, live',
  caption: 'One small maxout net trained twice from the same start: on J, and on α J(x) + (1 − α) J(x + ε sign ∇ₓJ). Test error on clean and on FGSM digits after each epoch.',
  chapter: '6',
} satisfies FigureMeta;

export const adversarialTraining = {
  /** Weight of the clean cost in J̃ = α J(x) + (1 − α) J(x + ε sign ∇ₓJ). */
  alpha: { type: 'number', label: 'clean weight', symbol: 'α', default: 0.5, min: 0, max: 1, step: 0.05 },
  /** ε of the adversarial objective and of the FGSM test. */
  epsilon: { type: 'number', label: 'adversarial ε', symbol: 'ε', default: 0.25, min: 0, max: 0.3, step: 0.01 },
  seed: { type: 'integer', label: 'seed', default: 1, min: 0, max: 9999 },
  epochs: { type: 'integer', label: 'epochs', default: 10, min: 1, max: 40 },
  /** The first n training digits the site ships. */
  n: { type: 'integer', label: 'training digits', default: 5000, min: 100, max: 5000 },
  /** The first N official test digits. */
  test: { type: 'choice', label: 'test digits', default: '1000', options: ['1000', '10000'] as const },
  /** Start training as soon as the figure is near the screen (for a slide), without waiting for the button. */
  run: { type: 'boolean', label: 'train on load', default: false },
  /** Which curves the figure points at (set by a scroll step; it changes what is shown, never what is trained). */
  focus: { type: 'choice', label: 'highlight', default: 'none', options: ['none', 'fgsm', 'clean'] as const },
} satisfies StateTable;

export type AdversarialTrainingState = StateOf<typeof adversarialTraining>;

/** The state of each scroll step of §6 (content/06-adversarial-training-deep.mdx). */
export const adversarialTrainingSteps: Partial<AdversarialTrainingState>[] = [
  // 1. the paper's setting, α = 0.5 and ε = 0.25: the FGSM error
  { alpha: 0.5, epsilon: 0.25, focus: 'fgsm' },
  // 2. the same training, its clean error (only what is shown changes: a training under way goes on)
  { alpha: 0.5, epsilon: 0.25, focus: 'clean' },
  // 3. a smaller ε: the adversary the network is trained and tested against is weaker
  { alpha: 0.5, epsilon: 0.1, focus: 'none' },
  // 4. α = 1: the adversarial term is gone, the two trainings are one
  { alpha: 1, epsilon: 0.25, focus: 'none' },
];

/** What is trained (the session's settings): a change of any of these starts a new training; the rest only changes what is shown. */
export const trainingSettings = (s: AdversarialTrainingState) => ({ seed: s.seed, alpha: s.alpha, epsilon: s.epsilon, n: s.n, test: Number(s.test) });
export type AdversarialTrainingSettings = ReturnType<typeof trainingSettings>;

/** The settings of the finished runs in finished.json: the default state's and each step's. */
export const finishedSettings = (): AdversarialTrainingSettings[] => settingsOfSteps(defaults(adversarialTraining), adversarialTrainingSteps, trainingSettings);

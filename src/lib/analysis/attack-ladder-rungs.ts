/**
 * The attack ladder's rungs and result type: what the page needs to lay the
 * figure out, in a module without TensorFlow.js (attack-ladder.ts computes the
 * rungs in the worker and re-exports these).
 */
export type RungKind = 'clean' | 'fgsm' | 'rfgsm' | 'pgd';

export interface RungSpec {
  id: string;
  kind: RungKind;
  /** PGD steps (0 for the others). */
  steps: number;
  /** PGD restarts (1 for one run). */
  restarts: number;
  label: string;
  /** Gradient passes per digit. */
  gradients: number;
}

/** The PGD step counts of the ladder. */
export const LADDER_STEPS = [1, 2, 5, 10, 20, 40] as const;
/** Restarts of the last rung (PGD with the most steps). */
export const LADDER_RESTARTS = 5;
export const LADDER_SEED = 2015;
/** Seeds of successive batches are this far apart, so that no two batches or restarts share a draw. */
export const SEED_STRIDE = 1000;
const MAX_STEPS = LADDER_STEPS[LADDER_STEPS.length - 1];

export const LADDER: readonly RungSpec[] = [
  { id: 'clean', kind: 'clean', steps: 0, restarts: 0, label: 'clean', gradients: 0 },
  { id: 'fgsm', kind: 'fgsm', steps: 0, restarts: 0, label: 'FGSM', gradients: 1 },
  { id: 'rfgsm', kind: 'rfgsm', steps: 0, restarts: 0, label: 'R+FGSM', gradients: 1 },
  ...LADDER_STEPS.map((k) => ({ id: `pgd-${k}`, kind: 'pgd' as const, steps: k, restarts: 1, label: `PGD-${k}`, gradients: k })),
  {
    id: `pgd-${MAX_STEPS}x${LADDER_RESTARTS}`,
    kind: 'pgd',
    steps: MAX_STEPS,
    restarts: LADDER_RESTARTS,
    label: `PGD-${MAX_STEPS} ×${LADDER_RESTARTS}`,
    gradients: MAX_STEPS * LADDER_RESTARTS,
  },
];

export function rungById(id: string): RungSpec | undefined {
  return LADDER.find((r) => r.id === id);
}

/** PGD's step size for k steps: 2.5ε/k, so that k steps can cross the ball and back (Madry et al. 2018). */
export const pgdStepSize = (epsilon: number, steps: number) => (2.5 * epsilon) / steps;
/** R+FGSM's random step: α = ε/2 (Tramèr et al. 2018). */
export const rfgsmAlpha = (epsilon: number) => epsilon / 2;

export interface RungResult {
  id: string;
  label: string;
  epsilon: number;
  count: number;
  wrong: number;
  /** Percent of the digits misclassified. */
  error: number;
  /** Mean probability of the true class, percent. */
  trueProbability: number;
  /** Gradient passes per digit. */
  gradients: number;
  seconds: number;
}

/**
 * §2: the L-BFGS attack of Szegedy et al. against one FGSM step, on the same
 * digit and model: both perturbations, their L∞ and L² sizes, what each cost
 * (gradient evaluations and milliseconds) and where each landed.
 */
import type { Model } from './batch.ts';
import { fgsmExample } from '../attacks/fgsm.ts';
import { lbfgsAttack, norms, targetLoss, type LbfgsAttackOptions, type LbfgsAttackResult } from '../attacks/lbfgs.ts';
import { argMax } from '../argmax.ts';

export interface FgsmStep {
  epsilon: number;
  /** x + ε·sign(∇ₓJ(θ, x, y)), clipped to [0, 1]. */
  adversarial: Float32Array;
  perturbation: Float32Array;
  probabilities: Float32Array;
  predicted: number;
  linf: number;
  l2: number;
  /** One gradient, always. */
  evaluations: number;
  milliseconds: number;
}

/** One FGSM step away from the true label (the site's FGSM, clipped), timed from the input to the read-back. */
export async function fgsmStep(model: Model, pixels: Float32Array, label: number, epsilon: number): Promise<FgsmStep> {
  const started = performance.now();
  const ex = await fgsmExample(model.fns, model.params, pixels, label, epsilon);
  const milliseconds = performance.now() - started;
  const perturbation = ex.adversarial.map((v, i) => v - pixels[i]);
  return {
    epsilon,
    adversarial: ex.adversarial,
    perturbation,
    probabilities: ex.adversarialProbabilities,
    predicted: argMax(ex.adversarialProbabilities),
    ...norms(perturbation),
    evaluations: 1,
    milliseconds,
  };
}

export interface LbfgsVsFgsm {
  label: number;
  target: number;
  cleanProbabilities: Float32Array;
  lbfgs: LbfgsAttackResult;
  fgsm: FgsmStep;
}

/**
 * Both attacks on one digit. One gradient is taken first and not timed, so
 * that neither pays for the backend's first compilation. `lbfgs` reuses an
 * earlier L-BFGS result for the same model, digit and target (it does not
 * depend on ε).
 */
export async function lbfgsVsFgsm(
  model: Model,
  pixels: Float32Array,
  label: number,
  target: number,
  epsilon: number,
  options: LbfgsAttackOptions & { lbfgs?: LbfgsAttackResult } = {},
): Promise<LbfgsVsFgsm> {
  await targetLoss(model, pixels, target);
  const lbfgs = options.lbfgs ?? (await lbfgsAttack(model, pixels, target, options));
  const clean = await fgsmExample(model.fns, model.params, pixels, label, 0);
  const fgsm = await fgsmStep(model, pixels, label, epsilon);
  return { label, target, cleanProbabilities: clean.cleanProbabilities, lbfgs, fgsm };
}

/**
 * The training objectives of the paper, each as a function that, given the
 * parameters and a batch, returns the loss closure the optimiser minimises.
 * Work that must not be differentiated (the adversarial example itself, noise)
 * is done before the closure, so the gradient treats it as a constant.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFunctions, Params } from '../models/architectures.ts';
import { exactSign, inputGradient } from '../attacks/fgsm.ts';
import { pgd } from '../attacks/pgd.ts';

export interface Step {
  /** A seed for this step's dropout masks and noise (the run's seed, epoch and batch). */
  seed: number;
  /** Epochs done before this step, with the fraction of the current epoch (0 at the very start); for schedules. */
  epochsDone?: number;
}

export type Objective = (params: Params, x: tf.Tensor2D, y: tf.Tensor1D, step: Step) => () => tf.Scalar;

/**
 * An objective plus a parameter penalty: objective + penalty(params). Weight
 * decay is penalty = (λ/2) Σ W² over chosen parameters (the gradient step
 * subtracts λW, as Caffe's and pylearn2's weight decay did).
 */
export function withPenalty(base: Objective, penalty: (params: Params) => tf.Scalar): Objective {
  return (params, x, y, step) => {
    const loss = base(params, x, y, step);
    return () => tf.add(loss(), penalty(params)) as tf.Scalar;
  };
}

/** (λ/2) Σ w² over the named parameters. */
export function l2Penalty(lambda: number, names: string[]): (params: Params) => tf.Scalar {
  return (params) => tf.mul(lambda / 2, tf.addN(names.map((n) => tf.sum(tf.square(params[n]))))) as tf.Scalar;
}

/** The ordinary objective: mean J(θ, x, y). */
export function ordinaryObjective(model: ModelFunctions): Objective {
  return (params, x, y, step) => () => tf.div(model.loss(params, x, y, { seed: step.seed }), x.shape[0]) as tf.Scalar;
}

function mixed(model: ModelFunctions, alpha: number, perturbed: (params: Params, x: tf.Tensor2D, y: tf.Tensor1D, step: Step) => tf.Tensor2D): Objective {
  return (params, x, y, step) => {
    const other = perturbed(params, x, y, step);
    const n = x.shape[0];
    return () =>
      tf.div(
        tf.add(tf.mul(model.loss(params, x, y, { seed: step.seed }), alpha), tf.mul(model.loss(params, other, y, { seed: step.seed + 1 }), 1 - alpha)),
        n,
      ) as tf.Scalar;
  };
}

/**
 * §6: J̃(θ, x, y) = α J(θ, x, y) + (1 − α) J(θ, x + ε sign(∇ₓJ(θ, x, y)), y),
 * the adversarial example clipped to [0, 1] (a valid image) unless `clip` is
 * false (the formula as printed; the paper's recipe, with `withNaiveGradient`).
 */
export function adversarialObjective(model: ModelFunctions, alpha: number, epsilon: number, options: { clip?: boolean } = {}): Objective {
  const clip = options.clip ?? true;
  return mixed(model, alpha, (params, x, y) =>
    tf.tidy(() => {
      const moved = tf.add(x, tf.mul(exactSign(inputGradient(model, params, x, y)), epsilon));
      return (clip ? tf.clipByValue(moved, 0, 1) : moved) as tf.Tensor2D;
    }),
  );
}

export interface PgdTraining {
  /** The ℓ∞ radius trained against once the warm-up is over. */
  epsilon: number;
  /** PGD steps per batch; each step moves by epsilon / steps · stepRatio. */
  steps: number;
  /** Step size as a fraction of the current ε (Madry et al. use 2.5 ε / steps; 1/3 with 5 steps moves far enough). */
  stepRatio: number;
  /** Epochs over which ε grows linearly from 0 to its value (0: no warm-up). */
  warmupEpochs: number;
}

/** The ε of a PGD-training step after `epochsDone` epochs (linear warm-up, then constant). */
export function pgdEpsilonAt(config: PgdTraining, epochsDone: number): number {
  if (config.warmupEpochs <= 0) return config.epsilon;
  return config.epsilon * Math.min(1, epochsDone / config.warmupEpochs);
}

/**
 * Madry et al. (2018): min over θ of E max over ‖η‖∞ ≤ ε of J(θ, x + η, y), the
 * inner max approximated by PGD from a random start of the ball (no dropout in
 * the attack, the model's own dropout in the update), images kept in [0, 1].
 * Only the attacked digits enter the loss (no clean term).
 */
export function pgdObjective(model: ModelFunctions, config: PgdTraining): Objective {
  return (params, x, y, step) => {
    const eps = pgdEpsilonAt(config, step.epochsDone ?? Infinity);
    const attacked =
      eps > 0
        ? pgd(model, params, x, y, { epsilon: eps, stepSize: eps * config.stepRatio, steps: config.steps, randomStart: true, seed: step.seed + 29, clip: true })
        : (tf.clone(x) as tf.Tensor2D);
    const n = x.shape[0];
    return () => tf.div(model.loss(params, attacked, y, { seed: step.seed }), n) as tf.Scalar;
  };
}

/** §6's control: the same mixture with random ±ε per pixel instead of the gradient's sign. */
export function signNoiseObjective(model: ModelFunctions, alpha: number, epsilon: number): Objective {
  return mixed(model, alpha, (_params, x, _y, step) =>
    tf.tidy(() => {
      const s = tf.sub(tf.mul(tf.cast(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', step.seed + 17), 0.5), 'float32'), 2), 1);
      return tf.clipByValue(tf.add(x, tf.mul(s, epsilon)), 0, 1) as tf.Tensor2D;
    }),
  );
}

/** §6's other control: the same mixture with uniform noise U(−ε, ε) per pixel. */
export function uniformNoiseObjective(model: ModelFunctions, alpha: number, epsilon: number): Objective {
  return mixed(model, alpha, (_params, x, _y, step) =>
    tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', step.seed + 17)), 0, 1) as tf.Tensor2D),
  );
}

/** ζ(z) = log(1 + exp(z)), stable for large |z|. */
export function softplus(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(z), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
}

/** y ∈ {−1, 1} from a logistic model's class index (0 = negative digit, 1 = positive digit). */
function signedLabels(y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.mul(tf.cast(y, 'float32'), 2), 1) as tf.Tensor1D);
}

function logisticMargin(params: Params, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(signedLabels(y), tf.reshape(tf.add(tf.matMul(x, params.w as tf.Tensor2D), params.b), [-1])) as tf.Tensor1D);
}

/**
 * §5, in its correct form (shared/paper facts): E ζ(ε‖w‖₁ − y(wᵀx + b)). This
 * is exactly the loss at the worst-case perturbation η = −ε y sign(w), without
 * clipping to [0, 1]; the paper's printed form is right only for y = 1.
 */
export function logisticAdversarialObjective(epsilon: number): Objective {
  return (params, x, y) => () =>
    tf.tidy(() => tf.mean(softplus(tf.sub(tf.mul(tf.sum(tf.abs(params.w)), epsilon), logisticMargin(params, x, y)))) as tf.Scalar);
}

/** L¹ weight decay: E ζ(−y(wᵀx + b)) + λ‖w‖₁, the penalty paid outside ζ, even where the margin is large. */
export function logisticL1Objective(lambda: number): Objective {
  return (params, x, y) => () =>
    tf.tidy(() => tf.add(tf.mean(softplus(tf.neg(logisticMargin(params, x, y)))), tf.mul(tf.sum(tf.abs(params.w)), lambda)) as tf.Scalar);
}

/**
 * The maxout paper's optimiser (Goodfellow et al. 2013, pylearn2's SGD with
 * momentum and `max_col_norm`): minibatch SGD with classical momentum,
 *   v ← μ v − η g,  θ ← θ + v,
 * the momentum μ rising linearly over a number of epochs, the learning rate η
 * decaying geometrically per epoch, and after every step each weight matrix's
 * columns (each unit's, or maxout piece's, incoming weight vector) scaled back
 * onto the ball ‖w‖₂ ≤ c. Biases are neither constrained nor decayed.
 *
 * The schedules are pure functions of the epoch, and the velocity is the only
 * state, so a run resumed from a checkpoint (parameters and velocities) at an
 * epoch boundary continues exactly as an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';

/** μ rises linearly from `start` (first epoch) to `end`, reached after `epochs` epochs, then stays there. */
export interface MomentumSchedule {
  start: number;
  end: number;
  epochs: number;
}

/** η = max(minimum, initial · decay^epoch): geometric decay once per epoch. */
export interface LearningRateSchedule {
  initial: number;
  decay: number;
  minimum: number;
}

/** The momentum of an epoch, given the epochs done before it (0 for the first). */
export function momentumAt(s: MomentumSchedule, epochsDone: number): number {
  if (s.epochs <= 0) return s.end;
  return s.start + (s.end - s.start) * Math.min(1, Math.max(0, epochsDone) / s.epochs);
}

/** The learning rate of an epoch, given the epochs done before it (0 for the first). */
export function learningRateAt(s: LearningRateSchedule, epochsDone: number): number {
  return Math.max(s.minimum, s.initial * Math.pow(s.decay, Math.max(0, epochsDone)));
}

/**
 * Each column of w (w is fan-in × units: a column is one unit's incoming weights) with its Euclidean norm
 * capped at c: columns longer than c are scaled onto the sphere of radius c, the others are left exactly as
 * they are.
 */
export function maxNormColumns(w: tf.Tensor2D, c: number): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(w), 0, true));
    const scale = tf.where(tf.greater(norms, c), tf.div(c, norms), tf.onesLike(norms));
    return tf.mul(w, scale) as tf.Tensor2D;
  });
}

/** The parameters the max-norm constraint applies to: the weight matrices (two dimensions), not the biases. */
export const isWeightMatrix = (v: tf.Tensor) => v.rank === 2;

export interface MomentumSgdOptions {
  learningRate: number;
  momentum: number;
  /** Column-norm cap for every weight matrix; Infinity for none. */
  maxNorm: number;
}

/**
 * The optimiser, over named parameters. It offers `minimize` as tf.Optimizer
 * does (the training loop calls only that); `learningRate` and `momentum` are
 * set before each epoch from the schedules; `velocity` is what a checkpoint
 * saves beside the parameters.
 */
export class MomentumSgd {
  learningRate: number;
  momentum: number;
  readonly maxNorm: number;
  readonly params: Record<string, tf.Variable>;
  readonly velocity: Record<string, tf.Variable>;
  private readonly byVariable = new Map<string, string>();

  constructor(params: Record<string, tf.Variable>, options: MomentumSgdOptions, velocity?: Record<string, Float32Array>) {
    this.params = params;
    this.learningRate = options.learningRate;
    this.momentum = options.momentum;
    this.maxNorm = options.maxNorm;
    this.velocity = {};
    for (const [name, v] of Object.entries(params)) {
      this.byVariable.set(v.name, name);
      const saved = velocity?.[name];
      this.velocity[name] = tf.variable(saved ? tf.tensor(saved, v.shape) : tf.zerosLike(v), false);
    }
  }

  /** One step on f's gradient with respect to the variables; returns f's value when asked (as tf.Optimizer does). */
  minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const { value, grads } = tf.variableGrads(f, varList ?? Object.values(this.params));
    this.apply(grads);
    tf.dispose(Object.values(grads));
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** v ← μ v − η g, θ ← θ + v, then the max-norm projection of the weight matrices. */
  apply(grads: Record<string, tf.Tensor>): void {
    const mu = this.momentum;
    const eta = this.learningRate;
    tf.tidy(() => {
      for (const [variableName, g] of Object.entries(grads)) {
        const name = this.byVariable.get(variableName) ?? variableName;
        const param = this.params[name];
        const v = this.velocity[name];
        if (!param || !v) throw new Error(`MomentumSgd: no parameter for the gradient ${variableName}`);
        const next = tf.sub(tf.mul(v, mu), tf.mul(g, eta));
        v.assign(next);
        const moved = tf.add(param, next);
        param.assign(isWeightMatrix(param) && Number.isFinite(this.maxNorm) ? maxNormColumns(moved as tf.Tensor2D, this.maxNorm) : moved);
      }
    });
  }

  dispose(): void {
    tf.dispose(Object.values(this.velocity));
  }
}

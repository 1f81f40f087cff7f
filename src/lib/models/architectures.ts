/**
 * Each model of the paper as a pure function of its parameters.
 * `logits` maps a batch x (N × 784, pixels in [0, 1]) to the model's scores
 * (the arguments to its softmax, or to its exp for the RBF network); `loss` is
 * the per-batch *sum* of the training cost J(θ, x, y), computed from logits
 * without ever passing through clipped probabilities; `probabilities` is what
 * the model reports as its confidence. Labels are class indices into
 * `classLabels(arch)` (the digits 0–9, or [3, 7] for the 3-vs-7 models).
 */
import * as tf from '@tensorflow/tfjs';
import { maxoutLayer } from './maxout.ts';

export type Params = Record<string, tf.Tensor>;

export type Architecture =
  | { kind: 'softmax'; inputs: number; classes: number }
  | { kind: 'maxout'; inputs: number; units: number[]; pieces: number; classes: number; dropout: { input: number; hidden: number } }
  | { kind: 'rbf'; inputs: number; classes: number }
  | { kind: 'logistic'; inputs: number; negative: number; positive: number }
  | { kind: 'ensemble'; members: number; member: Extract<Architecture, { kind: 'maxout' }> }
  /** A model the reader brought (src/lib/models/user-model.ts): its functions come with its loaded graph. */
  | { kind: 'external'; inputs: number; classes: number; format: 'layers-model' | 'graph-model' };

export type MaxoutArchitecture = Extract<Architecture, { kind: 'maxout' }>;

/** Dropout masks are drawn from this seed when a model is called in training mode. */
export interface TrainingMode {
  seed: number;
}

export interface ModelFunctions {
  logits(params: Params, x: tf.Tensor2D, training?: TrainingMode): tf.Tensor2D;
  /** Sum over the batch of J(θ, x, y); y holds integer class indices. */
  loss(params: Params, x: tf.Tensor2D, y: tf.Tensor1D, training?: TrainingMode): tf.Scalar;
  probabilities(params: Params, x: tf.Tensor2D): tf.Tensor2D;
  /** Parameter names and shapes. */
  shapes(): Record<string, number[]>;
  /** Whether the outputs are a softmax (sum to one) or independent probabilities. */
  output: 'softmax' | 'independent';
}

/**
 * Σᵢ −log softmax(zᵢ)[yᵢ], computed stably from logits, with its gradient
 * written out: ∂/∂zₖ = pₖ for k ≠ y and −Σ_{k≠y} pₖ for the true class.
 * Autodiff through logSoftmax computes the true class's term as pᵧ − 1, which
 * is exactly 0 in float32 once the model is sure of a digit (pᵧ rounds to 1):
 * FGSM then only raises the wrong classes and never lowers the true one.
 * Summing the small probabilities keeps the term (down to pₖ ≈ 1e-38).
 */
export function softmaxCrossEntropySum(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return crossEntropyWithGradient(logits, y, (p, t) => {
    const others = tf.mul(p, tf.sub(1, t));
    return tf.sub(others, tf.mul(t, tf.sum(others, 1, true)));
  });
}

/**
 * Σᵢ −log softmax(zᵢ)[yᵢ] from logits, with ∂/∂z given by `gradient(p, onehot)`
 * (p = softmax(z)): the site's form above, or another (the paper's setting).
 */
export function crossEntropyWithGradient(logits: tf.Tensor2D, y: tf.Tensor1D, gradient: (p: tf.Tensor2D, target: tf.Tensor2D) => tf.Tensor): tf.Scalar {
  const oneHot = tf.tidy(() => tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]) as tf.Tensor2D);
  const loss = tf.customGrad(((z: tf.Tensor, target: tf.Tensor, save: tf.GradSaveFunc) => {
    // saved tensors are kept by the tape until the gradient has been taken
    save([z, target]);
    return {
      value: tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z as tf.Tensor2D)))),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [zs, t] = saved;
        return [tf.mul(gradient(tf.softmax(zs as tf.Tensor2D), t as tf.Tensor2D), dy as tf.Tensor), tf.zerosLike(t)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const value = loss(logits, oneHot) as tf.Scalar;
  oneHot.dispose();
  return value;
}

function softmaxOutput(
  shapes: Record<string, number[]>,
  logits: (p: Params, x: tf.Tensor2D, training?: TrainingMode) => tf.Tensor2D,
): ModelFunctions {
  return {
    logits,
    loss: (p, x, y, training) => tf.tidy(() => softmaxCrossEntropySum(logits(p, x, training), y)),
    probabilities: (p, x) => tf.tidy(() => tf.softmax(logits(p, x))),
    shapes: () => shapes,
    output: 'softmax',
  };
}

function softmaxRegression(a: { inputs: number; classes: number }): ModelFunctions {
  return softmaxOutput({ W: [a.inputs, a.classes], b: [a.classes] }, (p, x) =>
    tf.tidy(() => tf.add(tf.matMul(x, p.W as tf.Tensor2D), p.b) as tf.Tensor2D),
  );
}

/**
 * Logistic regression P(positive | x) = σ(wᵀx + b), written as a softmax over
 * the two logits [0, wᵀx + b], which gives exactly σ and ζ(−y(wᵀx + b)).
 */
function logisticRegression(a: { inputs: number }): ModelFunctions {
  return softmaxOutput({ w: [a.inputs, 1], b: [1] }, (p, x) =>
    tf.tidy(() => {
      const z = tf.add(tf.matMul(x, p.w as tf.Tensor2D), p.b);
      return tf.concat([tf.zerosLike(z), z], 1) as tf.Tensor2D;
    }),
  );
}

function dropout(x: tf.Tensor2D, keep: number, seed: number): tf.Tensor2D {
  if (keep >= 1) return x;
  return tf.tidy(() => {
    const mask = tf.cast(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', seed), keep), 'float32');
    return tf.mul(x, tf.div(mask, keep)) as tf.Tensor2D;
  });
}

/** The paper's maxout network: maxout layers, then a softmax layer; dropout in training. */
function maxoutNetwork(a: MaxoutArchitecture): ModelFunctions {
  const shapes: Record<string, number[]> = {};
  let fanIn = a.inputs;
  a.units.forEach((u, i) => {
    shapes[`W${i + 1}`] = [fanIn, u * a.pieces];
    shapes[`b${i + 1}`] = [u * a.pieces];
    fanIn = u;
  });
  const last = a.units.length + 1;
  shapes[`W${last}`] = [fanIn, a.classes];
  shapes[`b${last}`] = [a.classes];
  return softmaxOutput(shapes, (p, x, training) =>
    tf.tidy(() => {
      let h = training ? dropout(x, a.dropout.input, training.seed) : x;
      a.units.forEach((u, i) => {
        h = maxoutLayer(h, p[`W${i + 1}`] as tf.Tensor2D, p[`b${i + 1}`] as tf.Tensor1D, a.pieces);
        if (training) h = dropout(h, a.dropout.hidden, training.seed + 7919 * (i + 1));
      });
      return tf.add(tf.matMul(h, p[`W${last}`] as tf.Tensor2D), p[`b${last}`]) as tf.Tensor2D;
    }),
  );
}

/**
 * The shallow RBF network (§7, shared/paper facts): one unit per class with a
 * diagonal precision, p(y = i | x) = exp(−Σⱼ βᵢⱼ (xⱼ − μᵢⱼ)²), βᵢⱼ = γᵢⱼ² ≥ 0.
 * The outputs are independent probabilities, trained one-vs-rest with binary
 * cross-entropy; the "logits" are log pᵢ = −dᵢ.
 */
function rbfNetwork(a: { inputs: number; classes: number }): ModelFunctions {
  const distance = (p: Params, x: tf.Tensor2D) =>
    tf.tidy(() => {
      // dᵢ = Σⱼ βᵢⱼ (xⱼ − μᵢⱼ)² = Σ β x² − 2 Σ β μ x + Σ β μ², as three matrix products
      const beta = tf.square(p.gamma as tf.Tensor2D); // [inputs, classes]
      const mu = p.mu as tf.Tensor2D; // [inputs, classes]
      const a2 = tf.matMul(tf.square(x), beta);
      const ab = tf.matMul(x, tf.mul(beta, mu));
      const c = tf.sum(tf.mul(beta, tf.square(mu)), 0);
      return tf.relu(tf.add(tf.sub(a2, tf.mul(ab, 2)), c)) as tf.Tensor2D;
    });
  return {
    logits: (p, x) => tf.tidy(() => tf.neg(distance(p, x))),
    loss: (p, x, y) =>
      tf.tidy(() => {
        const d = distance(p, x);
        const onehot = tf.oneHot(tf.cast(y, 'int32'), a.classes);
        // −log p = d for the true class; −log(1 − p) = −log(−expm1(−d)) for the others
        const logOneMinusP = tf.log(tf.maximum(tf.neg(tf.expm1(tf.neg(d))), 1e-30));
        return tf.sum(tf.add(tf.mul(onehot, d), tf.mul(tf.sub(1, onehot), tf.neg(logOneMinusP)))) as tf.Scalar;
      }),
    probabilities: (p, x) => tf.tidy(() => tf.exp(tf.neg(distance(p, x))) as tf.Tensor2D),
    shapes: () => ({ mu: [a.inputs, a.classes], gamma: [a.inputs, a.classes] }),
    output: 'independent',
  };
}

/** The parameters of ensemble member i (named "m3.W1" and so on in the ensemble). */
export function memberParams(params: Params, i: number): Params {
  const prefix = `m${i + 1}.`;
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * An ensemble (§9) predicts the mean of its members' softmax outputs; its
 * logits are log of that mean, log((1/M) Σₘ softmax(zₘ)), so that the same
 * softmax and cross-entropy give the ensemble's probabilities and cost.
 */
function ensemble(a: Extract<Architecture, { kind: 'ensemble' }>): ModelFunctions {
  const member = maxoutNetwork(a.member);
  const shapes: Record<string, number[]> = {};
  for (let i = 0; i < a.members; i++) for (const [k, v] of Object.entries(member.shapes())) shapes[`m${i + 1}.${k}`] = v;
  return softmaxOutput(shapes, (p, x) =>
    tf.tidy(() => {
      const logps = Array.from({ length: a.members }, (_, i) => tf.logSoftmax(member.logits(memberParams(p, i), x)));
      return tf.sub(tf.logSumExp(tf.stack(logps), 0), Math.log(a.members)) as tf.Tensor2D;
    }),
  );
}

export function modelFunctions(arch: Architecture): ModelFunctions {
  switch (arch.kind) {
    case 'softmax':
      return softmaxRegression(arch);
    case 'logistic':
      return logisticRegression(arch);
    case 'maxout':
      return maxoutNetwork(arch);
    case 'rbf':
      return rbfNetwork(arch);
    case 'ensemble':
      return ensemble(arch);
    case 'external':
      throw new Error('a model the reader brought has its functions from its own graph, not from an architecture');
  }
}

/** The digit each class index stands for. */
export function classLabels(arch: Architecture): number[] {
  if (arch.kind === 'logistic') return [arch.negative, arch.positive];
  if (arch.kind === 'ensemble') return classLabels(arch.member);
  return Array.from({ length: arch.classes }, (_, i) => i);
}

export function parameterCount(arch: Architecture): number {
  const shapes = modelFunctions(arch).shapes();
  return Object.values(shapes).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * A maxout layer (Goodfellow et al. 2013): hᵢ = maxₖ (xW + b)ᵢₖ over k pieces,
 * with a hand-written gradient. Autodiff as it comes spends most of its time on
 * wasm in the transposed product dZ·Wᵀ and in the broadcast `equal` inside the
 * gradient of a max; here the forward pass keeps a one-hot mask of each unit's
 * winning piece and the backward pass multiplies by it and by an explicitly
 * transposed W with a plain matMul. The unit tests check it against autodiff.
 */
import * as tf from '@tensorflow/tfjs';

export function maxoutLayer(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, pieces: number): tf.Tensor2D {
  const units = W.shape[1] / pieces;
  const op = tf.customGrad(((xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const n = xi.shape[0]!;
    const z = tf.reshape(tf.add(tf.matMul(xi as tf.Tensor2D, Wi as tf.Tensor2D), bi), [n, units, pieces]);
    const winner = tf.argMax(z, 2);
    const h = tf.max(z, 2);
    const mask = tf.oneHot(winner, pieces); // [n, units, pieces], float32
    winner.dispose();
    z.dispose();
    save([xi, Wi, mask]);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, Ws, m] = saved;
        const d = dy as tf.Tensor;
        const dz = tf.reshape(tf.mul(m, tf.expandDims(d, 2)), [n, units * pieces]) as tf.Tensor2D;
        const dx = tf.matMul(dz, tf.transpose(Ws as tf.Tensor2D));
        const dW = tf.matMul(tf.transpose(xs as tf.Tensor2D), dz);
        const db = tf.sum(dz, 0);
        return [dx, dW, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, W, b) as tf.Tensor2D;
}

/** The same layer through autodiff, as the reference the tests compare with. */
export function maxoutLayerAutodiff(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, pieces: number): tf.Tensor2D {
  return tf.tidy(() => {
    const units = W.shape[1] / pieces;
    const z = tf.reshape(tf.add(tf.matMul(x, W), b), [x.shape[0], units, pieces]);
    return tf.max(z, 2) as tf.Tensor2D;
  });
}

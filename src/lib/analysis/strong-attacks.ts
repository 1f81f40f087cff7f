/**
 * The attacks that came after the paper (src/lib/attacks/pgd.ts), run over
 * many digits a batch at a time like `fgsmImages`: R+FGSM and PGD images, with
 * progress within each batch and cancellation between steps. Random draws are
 * seeded per batch (seed + 1009 · first digit of the batch), so a run gives the
 * same images in Node and in the browser whatever the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { pgdWorst, rfgsm } from '../attacks/pgd.ts';
import { CancelledError, fgsmImages, type BatchOptions, type Model } from './batch.ts';

export type StrongAttack =
  | { kind: 'fgsm'; epsilon: number }
  /** A random ±α step, then FGSM with ε − α (Tramèr et al. 2018). */
  | { kind: 'rfgsm'; epsilon: number; alpha: number; seed: number }
  /** k steps of α from a uniform random start in the ε-ball; `restart` r draws its start from seed + r. */
  | { kind: 'pgd'; epsilon: number; stepSize: number; steps: number; seed: number; restart: number };

export interface StrongAttackOptions extends BatchOptions {
  /** Fraction of the whole run done (finer than `onBatch`: PGD reports each step). */
  onProgress?: (fraction: number) => void;
}

const DEFAULT_BATCH = 500;
const batchSeed = (seed: number, start: number) => seed + 1009 * start;

/** The adversarial images of one attack for every digit, clipped to [0, 1]. */
export async function attackImages(model: Model, pixels: Float32Array, labels: ArrayLike<number>, attack: StrongAttack, options: StrongAttackOptions = {}): Promise<Float32Array> {
  const n = pixels.length / 784;
  if (attack.kind === 'fgsm') {
    return fgsmImages(model, pixels, labels, attack.epsilon, true, { ...options, onBatch: (done) => (options.onBatch?.(done), options.onProgress?.(done / n)) });
  }
  const bs = options.batchSize ?? DEFAULT_BATCH;
  const out = new Float32Array(pixels.length);
  for (let start = 0; start < n; start += bs) {
    if (options.cancelled?.()) throw new CancelledError();
    const end = Math.min(n, start + bs);
    const x = tf.tensor2d(pixels.subarray(start * 784, end * 784), [end - start, 784]);
    const y = tf.tensor1d(Array.from({ length: end - start }, (_, i) => labels[start + i]), 'int32');
    let adv: tf.Tensor2D;
    try {
      if (attack.kind === 'rfgsm') {
        adv = rfgsm(model.fns, model.params, x, y, attack.epsilon, attack.alpha, batchSeed(attack.seed, start), { clip: true });
      } else {
        adv = await pgdWorst(model.fns, model.params, x, y, {
          epsilon: attack.epsilon,
          stepSize: attack.stepSize,
          steps: attack.steps,
          randomStart: true,
          seed: batchSeed(attack.seed, start) + attack.restart,
          clip: true,
          restarts: 1,
          cancelled: options.cancelled,
          cancel: () => new CancelledError(),
          onProgress: (done, total) => options.onProgress?.((start + ((end - start) * done) / total) / n),
        });
      }
    } finally {
      tf.dispose([x, y]);
    }
    out.set((await adv.data()) as Float32Array, start * 784);
    adv.dispose();
    options.onBatch?.(end);
    options.onProgress?.(end / n);
  }
  return out;
}

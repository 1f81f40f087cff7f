/**
 * §2's glance at transfer (Szegedy et al.: one adversarial example fools
 * models of other architectures): FGSM digits made on each source model and
 * scored by every model. Built from the batched primitives of batch.ts
 * (fgsmImages, predict); the digits are clipped to [0, 1], as everywhere on
 * the site where an attacker hands an image over.
 */
import type { Cancellable } from '../progress.ts';
import { fgsmImages, predict, summarise, CancelledError, type Model } from './batch.ts';
import { TRANSFER_MODELS } from './page-values.ts';

export { TRANSFER_MODELS };

export interface TransferMatrix {
  /** Row and column order: sources are rows, scored models columns. */
  models: string[];
  epsilon: number;
  sample: number;
  /** Each model's error on the clean digits, percent. */
  clean: number[];
  /** error[s][m]: percent of the sample model m misclassifies after FGSM made on model s. */
  error: number[][];
}

export interface TransferOptions extends Cancellable {
  batchSize?: number;
}

/** The transfer matrix over a sample of digits (pixels: count × 784, labels: count). */
export async function transferMatrix(
  models: Model[],
  pixels: Float32Array,
  labels: ArrayLike<number>,
  epsilon: number,
  options: TransferOptions = {},
): Promise<TransferMatrix> {
  const n = labels.length;
  const k = models.length;
  // work units: k FGSM passes (weighted 2: a gradient costs about two forward passes) and k + k² predictions
  const total = 2 * k + k + k * k;
  let done = 0;
  const step = (label: string) => options.onProgress?.(done / total, label);
  const batch = { batchSize: options.batchSize, cancelled: options.cancelled };
  const clean: number[] = [];
  for (const m of models) {
    step(`${m.name} on the clean digits`);
    clean.push(summarise(await predict(m, pixels, batch), labels).error);
    done++;
  }
  const error: number[][] = [];
  for (const source of models) {
    if (options.cancelled?.()) throw new CancelledError();
    step(`FGSM on ${source.name}, ${n.toLocaleString('en-US')} digits`);
    const adversarial = await fgsmImages(source, pixels, labels, epsilon, true, batch);
    done += 2;
    const row: number[] = [];
    for (const scored of models) {
      step(`${source.name}'s digits scored by ${scored.name}`);
      row.push(summarise(await predict(scored, adversarial, batch), labels).error);
      done++;
    }
    error.push(row);
  }
  options.onProgress?.(1, 'done');
  return { models: models.map((m) => m.name), epsilon, sample: n, clean, error };
}

export interface TransferDigit {
  /**
   * The digit's label; null for a digit without one (a drawing), which each source attacks away from its own
   * answer on the clean digit, and which a model misreads when it answers otherwise than on the clean digit.
   */
  label: number | null;
  /** The adversarial digit made on each source model (source-major, 784 each). */
  images: Float32Array;
  /** predicted[s][m], confidence[s][m]: model m's class and its probability for source s's digit. */
  predicted: number[][];
  confidence: number[][];
  /** Each model on the clean digit. */
  cleanPredicted: number[];
  cleanConfidence: number[];
}

/** One digit: its FGSM version made on each source, read by every model (label null: a digit without one, see TransferDigit). */
export async function transferDigit(models: Model[], pixels: Float32Array, label: number | null, epsilon: number): Promise<TransferDigit> {
  const images = new Float32Array(models.length * pixels.length);
  const predicted: number[][] = [];
  const confidence: number[][] = [];
  const cleanPredicted: number[] = [];
  const cleanConfidence: number[] = [];
  for (const m of models) {
    const p = await predict(m, pixels);
    cleanPredicted.push(p.predicted[0]);
    cleanConfidence.push(p.confidence[0]);
  }
  for (let s = 0; s < models.length; s++) {
    const adversarial = await fgsmImages(models[s], pixels, [label ?? cleanPredicted[s]], epsilon, true);
    images.set(adversarial, s * pixels.length);
    const row: number[] = [];
    const conf: number[] = [];
    for (const m of models) {
      const p = await predict(m, adversarial);
      row.push(p.predicted[0]);
      conf.push(p.confidence[0]);
    }
    predicted.push(row);
    confidence.push(conf);
  }
  return { label, images, predicted, confidence, cleanPredicted, cleanConfidence };
}


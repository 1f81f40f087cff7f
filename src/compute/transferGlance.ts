/**
 * The worker's side of §2's transfer-glance figure: FGSM digits made on each
 * of softmax, maxout and rbf, scored by all three, over the first `sample`
 * test digits and for one chosen digit.
 */
import * as tf from '@tensorflow/tfjs';
import { TRANSFER_MODELS, transferDigit, transferMatrix, type TransferDigit, type TransferMatrix } from '../lib/analysis/transfer-glance.ts';
import { toFloat } from '../lib/data/idx.ts';
import { ComputeError, getModel, getTestDigits, requireBackend } from './context.ts';
import type { BackendName } from './messages.ts';

export interface TransferGlanceRequest {
  type: 'transferGlance';
  epsilon: number;
  /** The first `sample` test digits. */
  sample: number;
  /** The test digit shown on its own. */
  digit: number;
}

export interface TransferGlanceResult {
  epsilon: number;
  digit: number;
  matrix: TransferMatrix;
  one: TransferDigit;
  clean: Float32Array;
  backend: BackendName;
  seconds: number;
  /** Tensors alive in the worker after the request (the loaded models' included): steady when nothing leaks. */
  numTensors: number;
}

export async function handleTransferGlance(
  request: TransferGlanceRequest,
  onProgress: (fraction: number, label: string) => void,
  cancelled: () => boolean,
): Promise<TransferGlanceResult> {
  const backend = requireBackend();
  const { epsilon, sample: n, digit: i } = request;
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
  if (!Number.isInteger(i) || i < 0 || i > 9999) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
  const started = performance.now();
  onProgress(0, 'loading softmax, maxout and rbf');
  const models = await Promise.all(TRANSFER_MODELS.map((m) => getModel(m)));
  const set = await getTestDigits(Math.max(n, i + 1));
  const clean = toFloat(set, i, i + 1);
  const one = await transferDigit(models, clean, set.labels[i], epsilon);
  const matrix = await transferMatrix(models, toFloat(set, 0, n), set.labels.slice(0, n), epsilon, { onProgress, cancelled });
  return { epsilon, digit: i, matrix, one, clean, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
}

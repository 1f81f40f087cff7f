/**
 * The worker's side of the attack-ladder figure: one rung of the ladder (the
 * error of a model on the first N test digits under one attack) per request, so
 * that the page shows the rungs as they come and cancels between them; and one
 * digit's FGSM and PGD-40 images with the loss along PGD's iterations. The last
 * PGD-40 images are kept, so the restarts rung runs four restarts, not five.
 */
import * as tf from '@tensorflow/tfjs';
import { LADDER, ladderDigit, ladderRung, rungById, type LadderDigit, type RungResult } from '../lib/analysis/attack-ladder.ts';
import { toFloat } from '../lib/data/idx.ts';
import { ComputeError, getModel, getTestDigits, requireBackend } from './context.ts';
import type { BackendName } from './messages.ts';

/** The models the figure may attack, in the order its menu lists them. */
export const LADDER_MODELS = ['maxout-adv', 'maxout', 'softmax', 'maxout-pgd'] as const;

export interface AttackLadderRequest {
  type: 'attackLadder';
  model: string;
  /** The first `sample` test digits. */
  sample: number;
  epsilon: number;
  /** The rung's id (see LADDER in src/lib/analysis/attack-ladder.ts). */
  rung: string;
}

export interface AttackLadderResult {
  model: string;
  sample: number;
  epsilon: number;
  rung: RungResult;
  backend: BackendName;
  /** Tensors alive in the worker after the request (the loaded models' included): steady when nothing leaks. */
  numTensors: number;
}

export interface AttackLadderDigitRequest {
  type: 'attackLadderDigit';
  model: string;
  digit: number;
  epsilon: number;
}

export interface AttackLadderDigitResult extends LadderDigit {
  model: string;
  digit: number;
  backend: BackendName;
  numTensors: number;
}

function checkModel(model: string) {
  if (!(LADDER_MODELS as readonly string[]).includes(model)) {
    throw new ComputeError({ kind: 'input', message: `the model must be one of ${LADDER_MODELS.join(', ')}, got ${String(model).slice(0, 40)}` });
  }
}
function checkEpsilon(epsilon: number) {
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
}

/** The last PGD-40 images: the first restart of the restarts rung. */
let lastPgd40: { key: string; images: Float32Array } | null = null;
const PGD40 = LADDER.find((r) => r.kind === 'pgd' && r.restarts === 1 && r.steps === LADDER[LADDER.length - 1].steps)!.id;

export async function handleAttackLadder(
  request: AttackLadderRequest,
  onProgress: (fraction: number, label: string) => void,
  cancelled: () => boolean,
): Promise<AttackLadderResult> {
  const backend = requireBackend();
  const { sample: n, epsilon } = request;
  checkModel(request.model);
  checkEpsilon(epsilon);
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ComputeError({ kind: 'input', message: `the sample must be 1 to 10,000 digits, got ${n}` });
  const rung = rungById(request.rung);
  if (!rung) throw new ComputeError({ kind: 'input', message: `no rung named ${JSON.stringify(String(request.rung).slice(0, 40))}; the rungs: ${LADDER.map((r) => r.id).join(', ')}` });
  onProgress(0, `loading ${request.model}`);
  const model = await getModel(request.model);
  const set = await getTestDigits(n);
  const sample = { pixels: toFloat(set, 0, n), labels: set.labels.slice(0, n) };
  const key = JSON.stringify([backend, request.model, n, epsilon]);
  const pgd40 = rung.restarts > 1 && lastPgd40?.key === key ? lastPgd40.images : undefined;
  const r = await ladderRung(model, sample, epsilon, rung.id, { onProgress, cancelled }, pgd40);
  if (rung.id === PGD40) lastPgd40 = { key, images: r.images };
  return { model: request.model, sample: n, epsilon, rung: r.result, backend, numTensors: tf.memory().numTensors };
}

export async function handleAttackLadderDigit(request: AttackLadderDigitRequest): Promise<AttackLadderDigitResult> {
  const backend = requireBackend();
  const i = request.digit;
  checkModel(request.model);
  checkEpsilon(request.epsilon);
  if (!Number.isInteger(i) || i < 0 || i > 9999) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
  const model = await getModel(request.model);
  const set = await getTestDigits(i + 1);
  const d = await ladderDigit(model, toFloat(set, i, i + 1), set.labels[i], request.epsilon);
  return { ...d, model: request.model, digit: i, backend, numTensors: tf.memory().numTensors };
}

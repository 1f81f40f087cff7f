/**
 * The worker's side of §2's lbfgs-vs-fgsm figure: one test digit attacked by
 * the L-BFGS method of Szegedy et al. towards a target class and by one FGSM
 * step of size ε. The L-BFGS result does not depend on ε, so it is kept per
 * model, digit and target: moving ε costs one FGSM step.
 */
import * as tf from '@tensorflow/tfjs';
import { lbfgsVsFgsm } from '../lib/analysis/lbfgs-vs-fgsm.ts';
import type { LbfgsAttackResult, LbfgsSolve } from '../lib/attacks/lbfgs.ts';
import { toFloat } from '../lib/data/idx.ts';
import { ComputeError, getModel, getTestDigits, requireBackend } from './context.ts';
import type { BackendName } from './messages.ts';

export const LBFGS_MODELS = ['softmax', 'maxout'] as const;

export interface LbfgsVsFgsmRequest {
  type: 'lbfgsVsFgsm';
  model: string;
  digit: number;
  target: number;
  epsilon: number;
}

export interface LbfgsVsFgsmResult {
  model: string;
  digit: number;
  label: number;
  target: number;
  epsilon: number;
  clean: Float32Array;
  cleanProbabilities: Float32Array;
  lbfgs: {
    reached: boolean;
    c: number;
    adversarial: Float32Array;
    perturbation: Float32Array;
    probabilities: Float32Array;
    predicted: number;
    linf: number;
    l2: number;
    iterations: number;
    evaluations: number;
    solves: LbfgsSolve[];
    milliseconds: number;
  };
  fgsm: {
    adversarial: Float32Array;
    perturbation: Float32Array;
    probabilities: Float32Array;
    predicted: number;
    linf: number;
    l2: number;
    evaluations: number;
    milliseconds: number;
  };
  backend: BackendName;
  /** Tensors alive in the worker after the request (the loaded models' included): steady when nothing leaks. */
  numTensors: number;
}

const kept = new Map<string, LbfgsAttackResult>();

export async function handleLbfgsVsFgsm(
  request: LbfgsVsFgsmRequest,
  onProgress: (fraction: number, label: string) => void,
  cancelled: () => boolean,
): Promise<LbfgsVsFgsmResult> {
  const backend = requireBackend();
  const { digit: i, target, epsilon } = request;
  if (!(LBFGS_MODELS as readonly string[]).includes(request.model)) {
    throw new ComputeError({ kind: 'input', message: `the model must be one of ${LBFGS_MODELS.join(', ')}, got ${String(request.model).slice(0, 40)}` });
  }
  if (!Number.isInteger(i) || i < 0 || i > 9999) throw new ComputeError({ kind: 'input', message: `test digit ${i} does not exist (0 to 9999)` });
  if (!Number.isInteger(target) || target < 0 || target > 9) throw new ComputeError({ kind: 'input', message: `the target must be a class from 0 to 9, got ${target}` });
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
  onProgress(0, `loading ${request.model}`);
  const model = await getModel(request.model);
  const set = await getTestDigits(i + 1);
  const clean = toFloat(set, i, i + 1);
  const label = set.labels[i];
  const key = `${request.model}:${i}:${target}`;
  const r = await lbfgsVsFgsm(model, clean, label, target, epsilon, { lbfgs: kept.get(key), onProgress, cancelled });
  kept.set(key, r.lbfgs);
  if (kept.size > 20) kept.delete(kept.keys().next().value!);
  const { target: _t, ...lbfgs } = r.lbfgs;
  const { epsilon: _e, ...fgsm } = r.fgsm;
  return {
    model: request.model,
    digit: i,
    label,
    target,
    epsilon,
    clean,
    cleanProbabilities: r.cleanProbabilities,
    lbfgs,
    fgsm,
    backend,
    numTensors: tf.memory().numTensors,
  };
}

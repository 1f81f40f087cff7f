/**
 * The worker's side of the live adversarial-training figure (§6): one
 * training session (an ordinary and an adversarially trained copy of one small
 * maxout net), kept between requests. The page asks for one epoch at a time,
 * so a paused figure sends and receives nothing; a request for another
 * session (a reset, or new α, ε, seed or training digits) frees the old one
 * and starts from the seeded beginning.
 */
import * as tf from '@tensorflow/tfjs';
import { toFloat } from '../lib/data/idx.ts';
import { AdversarialTrainingRun } from '../lib/train/live-adversarial.ts';
import { ComputeError, context, getDigitFile, getTestDigits, requireBackend, TRAIN_FILE } from './context.ts';
import type { AdversarialTrainingRequest, AdversarialTrainingResult, Progress } from './messages.ts';

let current: { session: number; run: AdversarialTrainingRun } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

function check(r: AdversarialTrainingRequest) {
  if (!Number.isInteger(r.seed) || r.seed < 0 || r.seed > 1e6) throw new ComputeError({ kind: 'input', message: `the seed must be a whole number from 0 to 1,000,000, got ${r.seed}` });
  if (!Number.isFinite(r.alpha) || r.alpha < 0 || r.alpha > 1) throw new ComputeError({ kind: 'input', message: `α must be a number from 0 to 1, got ${r.alpha}` });
  if (!Number.isFinite(r.epsilon) || r.epsilon < 0 || r.epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${r.epsilon}` });
  if (!Number.isInteger(r.n) || r.n < 1 || r.n > 5000) throw new ComputeError({ kind: 'input', message: `the training digits must be 1 to 5,000, got ${r.n}` });
  if (!Number.isInteger(r.test) || r.test < 1 || r.test > 10000) throw new ComputeError({ kind: 'input', message: `the test digits must be 1 to 10,000, got ${r.test}` });
}

function drop() {
  current?.run.dispose();
  current = null;
}

async function handle(id: number, request: AdversarialTrainingRequest, progress: (p: Progress) => void): Promise<AdversarialTrainingResult> {
  const backend = requireBackend();
  if (request.action === 'reset') {
    if (current && current.session !== request.session) drop();
    return { session: request.session, epoch: null, backend, seconds: 0, numTensors: tf.memory().numTensors };
  }
  if (request.action !== 'epoch') throw new ComputeError({ kind: 'input', message: `unknown action ${String(request.action).slice(0, 20)}` });
  check(request);
  if (!current || current.session !== request.session) {
    drop();
    progress({ fraction: 0, label: 'loading the digits' });
    const [train, test] = await Promise.all([getDigitFile(TRAIN_FILE), getTestDigits(request.test)]);
    if (request.n > train.count) throw new ComputeError({ kind: 'input', message: `the site ships ${train.count} training digits, asked for ${request.n}` });
    current = {
      session: request.session,
      run: new AdversarialTrainingRun(
        { count: request.n, pixels: toFloat(train, 0, request.n), labels: train.labels.slice(0, request.n) },
        { pixels: toFloat(test, 0, request.test), labels: test.labels.slice(0, request.test) },
        { seed: request.seed, alpha: request.alpha, epsilon: request.epsilon },
      ),
    };
  }
  const started = performance.now();
  try {
    const epoch = await current.run.epoch({ cancelled: () => context.cancelled.has(id), onProgress: (fraction, label) => progress({ fraction, label }) });
    return { session: request.session, epoch, backend, seconds: (performance.now() - started) / 1000, numTensors: tf.memory().numTensors };
  } catch (e) {
    // an epoch stopped part-way cannot be resumed exactly: the session is dropped
    drop();
    throw e;
  }
}

export function adversarialTraining(id: number, request: AdversarialTrainingRequest, progress: (p: Progress) => void): Promise<AdversarialTrainingResult> {
  const next = queue.then(() => handle(id, request, progress));
  queue = next.catch(() => {});
  return next;
}

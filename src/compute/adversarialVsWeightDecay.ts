/**
 * The worker's side of the adversarial-vs-weight-decay figure (§5): one live
 * training of the three 3-vs-7 logistic regressions, kept between requests.
 * The page asks for one epoch at a time, so a paused figure sends and
 * receives nothing; a request for another session (a reset, or new ε, λ or
 * seed) frees the old training and starts from the seeded beginning.
 */
import * as tf from '@tensorflow/tfjs';
import { toFloat } from '../lib/data/idx.ts';
import type { TrainingSet } from '../lib/train/loop.ts';
import { threesAndSevens, WeightDecayRace } from '../lib/train/adversarial-vs-weight-decay.ts';
import { ComputeError, getDigitFile, getTestDigits, requireBackend, TRAIN_FILE } from './context.ts';
import type { WeightDecayRaceRequest, WeightDecayRaceResult } from './messages.ts';

let data: Promise<{ train: TrainingSet; test: TrainingSet }> | null = null;
function digits() {
  data ??= (async () => {
    const [train, test] = await Promise.all([getDigitFile(TRAIN_FILE), getTestDigits(10000)]);
    return { train: threesAndSevens(toFloat(train), train.labels), test: threesAndSevens(toFloat(test), test.labels) };
  })();
  data.catch(() => (data = null));
  return data;
}

let current: { session: number; race: WeightDecayRace } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

function check(request: WeightDecayRaceRequest) {
  const { seed, epsilon, lambda } = request;
  if (!Number.isInteger(seed) || seed < 0 || seed > 1e6) throw new ComputeError({ kind: 'input', message: `the seed must be a whole number from 0 to 1,000,000, got ${seed}` });
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) throw new ComputeError({ kind: 'input', message: `ε must be a number from 0 to 1, got ${epsilon}` });
  if (!Number.isFinite(lambda) || lambda < 0 || lambda > 1) throw new ComputeError({ kind: 'input', message: `λ must be a number from 0 to 1, got ${lambda}` });
}

async function run(request: WeightDecayRaceRequest): Promise<WeightDecayRaceResult> {
  const backend = requireBackend();
  if (request.action === 'reset') {
    // the reset names the session that follows it: a training already under that name is kept
    if (current && current.session !== request.session) {
      current.race.dispose();
      current = null;
    }
    return { session: request.session, epoch: null, trainCount: 0, testCount: 0, seconds: 0, backend, numTensors: tf.memory().numTensors };
  }
  if (request.action !== 'epoch') throw new ComputeError({ kind: 'input', message: `unknown action ${String(request.action).slice(0, 20)}` });
  check(request);
  const { train, test } = await digits();
  if (!current || current.session !== request.session) {
    current?.race.dispose();
    current = null;
    current = { session: request.session, race: new WeightDecayRace(train, test, { seed: request.seed, epsilon: request.epsilon, lambda: request.lambda }) };
  }
  const started = performance.now();
  const epoch = await current.race.epoch();
  return { session: request.session, epoch, trainCount: train.count, testCount: test.count, seconds: (performance.now() - started) / 1000, backend, numTensors: tf.memory().numTensors };
}

export function weightDecayRace(request: WeightDecayRaceRequest): Promise<WeightDecayRaceResult> {
  const next = queue.then(() => run(request));
  queue = next.catch(() => {});
  return next;
}

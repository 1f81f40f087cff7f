/**
 * The worker's side of the adversarial-vs-weight-decay figure (§5): one live
 * training of the three 3-vs-7 logistic regressions, kept between requests.
 * The page asks for one epoch at a time, so a paused figure sends and
 * receives nothing; a request for another session (a reset, or new ε, λ or
 * seed) frees the old training and starts from the seeded beginning.
 */
import { defineHandler, type RequestContext } from '../../compute/handler.ts';
import { ComputeError, getDigitFile, getTestDigits, TRAIN_FILE } from '../../compute/context.ts';
import { toFloat } from '../../lib/data/idx.ts';
import type { TrainingSet } from '../../lib/train/loop.ts';
import { LOGISTIC_3V7, RUNS, threesAndSevens, WeightDecayRace, type RaceEpoch } from '../../lib/train/adversarial-vs-weight-decay.ts';
import { exportable, layersModelFiles } from '../../lib/models/export-layers.ts';
import { weightDecayRace, type WeightDecayRaceRequest, type WeightDecayRaceResult } from './api.ts';

let data: Promise<{ train: TrainingSet; test: TrainingSet }> | null = null;
function digits() {
  data ??= (async () => {
    const [train, test] = await Promise.all([getDigitFile(TRAIN_FILE), getTestDigits(10000)]);
    return { train: threesAndSevens(toFloat(train), train.labels), test: threesAndSevens(toFloat(test), test.labels) };
  })();
  data.catch(() => (data = null));
  return data;
}

let current: { session: number; race: WeightDecayRace; last: RaceEpoch | null } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

async function run(r: WeightDecayRaceRequest, ctx: RequestContext): Promise<WeightDecayRaceResult> {
  const action = ctx.check.oneOf('the action', r.action, ['epoch', 'reset', 'export'] as const);
  if (action === 'reset') {
    // the reset names the session that follows it: a training already under that name is kept
    if (current && current.session !== r.session) {
      current.race.dispose();
      current = null;
    }
    return { session: r.session, epoch: null, trainCount: 0, testCount: 0 };
  }
  if (action === 'export') {
    const name = ctx.check.oneOf('the run', r.run, RUNS);
    if (!current || current.session !== r.session || !current.last) throw new ComputeError({ kind: 'input', message: 'nothing is trained yet in this training: train at least one epoch' });
    const run = current.last.runs.find((x) => x.run === name)!;
    const what = name === 'plain' ? 'plain' : name === 'adversarial' ? `adversarial (ε = ${r.epsilon})` : `L¹ weight decay (λ = ${r.lambda})`;
    if (!exportable(LOGISTIC_3V7)) throw new Error('the logistic model cannot be written as layers');
    const files = layersModelFiles(LOGISTIC_3V7, { w: run.weights, b: Float32Array.of(run.bias) }, {
      name: `logistic-3v7-${name}-epoch${current.last.epoch}`,
      from: `the ${what} 3-vs-7 logistic regression of the §5 figure (seed ${r.seed}), after ${current.last.epoch} epochs on the 3s and 7s of the first 5,000 training digits`,
    });
    return {
      session: r.session,
      epoch: null,
      trainCount: 0,
      testCount: 0,
      model: {
        files: [
          { name: files.jsonName, bytes: new TextEncoder().encode(files.json).buffer as ArrayBuffer },
          { name: files.weightsName, bytes: files.weights },
        ],
        note: `The ${what} logistic regression after epoch ${current.last.epoch}.`,
      },
    };
  }
  const seed = ctx.check.integer('the seed', r.seed, 0, 1e6);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const lambda = ctx.check.number('λ', r.lambda, 0, 1);
  const { train, test } = await digits();
  if (!current || current.session !== r.session) {
    current?.race.dispose();
    current = null;
    current = { session: r.session, race: new WeightDecayRace(train, test, { seed, epsilon, lambda }), last: null };
  }
  const epoch = await current.race.epoch();
  current.last = epoch;
  return { session: r.session, epoch, trainCount: train.count, testCount: test.count };
}

export const handler = defineHandler(weightDecayRace, (r, ctx) => {
  const next = queue.then(() => run(r, ctx));
  queue = next.catch(() => {});
  return next;
});

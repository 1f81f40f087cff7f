/**
 * The worker's side of the adversarial-vs-weight-decay figure (§5): one live
 * training of the three 3-vs-7 logistic regressions, kept between requests.
 * The page asks for one epoch at a time, so a paused figure sends and
 * receives nothing; a request for another session (a reset, or new ε, λ or
 * seed) frees the old training and starts from the seeded beginning.
 */
import { defineHandler, type RequestContext } from '../../compute/handler.ts';
import { getDigitFile, getTestDigits, TRAIN_FILE } from '../../compute/context.ts';
import { toFloat } from '../../lib/data/idx.ts';
import type { TrainingSet } from '../../lib/train/loop.ts';
import { threesAndSevens, WeightDecayRace } from '../../lib/train/adversarial-vs-weight-decay.ts';
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

let current: { session: number; race: WeightDecayRace } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

async function run(r: WeightDecayRaceRequest, ctx: RequestContext): Promise<WeightDecayRaceResult> {
  const action = ctx.check.oneOf('the action', r.action, ['epoch', 'reset'] as const);
  if (action === 'reset') {
    // the reset names the session that follows it: a training already under that name is kept
    if (current && current.session !== r.session) {
      current.race.dispose();
      current = null;
    }
    return { session: r.session, epoch: null, trainCount: 0, testCount: 0 };
  }
  const seed = ctx.check.integer('the seed', r.seed, 0, 1e6);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const lambda = ctx.check.number('λ', r.lambda, 0, 1);
  const { train, test } = await digits();
  if (!current || current.session !== r.session) {
    current?.race.dispose();
    current = null;
    current = { session: r.session, race: new WeightDecayRace(train, test, { seed, epsilon, lambda }) };
  }
  const epoch = await current.race.epoch();
  return { session: r.session, epoch, trainCount: train.count, testCount: test.count };
}

export const handler = defineHandler(weightDecayRace, (r, ctx) => {
  const next = queue.then(() => run(r, ctx));
  queue = next.catch(() => {});
  return next;
});

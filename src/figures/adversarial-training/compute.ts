/**
 * The worker's side of the live adversarial-training figure (§6): one
 * training session (an ordinary and an adversarially trained copy of one small
 * maxout net), kept between requests. The page asks for one epoch at a time,
 * so a paused figure sends and receives nothing; a request for another
 * session (a reset, or new α, ε, seed or training digits) frees the old one
 * and starts from the seeded beginning.
 */
import { defineHandler, type RequestContext } from '../../compute/handler.ts';
import { ComputeError, getDigitFile, getTestDigits, TRAIN_FILE } from '../../compute/context.ts';
import { toFloat } from '../../lib/data/idx.ts';
import { AdversarialTrainingRun } from '../../lib/train/live-adversarial.ts';
import { adversarialTraining, type AdversarialTrainingRequest, type AdversarialTrainingResult } from './api.ts';

let current: { session: number; run: AdversarialTrainingRun } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

function drop() {
  current?.run.dispose();
  current = null;
}

async function handle(r: AdversarialTrainingRequest, ctx: RequestContext): Promise<AdversarialTrainingResult> {
  const action = ctx.check.oneOf('the action', r.action, ['epoch', 'reset'] as const);
  if (action === 'reset') {
    if (current && current.session !== r.session) drop();
    return { session: r.session, epoch: null };
  }
  const seed = ctx.check.integer('the seed', r.seed, 0, 1e6);
  const alpha = ctx.check.number('α', r.alpha, 0, 1);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  const n = ctx.check.integer('the training digits', r.n, 1, 5000);
  const test = ctx.check.integer('the test digits', r.test, 1, 10000);
  if (!current || current.session !== r.session) {
    drop();
    ctx.progress(0, 'loading the digits');
    const [train, testSet] = await Promise.all([getDigitFile(TRAIN_FILE), getTestDigits(test)]);
    if (n > train.count) throw new ComputeError({ kind: 'input', message: `the site ships ${train.count} training digits, asked for ${n}` });
    current = {
      session: r.session,
      run: new AdversarialTrainingRun(
        { count: n, pixels: toFloat(train, 0, n), labels: train.labels.slice(0, n) },
        { pixels: toFloat(testSet, 0, test), labels: testSet.labels.slice(0, test) },
        { seed, alpha, epsilon },
      ),
    };
  }
  try {
    const epoch = await current.run.epoch({ cancelled: ctx.cancelled, onProgress: ctx.progress });
    return { session: r.session, epoch };
  } catch (e) {
    // an epoch stopped part-way cannot be resumed exactly: the session is dropped
    drop();
    throw e;
  }
}

export const handler = defineHandler(adversarialTraining, (r, ctx) => {
  const next = queue.then(() => handle(r, ctx));
  queue = next.catch(() => {});
  return next;
});

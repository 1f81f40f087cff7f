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
import { AdversarialTrainingRun, LIVE_NET, TRAININGS } from '../../lib/train/live-adversarial.ts';
import { exportable, layersModelFiles } from '../../lib/models/export-layers.ts';
import { adversarialTraining, type AdversarialTrainingRequest, type AdversarialTrainingResult } from './api.ts';

let current: { session: number; run: AdversarialTrainingRun } | null = null;
/** Requests run one after another: an epoch is never interleaved with a reset. */
let queue: Promise<unknown> = Promise.resolve();

function drop() {
  current?.run.dispose();
  current = null;
}

async function handle(r: AdversarialTrainingRequest, ctx: RequestContext): Promise<AdversarialTrainingResult> {
  const action = ctx.check.oneOf('the action', r.action, ['epoch', 'reset', 'export'] as const);
  if (action === 'reset') {
    if (current && current.session !== r.session) drop();
    return { session: r.session, epoch: null };
  }
  if (action === 'export') return exportNetwork(r, ctx);
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

/** One of the two networks after its last epoch, as a LayersModel's model.json and weights (float32). */
async function exportNetwork(r: AdversarialTrainingRequest, ctx: RequestContext): Promise<AdversarialTrainingResult> {
  const name = ctx.check.oneOf('the network', r.network, TRAININGS);
  const run = current?.session === r.session ? current.run : null;
  if (!run || run.epochsDone === 0) throw new ComputeError({ kind: 'input', message: 'nothing is trained yet in this training: train at least one epoch' });
  if (!exportable(LIVE_NET)) throw new Error('the maxout net cannot be written as layers');
  const { params } = run.network(name);
  const values: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(params)) values[k] = (await v.data()) as Float32Array;
  const e = run.epochsDone;
  const { alpha, epsilon, seed } = run.settings;
  const what = name === 'ordinary' ? 'ordinarily trained' : `adversarially trained (α = ${alpha}, ε = ${epsilon})`;
  const files = layersModelFiles(LIVE_NET, values, {
    name: `maxout-${name}-epoch${e}`,
    from: `the ${what} maxout net of the §6 figure (100 units of 2 pieces, seed ${seed}), after ${e} epochs on the first ${r.n} training digits`,
  });
  return {
    session: r.session,
    epoch: null,
    model: {
      files: [
        { name: files.jsonName, bytes: new TextEncoder().encode(files.json).buffer as ArrayBuffer },
        { name: files.weightsName, bytes: files.weights },
      ],
      note: `The ${what} network after epoch ${e}.`,
    },
  };
}

export const handler = defineHandler(adversarialTraining, (r, ctx) => {
  const next = queue.then(() => handle(r, ctx));
  queue = next.catch(() => {});
  return next;
});

/**
 * The worker's RequestContext in Node: the shipped models through the site's own loader (hash checks included), the
 * official test digits, the same input checks and memo. A figure's handlers (src/figures/NAME/compute.ts) run on it
 * as they run in the worker: `npm run ahead` and the unit tests that check its files.
 */
import { checks, Memo, type RequestContext } from '../../src/compute/handler.ts';
import type { Model } from '../../src/lib/analysis/batch.ts';
import { loadMnist } from '../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../src/lib/data/idx.ts';
import { ComputeError } from '../../src/compute/context.ts';
import { TRAIN_SHIPPED } from './site-assets.ts';
import { nodeModels } from './node-models.ts';

export async function nodeContext(dir = 'models'): Promise<{ context: (request: string) => RequestContext; models: Awaited<ReturnType<typeof nodeModels>> }> {
  const models = await nodeModels(dir);
  const loaded = new Map<string, Promise<Model>>();
  const test = loadMnist('test');
  const memo = new Memo();
  let train: ReturnType<typeof loadMnist> | null = null;
  let id = 0;
  const context = (request: string): RequestContext => ({
    id: ++id,
    backend: 'wasm',
    progress: () => {},
    cancelled: () => false,
    model(name) {
      if (!loaded.has(name)) loaded.set(name, models.model(name));
      return loaded.get(name)!;
    },
    async testDigit(index) {
      checks.integer('the test digit', index, 0, 9999);
      return { pixels: toFloat(test, index, index + 1), label: test.labels[index] };
    },
    async testSample(n) {
      checks.integer('the sample', n, 1, 10000);
      return { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) };
    },
    async trainSample(n) {
      // the training digits the site ships (public/data, packed by the build from the same package: the first
      // TRAIN_SHIPPED of them), read here from the package itself, so that no build is needed
      train ??= loadMnist('train');
      if (!Number.isInteger(n) || n < 1 || n > TRAIN_SHIPPED) throw new ComputeError({ kind: 'input', message: `the site ships ${TRAIN_SHIPPED} training digits, asked for ${n}` });
      return { pixels: toFloat(train, 0, n), labels: train.labels.slice(0, n) };
    },
    check: checks,
    memo: (key, make, keep) => memo.get(request, ['wasm', key], make, keep),
  });
  return { context, models };
}

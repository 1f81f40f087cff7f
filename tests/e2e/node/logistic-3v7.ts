/**
 * The logistic-3v7 figure's numbers computed in Node from src/lib, for the
 * browser test to compare with the embed page for the same URL state.
 *   node --experimental-strip-types tests/e2e/node/logistic-3v7.ts --model logistic-3v7 --eps 0.25
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { logistic3v7Figure, type LogisticModelName } from '../../../src/lib/analysis/logistic-3v7.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
await initTf('wasm');
const models = await nodeModels('models');
const test = loadMnist('test');
const f = await logistic3v7Figure({
  model: models.model,
  test: { pixels: toFloat(test), labels: test.labels },
  modelName: (option('--model') ?? 'logistic-3v7') as LogisticModelName,
  epsilon: Number(option('--eps') ?? 0.25),
});
console.log(
  JSON.stringify({
    model: f.model,
    epsilon: f.epsilon,
    count: f.clean.count,
    cleanError: f.clean.error,
    fgsmError: f.fgsm.clipped.error,
    fgsmErrorUnclipped: f.fgsm.unclipped.error,
    l1: f.l1,
    bias: f.bias,
    weightsHead: Array.from(f.weights.subarray(150, 170)),
    digits: { testIndex: f.digits.testIndex, labels: f.digits.labels, clean: f.digits.cleanPredicted, adversarial: f.digits.adversarialPredicted },
    row5: f.row5?.map((r) => ({ metric: r.metric, paper: r.paper, site: r.site, siteUnclipped: r.siteUnclipped })) ?? null,
  }),
);

/**
 * The lbfgs-vs-fgsm figure's numbers computed in Node (wasm) from src/lib, for
 * the browser test to compare with the embed page:
 *   node --experimental-strip-types tests/e2e/compute/lbfgs-vs-fgsm.ts MODEL DIGIT TARGET EPS
 * prints one JSON object (no timings: those are the machine's, not the method's).
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { lbfgsVsFgsm } from '../../../src/lib/analysis/lbfgs-vs-fgsm.ts';

const [model, digit, target, eps] = process.argv.slice(2);
await initTf('wasm');
const m = await (await nodeModels('models')).model(model);
const test = loadMnist('test');
const i = Number(digit);
const r = await lbfgsVsFgsm(m, toFloat(test, i, i + 1), test.labels[i], Number(target), Number(eps));
const pick = (p: Float32Array, k: number) => p[k];
console.log(
  JSON.stringify({
    label: test.labels[i],
    lbfgs: { reached: r.lbfgs.reached, predicted: r.lbfgs.predicted, confidence: pick(r.lbfgs.probabilities, r.lbfgs.predicted), c: r.lbfgs.c, linf: r.lbfgs.linf, l2: r.lbfgs.l2, iterations: r.lbfgs.iterations, evaluations: r.lbfgs.evaluations, solves: r.lbfgs.solves.length },
    fgsm: { predicted: r.fgsm.predicted, confidence: pick(r.fgsm.probabilities, r.fgsm.predicted), linf: r.fgsm.linf, l2: r.fgsm.l2 },
  }),
);

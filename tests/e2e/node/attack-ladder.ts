/**
 * The attack-ladder figure's numbers computed in Node (wasm) from src/lib, for
 * tests/e2e/attack-ladder.spec.ts to compare with the embed page:
 *   node --experimental-strip-types tests/e2e/node/attack-ladder.ts '{"model":"maxout-adv","eps":0.25,"n":100,"digit":0}'
 * prints one JSON object: every rung's error on the first n test digits, and the digit's FGSM and PGD answers.
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { nodeModels } from '../../../scripts/lib/node-models.ts';
import { anyModel } from './any-model.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { attackLadder, ladderDigit } from '../../../src/lib/analysis/attack-ladder.ts';

const { model, eps, n, digit } = JSON.parse(process.argv[2]) as { model: string; eps: number; n: number; digit: number };
await initTf('wasm');
// a shipped model, or dir:FOLDER for a model brought as files
const m = model.startsWith('dir:') ? await anyModel(model) : await (await nodeModels(process.env.MODELS_DIR ?? 'models')).model(model);
const test = loadMnist('test');
const ladder = await attackLadder(m, { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) }, eps);
const started = performance.now();
const d = await ladderDigit(m, toFloat(test, digit, digit + 1), test.labels[digit], eps);
const digitSeconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    model,
    eps,
    n,
    seconds: ladder.seconds,
    rungs: ladder.rungs.map((r) => ({ id: r.id, error: r.error, wrong: r.wrong, trueProbability: r.trueProbability, seconds: r.seconds })),
    digit: {
      digit,
      label: d.label,
      clean: d.clean.predicted,
      fgsm: d.fgsm.predicted,
      pgd: d.pgd.predicted,
      fgsmLoss: d.fgsm.loss,
      pgdLoss: d.pgd.loss,
      loss: Array.from(d.trace.loss),
      seconds: digitSeconds,
    },
  }),
);

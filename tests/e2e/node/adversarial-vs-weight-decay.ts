/**
 * The adversarial-vs-weight-decay figure's training done in Node from src/lib
 * (wasm), on the same digits the site serves (the 3s and 7s of the first 5,000
 * training digits; all test 3s and 7s), for the browser test to compare.
 *   node --experimental-strip-types tests/e2e/node/adversarial-vs-weight-decay.ts --seed 1 --eps 0.25 --lambda 0.25 --epochs 3
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { threesAndSevens, WeightDecayRace } from '../../../src/lib/train/adversarial-vs-weight-decay.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
await initTf('wasm');
const train = loadMnist('train');
const test = loadMnist('test');
const race = new WeightDecayRace(threesAndSevens(toFloat(train, 0, 5000), train.labels.slice(0, 5000)), threesAndSevens(toFloat(test), test.labels), {
  seed: option('--seed', 1),
  epsilon: option('--eps', 0.25),
  lambda: option('--lambda', 0.25),
});
const epochs = [];
for (let e = 0; e < option('--epochs', 3); e++) {
  const r = await race.epoch();
  epochs.push({ epoch: r.epoch, runs: r.runs.map(({ weights: _w, bias: _b, ...rest }) => rest) });
}
race.dispose();
console.log(JSON.stringify({ counts: { train: race.train.count, test: race.test.count }, epochs }));

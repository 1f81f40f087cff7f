/**
 * The browser tests' reference for a model the reader brings: the model's files read from a folder and loaded with
 * the site's own loader (src/lib/models/user-model.ts), then the hero's FGSM example on one test digit and the
 * fgsm-sweep's curves on the first N test digits, computed in Node from src/lib (wasm backend), as JSON.
 *   node --experimental-strip-types tests/e2e/node/user-model.ts DIR DIGIT EPS N
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { loadUserModel } from '../../../src/lib/models/user-model.ts';
import { fgsmExample } from '../../../src/lib/attacks/fgsm.ts';
import { fgsmSweep } from '../../../src/lib/analysis/fgsm-sweep.ts';
import { SWEEP_EPSILONS } from '../../../src/figures/fgsm-sweep/state.ts';

const [dir, digitArg, epsArg, nArg] = process.argv.slice(2);
const digit = Number(digitArg ?? 0);
const eps = Number(epsArg ?? 0.2);
const n = Number(nArg ?? 100);
await initTf('wasm');
const files = readdirSync(dir).map((name) => {
  const b = readFileSync(join(dir, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
});
const test = loadMnist('test');
const { model, inspection } = await loadUserModel('yours:reference', files, toFloat(test, 0, 20));
const ex = await fgsmExample(model.fns, model.params, toFloat(test, digit, digit + 1), test.labels[digit], eps);
const sweep = n > 0 ? await fgsmSweep(model, { pixels: toFloat(test, 0, n), labels: test.labels.slice(0, n) }, SWEEP_EPSILONS) : null;
console.log(
  JSON.stringify({
    inspection,
    hero: { label: test.labels[digit], clean: Array.from(ex.cleanProbabilities), adversarial: Array.from(ex.adversarialProbabilities) },
    sweep: sweep && { clipped: sweep.clipped, unclipped: sweep.unclipped },
  }),
);

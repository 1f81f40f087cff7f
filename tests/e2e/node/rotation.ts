/**
 * The browser tests' reference for the rotation figure: each of the first N test digits' smallest flipping angle
 * on a model (a shipped one, or dir:FOLDER for a model brought as files), computed in Node from src/lib (wasm).
 *   node --experimental-strip-types tests/e2e/node/rotation.ts MODEL N
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { smallestFlippingAngles } from '../../../src/lib/attacks/rotation.ts';
import { anyModel } from './any-model.ts';

const [model, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 100);
await initTf('wasm');
const m = await anyModel(model);
const test = loadMnist('test');
const r = await smallestFlippingAngles(m, toFloat(test, 0, n), test.labels.slice(0, n));
console.log(JSON.stringify({ angles: Array.from(r.angles, (a) => (Number.isFinite(a) ? a : null)) }));

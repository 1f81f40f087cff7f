/**
 * The logit sweep computed in Node (wasm) from src/lib for one state of the
 * figure, for tests/e2e/logit-sweep.spec.ts:
 *   node --experimental-strip-types logit-sweep.node.ts '{"model":"maxout","digit":4,"range":15}'
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { anyModel } from './any-model.ts';
import { loadMnist } from '../../../src/lib/data/mnist-node.ts';
import { toFloat } from '../../../src/lib/data/idx.ts';
import { logitSweep, predictionBands } from '../../../src/lib/analysis/logit-sweep.ts';
import { STRIP, SWEEP_POINTS } from '../../../src/figures/logit-sweep/state.ts';
import { decodeDrawing } from '../../../src/lib/data/drawing-code.ts';
import { predict } from '../../../src/lib/analysis/batch.ts';

const { model, digit, range, drawn } = JSON.parse(process.argv[2]) as { model: string; digit: number; range: number; drawn?: string };
await initTf('wasm');
// a shipped model, or dir:FOLDER for a model brought as files
const m = await anyModel(model);
const test = loadMnist('test');
// a drawing (its code) is swept away from the class the model gives it
const pixels = drawn ? decodeDrawing(drawn) : toFloat(test, digit, digit + 1);
const label = drawn ? (await predict(m, pixels)).predicted[0] : test.labels[digit];
const s = await logitSweep(m, pixels, label, { range, points: SWEEP_POINTS, strip: STRIP });
console.log(
  JSON.stringify({
    label,
    bands: predictionBands(s.epsilons, s.predicted).map((b) => ({ predicted: b.predicted, start: b.start, end: b.end })),
    strip: Array.from(s.stripIndices, (i) => ({ eps: s.epsilons[i], predicted: s.predicted[i], logits: Array.from(s.logits.subarray(i * 10, (i + 1) * 10)) })),
  }),
);

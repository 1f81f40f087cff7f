/**
 * The browser tests' reference for a drawn digit (tests/e2e/draw-digit.spec.ts): what each figure that takes a
 * drawing computes on it, from src/lib in Node (wasm), the drawing's label being the class the model gives it.
 *   node --experimental-strip-types tests/e2e/node/drawn.ts '{"figure":"slice","model":"softmax","drawn":"…", …}'
 * figure: slice (range, seed, clip; 61 points a side), rotation (angle), ladder (eps), shift (eps; the softmax
 * model), lbfgs (target, eps). Prints one JSON object.
 */
import { initTf } from '../../../scripts/lib/tf-node.ts';
import { anyModel } from './any-model.ts';
import { decodeDrawing } from '../../../src/lib/data/drawing-code.ts';
import { predict } from '../../../src/lib/analysis/batch.ts';
import { sliceGrid, summariseSlice } from '../../../src/lib/analysis/slice.ts';
import { rotationExample, smallestFlippingAngles } from '../../../src/lib/attacks/rotation.ts';
import { ladderDigit } from '../../../src/lib/analysis/attack-ladder.ts';
import { logitShift } from '../../../src/lib/analysis/linear-growth.ts';
import { lbfgsVsFgsm } from '../../../src/lib/analysis/lbfgs-vs-fgsm.ts';

const o = JSON.parse(process.argv[2]) as { figure: string; model: string; drawn: string; range?: number; seed?: number; clip?: boolean; angle?: number; eps?: number; target?: number };
await initTf('wasm');
const m = await anyModel(o.model);
const pixels = decodeDrawing(o.drawn);
const label = (await predict(m, pixels)).predicted[0];
const argmax = (v: ArrayLike<number>) => Array.prototype.indexOf.call(v, Math.max(...Array.from(v)));
let out: Record<string, unknown>;
switch (o.figure) {
  case 'slice': {
    const grid = await sliceGrid(m, pixels, label, { range: o.range!, size: 61, seed: o.seed!, clip: o.clip! });
    const mid = 30 * 61 + 30;
    out = { predicted: Array.from(grid.predicted), summary: summariseSlice(grid, label), originLogits: Array.from(grid.logits.subarray(mid * 10, mid * 10 + 10)) };
    break;
  }
  case 'rotation': {
    const flipAngle = (await smallestFlippingAngles(m, pixels, [label])).angles[0];
    const ex = await rotationExample(m, pixels, label, o.angle!);
    const rotated = argmax(ex.rotatedProbabilities);
    out = { flipAngle: Number.isFinite(flipAngle) ? flipAngle : null, rotated: { predicted: rotated, confidence: ex.rotatedProbabilities[rotated] }, norm: ex.norm };
    break;
  }
  case 'ladder': {
    const d = await ladderDigit(m, pixels, label, o.eps!);
    out = { clean: d.clean.predicted, fgsm: d.fgsm.predicted, pgd: d.pgd.predicted, fgsmLoss: d.fgsm.loss, pgdLoss: d.pgd.loss };
    break;
  }
  case 'shift': {
    const s = await logitShift(m.fns, m.params, pixels, label, o.eps!);
    out = { cleanLogits: Array.from(s.cleanLogits), shift: Array.from(s.shift) };
    break;
  }
  case 'lbfgs': {
    const r = await lbfgsVsFgsm(m, pixels, label, o.target!, o.eps!);
    out = { lbfgs: { reached: r.lbfgs.reached, predicted: r.lbfgs.predicted, l2: r.lbfgs.l2 }, fgsm: { predicted: r.fgsm.predicted, linf: r.fgsm.linf, l2: r.fgsm.l2 } };
    break;
  }
  default:
    throw new Error(`no figure ${o.figure}`);
}
console.log(JSON.stringify({ label, ...out }));

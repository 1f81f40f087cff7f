/**
 * lbfgs-vs-fgsm's results computed ahead (`npm run ahead`, kit/ahead.ts): the L-BFGS attack and the FGSM step on the
 * default digit, target and model, the one request the default state and every scroll step ask for (the steps change
 * only what is shown). Digits 8-bit, perturbations 8-bit signed on their own scale (the figure draws them on one
 * diverging scale). The milliseconds each attack took are this device's to measure, not Node's: the file leaves them
 * out (NaN once decoded) and the figure shows them once the browser has computed the attacks. No TensorFlow.js here
 * (page-side).
 */
import { uniqueAsks, decodeUnit8, encodeUnit8, nullAsNaN, rounded, type AheadPlan } from '../kit/ahead.ts';
import { decodeSigned8, encodeSigned8, type Signed8 } from '../kit/finished.ts';
import { lbfgsVsFgsm as table, lbfgsVsFgsmSteps } from './state.ts';
import { lbfgsVsFgsm, type LbfgsVsFgsmResult } from './api.ts';

type Lbfgs = LbfgsVsFgsmResult['lbfgs'];
type Fgsm = LbfgsVsFgsmResult['fgsm'];

export interface AheadLbfgsVsFgsm extends Omit<LbfgsVsFgsmResult, 'clean' | 'cleanProbabilities' | 'lbfgs' | 'fgsm'> {
  /** The clean digit, 8-bit base64. */
  clean: string;
  cleanProbabilities: number[];
  lbfgs: Omit<Lbfgs, 'adversarial' | 'perturbation' | 'probabilities' | 'milliseconds'> & { adversarial: string; perturbation: Signed8; probabilities: number[]; milliseconds: null };
  fgsm: Omit<Fgsm, 'adversarial' | 'perturbation' | 'probabilities' | 'milliseconds'> & { adversarial: string; perturbation: Signed8; probabilities: number[]; milliseconds: null };
}

/** The figure's key (LbfgsVsFgsm.svelte). */
export interface LbfgsVsFgsmKey {
  model: string;
  digit: number;
  drawn: string;
  target: number;
  epsilon: number;
}

/** Four significant digits: a probability can be 1e-9. */
const significant = (v: number) => Number(v.toPrecision(4));

export const plan: AheadPlan = {
  figure: 'lbfgs-vs-fgsm',
  asks: (() => {
    const d = { model: table.model.default as string, digit: table.digit.default, target: table.target.default, eps: table.eps.default };
    return uniqueAsks([d, ...lbfgsVsFgsmSteps.map((s) => ({ ...d, ...s }))].map((s) => {
      const key: LbfgsVsFgsmKey = { model: s.model, digit: s.digit, drawn: '', target: s.target, epsilon: s.eps };
      // one L-BFGS search over c on softmax regression: a second or two in Node
      return { request: lbfgsVsFgsm.name, key, models: [key.model], cheap: true };
    }));
  })(),
  encode(_request, result) {
    const r = result as LbfgsVsFgsmResult;
    const l = r.lbfgs;
    const f = r.fgsm;
    return {
      model: r.model,
      digit: r.digit,
      drawn: r.drawn,
      label: r.label,
      target: r.target,
      epsilon: r.epsilon,
      clean: encodeUnit8(r.clean),
      cleanProbabilities: Array.from(r.cleanProbabilities, significant),
      lbfgs: {
        reached: l.reached,
        c: significant(l.c),
        adversarial: encodeUnit8(l.adversarial),
        perturbation: encodeSigned8(l.perturbation),
        probabilities: Array.from(l.probabilities, significant),
        predicted: l.predicted,
        linf: rounded(l.linf, 5),
        l2: rounded(l.l2, 5),
        iterations: l.iterations,
        evaluations: l.evaluations,
        solves: l.solves.map((x) => ({ ...x, c: significant(x.c), l2: rounded(x.l2, 5) })),
        milliseconds: null,
      },
      fgsm: {
        adversarial: encodeUnit8(f.adversarial),
        perturbation: encodeSigned8(f.perturbation),
        probabilities: Array.from(f.probabilities, significant),
        predicted: f.predicted,
        linf: rounded(f.linf, 5),
        l2: rounded(f.l2, 5),
        evaluations: f.evaluations,
        milliseconds: null,
      },
    } satisfies AheadLbfgsVsFgsm;
  },
};

export function decodeLbfgsVsFgsm(e: AheadLbfgsVsFgsm): LbfgsVsFgsmResult {
  const l = e.lbfgs;
  const f = e.fgsm;
  return {
    ...e,
    clean: decodeUnit8(e.clean),
    cleanProbabilities: Float32Array.from(e.cleanProbabilities),
    lbfgs: { ...l, adversarial: decodeUnit8(l.adversarial), perturbation: decodeSigned8(l.perturbation), probabilities: Float32Array.from(l.probabilities), milliseconds: nullAsNaN(l.milliseconds) },
    fgsm: { ...f, adversarial: decodeUnit8(f.adversarial), perturbation: decodeSigned8(f.perturbation), probabilities: Float32Array.from(f.probabilities), milliseconds: nullAsNaN(f.milliseconds) },
  };
}

/**
 * The worker's side of lbfgs-vs-fgsm: one test digit attacked by the L-BFGS method of Szegedy et al. towards a
 * target class and by one FGSM step of size ε. The L-BFGS result does not depend on ε, so the last 20 are kept
 * by model, digit and target: moving ε costs one FGSM step.
 */
import { defineHandler } from '../../compute/handler.ts';
import { lbfgsVsFgsm as attack, type LbfgsVsFgsm } from '../../lib/analysis/lbfgs-vs-fgsm.ts';
import { digitOrDrawing } from '../../compute/digit-input.ts';
import { lbfgsVsFgsm } from './api.ts';
import { lbfgsVsFgsm as table } from './state.ts';

export const handler = defineHandler(lbfgsVsFgsm, async (r, ctx) => {
  const model = ctx.check.oneOf('the model', r.model, table.model.options);
  ctx.check.integer('the test digit', r.digit, 0, 9999);
  const target = ctx.check.integer('the target class', r.target, 0, 9);
  const epsilon = ctx.check.number('ε', r.epsilon, 0, 1);
  ctx.progress(0, `loading ${model}`);
  const m = await ctx.model(model);
  // a drawing has no label: FGSM pushes it away from the model's own answer
  const { digit, drawn, pixels: clean, label } = await digitOrDrawing(ctx, r, m);
  // the first ask for a (model, digit, target) runs both attacks; a later one reuses its L-BFGS result
  let both = null as LbfgsVsFgsm | null;
  const kept = await ctx.memo(
    [model, digit, drawn, target],
    async () => (both = await attack(m, clean, label, target, epsilon, { onProgress: ctx.progress, cancelled: ctx.cancelled })).lbfgs,
    20,
  );
  const res: LbfgsVsFgsm = both ?? (await attack(m, clean, label, target, epsilon, { lbfgs: kept }));
  const { target: _t, ...lbfgs } = res.lbfgs;
  const { epsilon: _e, ...fgsm } = res.fgsm;
  return { model, digit, drawn, label, target, epsilon, clean, cleanProbabilities: res.cleanProbabilities, lbfgs, fgsm };
});

import { describe, expect, it } from 'vitest';
import { parseState, serializeState, defaults } from '../../src/islands/state.ts';
import { fgsmHero } from '../../src/islands/fgsmHero.state.ts';
import { pageMessages } from '../../src/islands/pageMessages.ts';

describe('a figure state table', () => {
  it('reads good values, clamps out-of-range ones and refuses bad ones with a message', () => {
    expect(parseState(fgsmHero, new URLSearchParams('eps=0.3&digit=12')).state).toEqual({ eps: 0.3, digit: 12, model: 'softmax' });
    const clamped = parseState(fgsmHero, new URLSearchParams('eps=7'));
    expect(clamped.state.eps).toBe(0.5);
    expect(clamped.messages[0]).toMatch(/outside 0 to 0.5/);
    const refused = parseState(fgsmHero, new URLSearchParams('eps=banana&digit=3.7&model=<script>'));
    expect(refused.state).toEqual({ eps: 0.2, digit: 4, model: 'softmax' });
    expect(refused.messages).toHaveLength(3);
    expect(refused.messages[0]).toBe('eps="banana" is not a number; using 0.2.');
  });
  it('flags unknown and repeated keys, and ignores page parameters', () => {
    const r = parseState(fgsmHero, new URLSearchParams('foo=1&eps=0.1&eps=0.4&theme=dark&backend=wasm'));
    expect(r.state.eps).toBe(0.1);
    expect(r.messages).toEqual(['Unknown parameter "foo" ignored.', 'eps is given more than once; using the first value.']);
  });
  it('round-trips through the URL, leaving defaults out', () => {
    const s = { ...defaults(fgsmHero), eps: 0.35 };
    const q = serializeState(fgsmHero, s);
    expect(q.toString()).toBe('eps=0.35');
    expect(parseState(fgsmHero, q).state).toEqual(s);
  });
  it('reports an unknown backend name', () => {
    expect(pageMessages('?backend=tpu')[0]).toMatch(/not one of webgpu, webgl, wasm, cpu/);
    expect(pageMessages('?backend=wasm')).toEqual([]);
  });
});

import { figures } from '../../src/islands/registry.ts';
import { fgsmHeroSteps } from '../../src/islands/fgsmHero.state.ts';
import { linearGrowthSteps } from '../../src/islands/linearGrowth.state.ts';
import { fgsmSweepSteps } from '../../src/islands/fgsmSweep.state.ts';
import { rotationSteps } from '../../src/islands/rotation.state.ts';
import { adversarialTrainingResultsSteps } from '../../src/islands/adversarialTrainingResults.state.ts';
import { adversarialSliceSteps } from '../../src/islands/adversarialSlice.state.ts';
import { logitSurfaceSteps } from '../../src/islands/logitSurface.state.ts';
import { agreementSteps } from '../../src/islands/agreement.state.ts';
import { rbfImmunitySteps } from '../../src/islands/rbfImmunity.state.ts';
import { maxoutFiltersSteps } from '../../src/islands/maxoutFilters.state.ts';
import { lbfgsVsFgsmSteps } from '../../src/islands/lbfgsVsFgsm.state.ts';
import { transferGlanceSteps } from '../../src/islands/transferGlance.state.ts';
import { nonRobustFeaturesSteps } from '../../src/islands/nonRobustFeatures.state.ts';
import { adversarialTrainingSteps } from '../../src/islands/adversarialTraining.state.ts';
import { logistic3v7Steps } from '../../src/islands/logistic3v7.state.ts';
import { adversarialVsWeightDecaySteps } from '../../src/islands/adversarialVsWeightDecay.state.ts';
import { logitSweepSteps } from '../../src/islands/logitSweep.state.ts';
import { rubbishInputsSteps } from '../../src/islands/rubbishInputs.state.ts';
import { ensemblesSteps } from '../../src/islands/ensembles.state.ts';
import { attackLadderSteps } from '../../src/islands/attackLadder.state.ts';

describe('the figure registry', () => {
  it('gives each figure the number of scroll steps its state table lists', () => {
    const steps: Record<string, unknown[]> = {
      'fgsm-hero': fgsmHeroSteps,
      'linear-growth': linearGrowthSteps,
      'fgsm-sweep': fgsmSweepSteps,
      rotation: rotationSteps,
      'adversarial-training-results': adversarialTrainingResultsSteps,
      'adversarial-slice': adversarialSliceSteps,
      'logit-surface': logitSurfaceSteps,
      agreement: agreementSteps,
      'rbf-immunity': rbfImmunitySteps,
      'maxout-filters': maxoutFiltersSteps,
      'lbfgs-vs-fgsm': lbfgsVsFgsmSteps,
      'transfer-glance': transferGlanceSteps,
      'non-robust-features': nonRobustFeaturesSteps,
      'adversarial-training': adversarialTrainingSteps,
      'logistic-3v7': logistic3v7Steps,
      'adversarial-vs-weight-decay': adversarialVsWeightDecaySteps,
      'logit-sweep': logitSweepSteps,
      'rubbish-inputs': rubbishInputsSteps,
      ensembles: ensemblesSteps,
      'attack-ladder': attackLadderSteps,
    };
    for (const f of figures.filter((x) => x.live)) expect(f.steps ?? 0, f.name).toBe(steps[f.name]?.length ?? 0);
  });
});

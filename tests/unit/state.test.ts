import { describe, expect, it } from 'vitest';
import { parseState, serializeState, defaults } from '../../src/figures/kit/state.ts';
import { fgsmHero } from '../../src/figures/fgsm-hero/state.ts';
import { logitSweep } from '../../src/figures/logit-sweep/state.ts';
import { pageMessages } from '../../src/figures/kit/pageMessages.ts';

describe('a figure state table', () => {
  it('reads good values, clamps out-of-range ones and refuses bad ones with a message', () => {
    expect(parseState(fgsmHero, new URLSearchParams('eps=0.3&digit=12')).state).toEqual({ eps: 0.3, digit: 12, model: 'softmax', drawn: '' });
    const clamped = parseState(fgsmHero, new URLSearchParams('eps=7'));
    expect(clamped.state.eps).toBe(0.5);
    expect(clamped.messages[0]).toMatch(/outside 0 to 0.5/);
    const refused = parseState(fgsmHero, new URLSearchParams('eps=banana&digit=3.7&model=<script>'));
    expect(refused.state).toEqual({ eps: 0.2, digit: 4, model: 'softmax', drawn: '' });
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
  it('refuses hexadecimal, octal and binary numbers with a message instead of reading 0x10 as 16', () => {
    for (const raw of ['0x10', '0X1', '0b1', '0o7', '-0x1']) {
      const r = parseState(fgsmHero, new URLSearchParams({ digit: raw }));
      expect(r.state.digit, raw).toBe(fgsmHero.digit.default);
      expect(r.messages, raw).toEqual([`digit="${raw}" is not a decimal number (hexadecimal, octal and binary are not read); using ${fgsmHero.digit.default}.`]);
    }
    const eps = parseState(fgsmHero, new URLSearchParams('eps=0x0'));
    expect(eps.state.eps).toBe(0.2);
    expect(eps.messages[0]).toMatch(/not a decimal number/);
    // decimals as people write them are still read
    for (const [raw, v] of [['12', 12], ['+12', 12], ['12.', 12], ['1.2e1', 12], [' 12 ', 12]] as const) {
      const r = parseState(fgsmHero, new URLSearchParams({ digit: raw }));
      expect(r.state.digit, raw).toBe(v);
      expect(r.messages, raw).toEqual([]);
    }
    expect(parseState(fgsmHero, new URLSearchParams('eps=.3')).state.eps).toBe(0.3);
    expect(parseState(fgsmHero, new URLSearchParams('eps=1_0')).messages[0]).toMatch(/is not a number/);
  });
  it('gathers any number of unknown parameters into one message that names the first five and counts the rest', () => {
    const q = new URLSearchParams();
    for (let i = 0; i < 300; i++) q.append(`junk${i}`, String(i));
    q.append('eps', '0.3');
    const r = parseState(fgsmHero, q);
    expect(r.state.eps).toBe(0.3);
    expect(r.messages).toEqual(['300 unknown parameters ignored: "junk0", "junk1", "junk2", "junk3", "junk4" and 295 more.']);
    expect(parseState(fgsmHero, new URLSearchParams('a=1&b=2')).messages).toEqual(['2 unknown parameters ignored: "a", "b".']);
    // the same key repeated 300 times: one message
    const rep = new URLSearchParams();
    for (let i = 0; i < 300; i++) rep.append('eps', '0.1');
    expect(parseState(fgsmHero, rep).messages).toEqual(['eps is given more than once; using the first value.']);
  });
  it('clamps an ε outside the range another property sets, and says so (logit-sweep: the cursor within ± the range)', () => {
    const r = parseState(logitSweep, new URLSearchParams('range=5&eps=12'));
    expect(r.state.eps).toBe(5);
    expect(r.messages).toEqual(['eps=12 is outside −5 to 5 (the range of ε); using 5.']);
    const neg = parseState(logitSweep, new URLSearchParams('range=5&eps=-7.5'));
    expect(neg.state.eps).toBe(-5);
    expect(neg.messages).toHaveLength(1);
    // beyond the table's own range: clamped there first, each with its message
    const far = parseState(logitSweep, new URLSearchParams('eps=99'));
    expect(far.state.eps).toBe(15);
    expect(far.messages).toEqual(['eps="99" is outside -30 to 30; using 30.', 'eps=30 is outside −15 to 15 (the range of ε); using 15.']);
    expect(parseState(logitSweep, new URLSearchParams('range=5&eps=5')).messages).toEqual([]);
    // the step states themselves lie within their ranges
    for (const st of logitSweepSteps) expect(Math.abs(st.eps!)).toBeLessThanOrEqual(st.range!);
  });
  it('reports an unknown backend name', () => {
    expect(pageMessages('?backend=tpu')[0]).toMatch(/not one of webgpu, webgl, wasm, cpu/);
    expect(pageMessages('?backend=wasm')).toEqual([]);
  });
});

import { figures } from '../../src/figures/index.ts';
import { fgsmHeroSteps } from '../../src/figures/fgsm-hero/state.ts';
import { linearGrowthSteps } from '../../src/figures/linear-growth/state.ts';
import { fgsmSweepSteps } from '../../src/figures/fgsm-sweep/state.ts';
import { rotationSteps } from '../../src/figures/rotation/state.ts';
import { adversarialTrainingResultsSteps } from '../../src/figures/adversarial-training-results/state.ts';
import { adversarialSliceSteps } from '../../src/figures/adversarial-slice/state.ts';
import { logitSurfaceSteps } from '../../src/figures/logit-surface/state.ts';
import { agreementSteps } from '../../src/figures/agreement/state.ts';
import { rbfImmunitySteps } from '../../src/figures/rbf-immunity/state.ts';
import { maxoutFiltersSteps } from '../../src/figures/maxout-filters/state.ts';
import { lbfgsVsFgsmSteps } from '../../src/figures/lbfgs-vs-fgsm/state.ts';
import { transferGlanceSteps } from '../../src/figures/transfer-glance/state.ts';
import { nonRobustFeaturesSteps } from '../../src/figures/non-robust-features/state.ts';
import { adversarialTrainingSteps } from '../../src/figures/adversarial-training/state.ts';
import { logistic3v7Steps } from '../../src/figures/logistic-3v7/state.ts';
import { adversarialVsWeightDecaySteps } from '../../src/figures/adversarial-vs-weight-decay/state.ts';
import { logitSweepSteps } from '../../src/figures/logit-sweep/state.ts';
import { rubbishInputsSteps } from '../../src/figures/rubbish-inputs/state.ts';
import { ensemblesSteps } from '../../src/figures/ensembles/state.ts';
import { attackLadderSteps } from '../../src/figures/attack-ladder/state.ts';

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

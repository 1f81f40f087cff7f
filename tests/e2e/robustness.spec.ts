/**
 * Failure tests: bad URL input on every embed page (seeded; STRESS=1 runs 500 states), broken files,
 * no GPU, a lost WebGL context, a slow network, and accessibility (axe) in both themes.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { liveFigures } from '../../src/figures/index.ts';
import { seeded, type Random } from '../../src/lib/random.ts';
import type { Property, StateTable } from '../../src/figures/kit/state.ts';
import { fgsmHero } from '../../src/figures/fgsm-hero/state.ts';
import { lbfgsVsFgsm } from '../../src/figures/lbfgs-vs-fgsm/state.ts';
import { transferGlance } from '../../src/figures/transfer-glance/state.ts';
import { linearGrowth } from '../../src/figures/linear-growth/state.ts';
import { fgsmSweep } from '../../src/figures/fgsm-sweep/state.ts';
import { rotation } from '../../src/figures/rotation/state.ts';
import { logistic3v7 } from '../../src/figures/logistic-3v7/state.ts';
import { adversarialVsWeightDecay } from '../../src/figures/adversarial-vs-weight-decay/state.ts';
import { adversarialTraining } from '../../src/figures/adversarial-training/state.ts';
import { adversarialTrainingResults } from '../../src/figures/adversarial-training-results/state.ts';
import { maxoutFilters } from '../../src/figures/maxout-filters/state.ts';
import { rbfImmunity } from '../../src/figures/rbf-immunity/state.ts';
import { logitSweep } from '../../src/figures/logit-sweep/state.ts';
import { adversarialSlice } from '../../src/figures/adversarial-slice/state.ts';
import { logitSurface } from '../../src/figures/logit-surface/state.ts';
import { agreement } from '../../src/figures/agreement/state.ts';
import { ensembles } from '../../src/figures/ensembles/state.ts';
import { reproduceTable } from '../../src/figures/reproduce-table/state.ts';
import { rubbishInputs } from '../../src/figures/rubbish-inputs/state.ts';
import { nonRobustFeatures } from '../../src/figures/non-robust-features/state.ts';
import { attackLadder } from '../../src/figures/attack-ladder/state.ts';
import { ringDrawing } from './drawing-fixture.ts';
import { heroResult, sweepTags, type HeroResult } from './helpers.ts';

const STRESS = !!process.env.STRESS && process.env.STRESS !== '0';
const STATES = STRESS ? 500 : 50;

const tables: Record<string, StateTable> = {
  'fgsm-hero': fgsmHero,
  'lbfgs-vs-fgsm': lbfgsVsFgsm,
  'transfer-glance': transferGlance,
  'linear-growth': linearGrowth,
  'fgsm-sweep': fgsmSweep,
  rotation,
  'logistic-3v7': logistic3v7,
  'adversarial-vs-weight-decay': adversarialVsWeightDecay,
  'adversarial-training': adversarialTraining,
  'adversarial-training-results': adversarialTrainingResults,
  'maxout-filters': maxoutFilters,
  'rbf-immunity': rbfImmunity,
  'logit-sweep': logitSweep,
  'adversarial-slice': adversarialSlice,
  'logit-surface': logitSurface,
  agreement,
  ensembles,
  'reproduce-table': reproduceTable,
  'rubbish-inputs': rubbishInputs,
  'attack-ladder': attackLadder,
  'non-robust-features': nonRobustFeatures,
};
/** Values that would make the page load something not every checkout has, or compute for minutes: never generated as valid. */
const avoided: Record<string, Record<string, string[]>> = {
  'fgsm-hero': { model: ['maxout-adv'] },
  'reproduce-table': { run: ['1', 'true', 'yes', 'on'], sample: ['10000'] },
  'fgsm-sweep': { sample: ['10000'] },
  rotation: { sample: ['10000'] },
  'transfer-glance': { sample: ['10000'] },
  'adversarial-vs-weight-decay': { run: ['1', 'true', 'yes', 'on'] },
  'adversarial-training': { test: ['10000'], run: ['1', 'true', 'yes', 'on'] },
  'adversarial-training-results': { sample: ['10000'] },
  'rbf-immunity': { sample: ['10000'] },
  agreement: { sample: ['10000'] },
  ensembles: { sample: ['10000'] },
  'non-robust-features': { test: ['10000'] },
  'attack-ladder': { model: ['maxout-pgd'], n: ['1000'] },
};

/** Each one would set window.__xss if it were ever run as HTML or script. */
const scriptLike = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=1">',
  "'><svg onload=window.__xss=1>",
  'javascript:window.__xss=1',
  '</figure><img src=x onerror=window.__xss=1>',
  '{{constructor.constructor("window.__xss=1")()}}',
];
const unicode = ['ε', '٣', '０.２', '𝟘', '\u202e0.2', '🙂', 'Ω≈ç√', '\u0000', 'ｅps', '٠.٣'];
const huge = ['1e308', '-1e308', '9'.repeat(400), 'Infinity', '-Infinity', 'NaN', '1e-400', '0x10', '2e9'];
const wrongType = ['banana', 'true', '[1,2]', '{}', 'null', 'undefined', '1,5', '1 2', '--1'];
const unknownKeys = ['foo', 'Eps', 'eps ', '__proto__', 'constructor', '<script>', 'ε', 'x'.repeat(80)];

/** A valid drawing's code. */
const RING = ringDrawing();

const pick = <T,>(r: Random, a: readonly T[]): T => a[Math.floor(r.next() * a.length)];

/** A value for a property and whether the page must refuse it (show a message). */
function valueFor(r: Random, figure: string, key: string, p: Property): { value: string; bad: boolean } {
  const kind = r.next();
  if (kind < 0.35) {
    // a valid value
    switch (p.type) {
      case 'number': {
        const steps = Math.round((p.max - p.min) / p.step);
        return { value: String(Number((p.min + Math.floor(r.next() * (steps + 1)) * p.step).toFixed(6))), bad: false };
      }
      case 'integer':
        return { value: String(p.min + Math.floor(r.next() * Math.min(p.max - p.min + 1, 1000))), bad: false };
      case 'choice': {
        const ok = p.options.filter((o) => !(avoided[figure]?.[key] ?? []).includes(o));
        return { value: pick(r, ok), bad: false };
      }
      case 'boolean': {
        const ok = ['0', '1', 'true', 'false', 'no', 'off'].filter((o) => !(avoided[figure]?.[key] ?? []).includes(o));
        return { value: pick(r, ok), bad: false };
      }
      case 'drawing':
        // a drawn 0, as the pad makes one
        return { value: RING, bad: false };
    }
  }
  if (kind < 0.5 && (p.type === 'number' || p.type === 'integer')) {
    const out = r.next() < 0.5 ? p.min - 1 - Math.floor(r.next() * 1000) : p.max + 1 + Math.floor(r.next() * 1000);
    return { value: String(out), bad: true };
  }
  if (kind < 0.55 && p.type === 'integer') return { value: String(p.min + 0.5), bad: true };
  const pool = [...scriptLike, ...unicode, ...huge, ...wrongType, ''];
  let value = pick(r, pool);
  if ((avoided[figure]?.[key] ?? []).includes(value.trim().toLowerCase())) value = 'banana';
  // a few of these are valid after all for some types ('true' for a boolean, '1e-400' is 0; '0x10' is refused, not read as 16)
  let bad = true;
  if (p.type === 'boolean' && ['true'].includes(value)) bad = false;
  if ((p.type === 'number' || p.type === 'integer') && value.trim() !== '' && !/^[+-]?0[xob]/i.test(value.trim()) && Number.isFinite(Number(value))) {
    const n = Number(value);
    bad = n < p.min || n > p.max || (p.type === 'integer' && !Number.isInteger(n));
  }
  if (p.type === 'choice' && (p.options as readonly string[]).includes(value.trim())) bad = false;
  return { value, bad };
}

interface UrlState {
  figure: string;
  search: string;
  bad: boolean;
  xss: boolean;
}

/** The number a parameter sets (its first value, clamped to its range as the page does), or null when it sets none. */
function numberGiven(params: [string, string][], key: string, p: Property & { type: 'number' }): number | null {
  const raw = params.find(([k]) => k === key)?.[1]?.trim();
  if (raw === undefined || raw === '' || /^[+-]?0[xob]/i.test(raw) || !Number.isFinite(Number(raw))) return null;
  return Math.min(p.max, Math.max(p.min, Number(raw)));
}

function urlState(r: Random, figure: string): UrlState {
  const table = tables[figure];
  const keys = Object.keys(table);
  const params: [string, string][] = [];
  let bad = false;
  const used = new Set<string>();
  const count = 1 + Math.floor(r.next() * 4);
  for (let i = 0; i < count; i++) {
    const what = r.next();
    if (what < 0.6) {
      const key = pick(r, keys);
      if (used.has(key)) continue;
      used.add(key);
      const v = valueFor(r, figure, key, table[key]);
      params.push([key, v.value]);
      bad ||= v.bad;
      if (r.next() < 0.15) {
        // the same key again
        params.push([key, pick(r, ['0.1', '7', 'softmax', ...scriptLike])]);
        bad = true;
      }
    } else if (what < 0.75) {
      params.push([pick(r, unknownKeys), pick(r, ['1', '', ...scriptLike, ...unicode])]);
      bad = true;
    } else if (what < 0.85) {
      if (used.has('theme')) continue;
      used.add('theme');
      const v = pick(r, ['light', 'dark', 'blue', '', ...scriptLike]);
      params.push(['theme', v]);
      bad ||= v !== 'light' && v !== 'dark';
    } else if (what < 0.93) {
      if (used.has('backend')) continue;
      used.add('backend');
      // only refused names: forcing cpu would make the subset slow
      params.push(['backend', pick(r, ['tpu', 'WEBGL', '', ...scriptLike, ...unicode])]);
      bad = true;
    } else {
      if (used.has('controls')) continue;
      used.add('controls');
      const v = pick(r, ['0', '1', '2', 'no', ...scriptLike]);
      params.push(['controls', v]);
      bad ||= v !== '0' && v !== '1';
    }
  }
  // a number bounded by another (logit-sweep's ε within ± its range): outside the bound is clamped, with a message
  for (const [key, p] of Object.entries(table)) {
    if (p.type !== 'number' || !p.within) continue;
    const v = numberGiven(params, key, p);
    const boundProperty = table[p.within];
    if (v === null || boundProperty.type !== 'number') continue;
    const b = numberGiven(params, p.within, boundProperty) ?? boundProperty.default;
    if (Math.abs(v) > Math.abs(b)) bad = true;
  }
  const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return { figure, search, bad, xss: params.some(([k, v]) => /__xss/.test(k + v)) };
}

function statesFor(total: number): UrlState[] {
  const r = seeded(20150101);
  const names = liveFigures.map((f) => f.name);
  return Array.from({ length: total }, (_, i) => urlState(r, names[i % names.length]));
}

function recordErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Waits until a figure has computed (each sets data-result, with its own notion of done). */
async function computed(page: Page, figure: string, timeout = 120_000): Promise<Record<string, unknown>> {
  const root = page.locator(`[data-figure="${figure}"]`).first();
  await root.scrollIntoViewIfNeeded();
  const holder = page.locator('[data-result]').first();
  let parsed: Record<string, unknown> = {};
  await expect
    .poll(
      async () => {
        const raw = await holder.getAttribute('data-result');
        if (!raw) return false;
        parsed = JSON.parse(raw);
        if (figure === 'fgsm-sweep') return Object.keys((parsed.points as object) ?? {}).length > 0 || Object.keys((parsed.curves as object) ?? {}).length > 0;
        if (figure === 'rotation') return parsed.clean !== null;
        return true;
      },
      { timeout },
    )
    .toBe(true);
  return parsed;
}

const closeTo = (a: number[], b: number[], tol = 1e-3) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < tol);

test.describe('bad input in the URL', { tag: '@url-sweep' }, () => {
  const states = statesFor(STATES);
  for (const figure of liveFigures.map((f) => f.name)) {
    const mine = states.filter((s) => s.figure === figure);
    // npm test seeds the core figures' URLs (helpers.ts); test:stress every figure's, 500 states in all
    test(`${figure}: ${mine.length} seeded URL states render, refuse with a message, never inject HTML`, { tag: sweepTags(figure) }, async ({ page }) => {
      test.setTimeout((STRESS ? 40 : 90) * 1000 + mine.length * 8000);
      const errors = recordErrors(page);
      for (const s of mine) {
        const url = `/embed/${figure}/?${s.search}`;
        await page.goto(url);
        // hydrated: Astro drops the island's ssr attribute once it has run
        await expect(page.locator('astro-island[ssr]'), url).toHaveCount(0, { timeout: 60_000 });
        await expect(page.locator('figure.figure').first(), url).toBeVisible({ timeout: 60_000 });
        if (s.bad) await expect(page.locator('.figure-messages'), url).toBeVisible({ timeout: 60_000 });
        else await expect(page.locator('.figure-messages'), url).toHaveCount(0);
        expect(await page.locator('img[src="x"], svg[onload], [onerror], [onload]').count(), url).toBe(0);
        const injected = await page.evaluate(() => ({
          xss: (window as unknown as { __xss?: unknown }).__xss,
          scripts: Array.from(document.scripts).filter((sc) => /__xss/.test(sc.textContent ?? '') || /__xss/.test(sc.src)).length,
          hrefs: Array.from(document.querySelectorAll('[href],[src]')).filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
        }));
        expect(injected.xss, url).toBeUndefined();
        expect(injected.scripts, url).toBe(0);
        expect(injected.hrefs, url).toBe(0);
        expect(errors, url).toEqual([]);
      }
      // a last look after the final state has had time to compute
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(errors).toEqual([]);
    });
  }
});

test.describe('broken files', () => {
  // a damaged file's route (route.fetch) may still be waiting when the test ends: stop routing first, so that it
  // ends quietly instead of as an error outside any test
  test.afterEach(async ({ page }) => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });
  const damage = {
    missing: async (route: import('@playwright/test').Route) => route.fulfill({ status: 404, body: 'gone' }),
    truncated: async (route: import('@playwright/test').Route) => {
      const response = await route.fetch();
      const body = await response.body();
      await route.fulfill({ response, body: body.subarray(0, Math.floor(body.length / 3)) });
    },
    'a wrong hash': async (route: import('@playwright/test').Route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length >> 1] ^= 0x5a;
      await route.fulfill({ response, body });
    },
  };
  for (const [what, fault] of Object.entries(damage)) {
    test(`a model weight file with ${what} is named, with a retry that recovers`, async ({ page }) => {
      let broken = true;
      await page.route('**/models/maxout.bin', (route) => (broken ? fault(route) : route.continue()));
      await page.goto('/embed/fgsm-hero/?model=maxout&eps=0.1');
      const alert = page.locator('.figure-error');
      await expect(alert).toContainText('maxout.bin');
      await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
      // never blank: the figure and its poster or last state stay
      await expect(page.locator('figure.figure')).toBeVisible();
      broken = false;
      await alert.getByRole('button', { name: 'Retry' }).click();
      await expect(alert).toHaveCount(0);
      const r = await heroResult(page, 0.1);
      expect(r.clean.length).toBe(10);
    });
  }

  test('a missing data file is named, with a retry that recovers', async ({ page }) => {
    let broken = true;
    await page.route('**/data/mnist-test-1000.bin', (route) => (broken ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
    await page.goto('/embed/fgsm-hero/?eps=0.1');
    const alert = page.locator('.figure-error');
    await expect(alert).toContainText('mnist-test-1000.bin');
    await expect(alert).toContainText('404');
    broken = false;
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(alert).toHaveCount(0);
    await heroResult(page, 0.1);
  });

  test('in the article, a figure whose model is broken says so while the rest keeps working', async ({ page }) => {
    test.setTimeout(240_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // the softmax weights come truncated until the hero has said so, whichever figure asks for them first (the
    // article's figures share one worker, and which of them fetches the file first depends on the machine's speed);
    // after that they come whole, for the other figures and the retry
    let broken = true;
    await page.route('**/models/softmax.bin', async (route) => (broken ? damage.truncated(route) : route.continue()));
    await page.goto('/');
    const hero = page.locator('.fgsm-hero');
    // the hero's first scroll step (softmax): later steps pick other models
    const firstStep = () => page.locator('[data-scrolly="fgsm-hero"] .step').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await firstStep();
    await expect(hero.locator('.figure-error')).toContainText('softmax.bin');
    await expect(hero.getByRole('button', { name: 'Retry' })).toBeVisible();
    broken = false;
    // the table of contents still follows the reader
    await page.evaluate(() => document.getElementById('model-capacity')!.scrollIntoView());
    await expect(page.locator('.toc a[aria-current="true"]')).toHaveAttribute('data-toc', 'model-capacity');
    // another figure computes here (not only shows what was computed ahead)
    const sweep = page.locator('.fgsm-sweep');
    await sweep.scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const r = JSON.parse((await sweep.getAttribute('data-result')) ?? '{}');
        return Object.values((r.curves ?? {}) as Record<string, { source?: string }>).filter((c) => c.source === 'browser').length;
      }, { timeout: 120_000 })
      .toBeGreaterThan(0);
    // and the broken one recovers on retry
    await firstStep();
    await hero.getByRole('button', { name: 'Retry' }).click();
    await expect(hero.locator('.figure-error')).toHaveCount(0);
    await heroResult(page);
    expect(errors).toEqual([]);
  });
});

// the hero's numbers on webgl, where it starts (the default here is wasm when WebGL renders in software)
async function webglReference(page: Page): Promise<HeroResult> {
  await page.goto('/embed/fgsm-hero/?eps=0.1&digit=8&backend=webgl');
  return heroResult(page, 0.1);
}

// --disable-3d-apis does not reach the worker's OffscreenCanvas in this Chromium, so the backends are forced.
// Every other live figure is computed on wasm by its accessibility test below (one page a figure and theme).
test('the hero on wasm, with the numbers webgl gives', async ({ page }) => {
  test.setTimeout(240_000);
  const reference = await webglReference(page);
  const errors = recordErrors(page);
  await page.goto('/embed/fgsm-hero/?backend=wasm&eps=0.1&digit=8');
  const h = (await computed(page, 'fgsm-hero', 180_000)) as unknown as HeroResult;
  await expect(page.locator('[data-figure="fgsm-hero"] .backend')).toHaveText('wasm');
  expect(h.backend).toBe('wasm');
  expect(closeTo(h.clean, reference.clean)).toBe(true);
  expect(closeTo(h.adversarial, reference.adversarial)).toBe(true);
  expect(errors).toEqual([]);
});

test('with no wasm binaries the hero computes on cpu, with the numbers webgl gives', async ({ page }) => {
  test.setTimeout(240_000);
  const reference = await webglReference(page);
  await page.route('**/tfjs/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/embed/fgsm-hero/?eps=0.1&digit=8&backend=cpu');
  const cpu = await heroResult(page, 0.1);
  expect(cpu.backend).toBe('cpu');
  await expect(page.locator('.fgsm-hero .backend')).toHaveText('cpu');
  expect(closeTo(cpu.clean, reference.clean)).toBe(true);
  expect(closeTo(cpu.adversarial, reference.adversarial)).toBe(true);
});

test('a lost WebGL context mid-computation: the worker goes on with wasm and the figure recovers', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = recordErrors(page);
  // webgl asked for by name: on a machine whose WebGL renders in software the site would otherwise choose wasm
  await page.goto('/embed/fgsm-hero/?eps=0.1&digit=8&debug=1&backend=webgl');
  const before = await heroResult(page, 0.1);
  test.skip(before.backend !== 'webgl', `webgl does not start here (${before.backend} runs)`);
  type Hook = { compute: (r: unknown) => Promise<Record<string, unknown>> };
  // a long request on webgl, and the context lost while it runs: it is redone on wasm
  const sweep = await page.evaluate(async () => {
    const hook = (window as unknown as { __harnessingCompute: Hook }).__harnessingCompute;
    const request = { type: 'fgsmSweep', model: 'softmax', sample: 1000, epsilons: [0, 0.1, 0.25] };
    const webgl = await hook.compute(request);
    const running = hook.compute({ ...request, epsilons: [0, 0.1, 0.25, 0.3] });
    const lost = await hook.compute({ type: 'loseContext' });
    const after = await running;
    return { webgl, lost, after };
  });
  expect(sweep.lost.lost).toBe(true);
  expect(sweep.webgl.backend).toBe('webgl');
  expect(sweep.after.backend).toBe('wasm');
  const errorsAt = (r: Record<string, unknown>) => (r.clipped as { error: number }[]).slice(0, 3).map((p) => p.error);
  expect(closeTo(errorsAt(sweep.after), errorsAt(sweep.webgl), 0.2)).toBe(true);

  // the figure follows: its backend indicator says wasm, and moving ε recomputes with the right numbers
  await expect(page.locator('.fgsm-hero .backend')).toHaveText('wasm');
  await page.getByTestId('eps').first().fill('0.2');
  const after = await heroResult(page, 0.2);
  expect(after.backend).toBe('wasm');
  await page.getByTestId('eps').first().fill('0.1');
  const again = await heroResult(page, 0.1);
  expect(closeTo(again.clean, before.clean)).toBe(true);
  expect(closeTo(again.adversarial, before.adversarial)).toBe(true);
  // no blank canvas: every digit drawn has ink
  const inked = await page.locator('.fgsm-hero canvas').evaluateAll((cs) =>
    (cs as HTMLCanvasElement[]).filter((c) => c.width > 0 && c.width <= 64).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
      return sum;
    }),
  );
  expect(inked.length).toBeGreaterThan(0);
  for (const s of inked) expect(s).toBeGreaterThan(0);
  expect(errors.filter((e) => !/context lost|CONTEXT_LOST/i.test(e))).toEqual([]);
});

test('on a slow network the prose reads before any model arrives, and the hero shows its poster', async ({ page }) => {
  test.setTimeout(240_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 });
  // no model arrives until the test has looked: the order does not hang on how fast this machine renders
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/models\/.+\.(bin|json)$/, async (route) => {
    await held;
    await route.continue();
  });
  try {
    await page.goto('/', { waitUntil: 'commit' });
    await expect(page.locator('h1').first()).toBeVisible({ timeout: 120_000 });
    await expect(page.locator('#introduction, .chapter').first()).toBeVisible();
    const firstParagraph = page.locator('.chapter p').first();
    await expect(firstParagraph).toBeVisible();
    expect((await firstParagraph.innerText()).length).toBeGreaterThan(40);
    // the hero is never blank: its poster, or a live line that says it is computing
    const hero = page.locator('.fgsm-hero');
    await hero.scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const poster = await hero.locator('img[src*="posters/"]').count();
        const live = await hero.locator('.live').innerText();
        return poster > 0 || /Computing|loading/i.test(live);
      })
      .toBe(true);
  } finally {
    release();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
});

/** A layout shift the page recorded: its value, when, and what moved (the element, its top and height before → after). */
interface Shift {
  value: number;
  t: number;
  sources: string[];
}

/** An init script: the page records every layout shift not caused by input in `window.__shifts`, from its first paint. */
function recordShifts() {
  const shifts: Shift[] = [];
  (window as unknown as { __shifts: Shift[] }).__shifts = shifts;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as unknown as { value: number; startTime: number; hadRecentInput: boolean; sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] }[]) {
      if (e.hadRecentInput) continue;
      shifts.push({
        value: e.value,
        t: Math.round(e.startTime),
        sources: e.sources.map((s) => {
          const el = s.node as Element | undefined;
          const name = el?.className?.toString().split(' ').filter((c) => c && !c.startsWith('svelte-')).join('.') || el?.nodeName || '?';
          return `${name} ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)} (h ${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)})`;
        }),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

test.describe('accessibility (axe: no serious or critical violation)', () => {
  const serious = async (page: Page) => {
    const results = await new AxeBuilder({ page }).analyze();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  };
  for (const theme of ['light', 'dark'] as const) {
    test(`the article, ${theme} theme`, async ({ page }) => {
      // a cap, not a wait: axe walks the whole article (every chapter, every figure's markup), minutes on a busy machine
      test.setTimeout(420_000);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/');
      await heroResult(page);
      expect(await serious(page)).toEqual([]);
    });
  }
  // every embed page, one test each, so that they spread over the test workers; each computes its figure on wasm
  // (the backend without a GPU) and says no error, in the light theme at 1280 px, then opened again in the dark theme
  // on a phone, where the page must not scroll sideways either: at 412×823 (Lighthouse's phone), or in npm run
  // test:stress at the smallest phone's size (320×640, the first iPhone SE; fgsm-sweep's paper labels stand beside their
  // rings there: centred over the dashed ε cursor, axe read one as low contrast in about half the runs).
  //
  // Nothing moves while an embed page loads and computes on a phone: during the second load at 412×823 the page
  // records its layout shifts (every shift not caused by input, summed, from the page as served to the computed figure),
  // which stay within issue 12's goal of 0.05. The page's fonts are cached by the first load, so that the figure's own
  // shifts are measured: on a cold load a font that arrives after the first paint lays text out again, a shift of the
  // site's fonts that Lighthouse's cold runs in `npm run bench` count. Shifts come from a figure laid out for another
  // width until it measures its own (the page as served guesses a desktop width: container queries and sizes in CSS lay
  // it out as it will be), a progress bar that comes and goes (the kit's lies over the figure), and read-outs, tables
  // and charts that appear with the result (each figure keeps their room, unfilled, before it).
  const SHIFT_GOAL = 0.05;
  for (const { phone, tag } of [
    { phone: { width: 412, height: 823 }, tag: [] as string[] },
    { phone: { width: 320, height: 640 }, tag: ['@stress'] },
  ]) for (const f of liveFigures) {
    const size = `${phone.width}×${phone.height}`;
    // npm test opens the core figures' embed pages (helpers.ts); test:stress every figure's, at both sizes
    // the layout shift is held on Lighthouse's phone (npm test); the smallest phone checks the rest
    const shifts = phone.width === 412;
    test(`the embed page ${f.name}, light theme, then dark at ${size}${shifts ? ` with layout shift within ${SHIFT_GOAL}` : ''}, computed on wasm`, { tag: sweepTags(f.name, tag) }, async ({ page }) => {
      test.setTimeout(240_000);
      const errors = recordErrors(page);
      // the §6 results figure runs PGD-40 on three networks: on 100 digits its markup is the same and it is done sooner
      const sample = f.name === 'adversarial-training-results' ? '&sample=100' : '';
      const open = async (theme: 'light' | 'dark') => {
        await page.goto(`/embed/${f.name}/?theme=${theme}&backend=wasm${sample}`);
        if (f.name === 'reproduce-table') {
          // it computes on request only: it must render
          await expect(page.locator('figure.figure')).toBeVisible();
        } else {
          await computed(page, f.name, 180_000);
          await expect(page.locator(`[data-figure="${f.name}"] .backend`)).toHaveText('wasm');
        }
      };
      await open('light');
      expect(await serious(page), 'light theme').toEqual([]);
      await page.setViewportSize(phone);
      if (shifts) await page.addInitScript(recordShifts);
      await open('dark');
      // measured once the figure's layout has settled: the page's widths and the place of every text in the figure the
      // same over two frames running, then again at the next poll
      const layout = () =>
        page.evaluate(
          () =>
            new Promise<string>((resolve) => {
              const read = () =>
                `${document.documentElement.scrollWidth} ${document.documentElement.clientWidth} ` +
                [...document.querySelectorAll('figure.figure text, figure.figure p, figure.figure td')].map((e) => {
                  const b = e.getBoundingClientRect();
                  return `${Math.round(b.x)},${Math.round(b.y)},${Math.round(b.width)}`;
                }).join(';');
              requestAnimationFrame(() => {
                const a = read();
                requestAnimationFrame(() => resolve(a === read() ? a : ''));
              });
            }),
        );
      let last = '';
      await expect.poll(async () => { const now = await layout(); const same = now !== '' && now === last; last = now; return same; }).toBe(true);
      if (shifts) {
        const recorded = await page.evaluate(() => (window as unknown as { __shifts: Shift[] }).__shifts);
        const total = recorded.reduce((a, r) => a + r.value, 0);
        const sources = recorded.map((r) => `${r.value.toFixed(3)} at ${r.t} ms: ${r.sources.join('; ')}`).join(' | ');
        expect(total, `${f.name} at ${size}: layout shift ${total.toFixed(3)} from first paint to the computed figure (${sources})`).toBeLessThanOrEqual(SHIFT_GOAL);
      }
      expect(await serious(page), `dark theme at ${size}`).toEqual([]);
      const [scroll, client] = last.split(' ').slice(0, 2).map(Number);
      expect(scroll, `${f.name} at ${phone.width} px: the page scrolls sideways`).toBeLessThanOrEqual(client);
      expect(errors).toEqual([]);
    });
  }
});

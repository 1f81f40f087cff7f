import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, setSlider, watch } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface ToyModel {
  kind: string;
  accuracy: number;
  from: number[];
  to: number[];
  before: number[];
  after: number[];
  corner: number;
}
interface Histogram {
  low: number;
  perDecade: number;
  right: number[];
  wrong: number[];
}
interface ImmunityResult {
  view: string;
  /** Where the numbers shown were computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  toy: { seed: number; epsilon: number; point: number; label: number; models: ToyModel[]; numTensors: number } | null;
  mnist: { sample: number; rows: RowResult[]; rbfCleanError: number; maxoutCleanError: number; clean: Histogram; fgsm: Histogram; numTensors: number } | null;
  backend: string;
}

async function immunityResult(page: Page, want: { view?: string; epsilon?: number; point?: number; seed?: number; source?: 'ahead' | 'browser' } = {}): Promise<ImmunityResult> {
  const root = page.locator('.rbf-immunity').first();
  let last: ImmunityResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as ImmunityResult;
        const view = want.view ?? 'toy';
        if (last.view !== view) return false;
        if (want.source !== undefined && last.source !== want.source) return false;
        if (view === 'mnist') return last.mnist !== null;
        if (!last.toy) return false;
        if (want.epsilon !== undefined && Math.abs(last.toy.epsilon - want.epsilon) > 1e-9) return false;
        if (want.point !== undefined && last.toy.point !== want.point) return false;
        if (want.seed !== undefined && last.toy.seed !== want.seed) return false;
        return true;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}

function inNode(...args: string[]) {
  return JSON.parse(
    execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/rbf-immunity.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] }),
  );
}
const conf = (p: number[]) => Math.max(...p);

test('at its default state the figure shows what its caption says: along the arrow the linear unit stays sure, the RBF unit grows less sure, far less than the linear one', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/rbf-immunity/?backend=wasm');
  const r = await immunityResult(page, { view: 'toy' });
  const [lin, rbf] = r.toy!.models;
  expect(lin.kind).not.toBe(rbf.kind);
  // the linear unit ends as sure as it began or surer (at the data it is already saturated near 1)
  expect(conf(lin.after)).toBeGreaterThan(Math.min(0.99, conf(lin.before)));
  expect(conf(rbf.after)).toBeLessThan(conf(rbf.before));
  expect(conf(rbf.after)).toBeLessThan(conf(lin.after) - 0.2);
});

test('the toy trains in the browser as in Node, and far from the data the RBF unit is less sure than the linear one', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/embed/rbf-immunity/?seed=3&epsilon=5.5&point=7&backend=wasm');
  const r = await immunityResult(page, { epsilon: 5.5, point: 7, seed: 3 });
  const node = inNode('toy', '3', '5.5', '7') as { label: number; models: ToyModel[] };
  expect(r.toy!.label).toBe(node.label);
  for (const [i, m] of node.models.entries()) {
    const b = r.toy!.models[i];
    expect(b.kind).toBe(m.kind);
    expect(b.accuracy).toBe(m.accuracy);
    b.to.forEach((v, j) => expect(Math.abs(v - m.to[j])).toBeLessThan(1e-4));
    b.after.forEach((v, j) => expect(Math.abs(v - m.after[j])).toBeLessThan(1e-3));
    expect(Math.abs(b.corner - m.corner)).toBeLessThan(1e-3);
  }
  // the ordering the section is about: at the arrow's far tip and at the map's corner
  const [lin, rbf] = r.toy!.models;
  expect(conf(rbf.after)).toBeLessThan(conf(lin.after));
  expect(rbf.corner).toBeLessThan(lin.corner);
  expect(conf(lin.after)).toBeGreaterThan(0.99);

  // moving ε redraws without retraining, and the worker's tensor count stays put
  await setSlider(page, 'epsilon', 0.5);
  const small = await immunityResult(page, { epsilon: 0.5 });
  await setSlider(page, 'epsilon', 5.5);
  const back = await immunityResult(page, { epsilon: 5.5 });
  expect(back.toy!.numTensors).toBe(r.toy!.numTensors);
  expect(small.toy!.numTensors).toBe(r.toy!.numTensors);
  expect(conf(small.toy!.models[1].after)).toBeGreaterThan(conf(rbf.after));
  await expect(page.locator('.rbf-immunity .live')).toContainText('ε = 5.50');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the MNIST view computes row 14 as Node does', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/embed/rbf-immunity/?view=mnist&backend=wasm');
  const r = await immunityResult(page, { view: 'mnist', source: 'browser' });
  const node = inNode('mnist', '1000') as { rows: RowResult[]; rbfCleanError: number; maxoutCleanError: number; clean: Histogram; fgsm: Histogram };
  expect(r.mnist!.sample).toBe(1000);
  node.rows.forEach((row, i) => {
    expect(r.mnist!.rows[i].metric).toBe(row.metric);
    expect(r.mnist!.rows[i].paper).toBe(row.paper);
    expect(Math.abs(r.mnist!.rows[i].site - row.site)).toBeLessThanOrEqual(0.2);
  });
  expect(Math.abs(r.mnist!.rbfCleanError - node.rbfCleanError)).toBeLessThanOrEqual(0.2);
  expect(Math.abs(r.mnist!.maxoutCleanError - node.maxoutCleanError)).toBeLessThanOrEqual(0.2);
  // the rbf model pays for its caution in clean accuracy
  expect(r.mnist!.rbfCleanError).toBeGreaterThan(r.mnist!.maxoutCleanError);
  await expect(page.locator('.rbf-immunity .row14')).toContainText('55.4 %');
  // the site's wider RBF network beside it (row 14's addition, computed by the same code as Node's rows above)
  const wide = node.rows.find((row) => row.metric === 'FGSM error, rbf-wide');
  expect(wide).toBeDefined();
  expect(Math.abs(r.mnist!.rows.find((row) => row.metric === 'FGSM error, rbf-wide')!.site - wide!.site)).toBeLessThanOrEqual(0.2);
  await expect(page.getByTestId('wide-fgsm-error')).toHaveText(/^\d+(\.\d+)? %$/);
  await expect(page.locator('.rbf-immunity .row14 thead')).toContainText('rbf-wide, clipped');
  await expect(page.locator('.rbf-immunity .paper-mark').first()).toBeVisible();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('keyboard picks points and moves ε; a bad URL value is refused; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/rbf-immunity/?epsilon=9&point=x&view=%3Ci%3Ehi&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('epsilon="9" is outside 0 to 6; using 6.');
  await expect(messages).toContainText('point="x" is not a number; using 1.');
  await expect(messages).toContainText('view="<i>hi" is not one of toy, mnist; using toy.');
  expect(await messages.locator('i').count()).toBe(0);
  await immunityResult(page, { epsilon: 6 });

  const slider = page.getByTestId('epsilon');
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await immunityResult(page, { epsilon: 5.95 });
  const map = page.locator('.rbf-immunity svg[role="application"]').first();
  await map.focus();
  await page.keyboard.press('ArrowRight');
  await immunityResult(page, { point: 2 });
  await expect(page.getByTestId('point')).toHaveValue('2');

  await page.goto('/embed/rbf-immunity/?step=7');
  await expect(messages).toContainText('step="7" is not a step of this figure (1 to 5)');
  await page.goto('/embed/rbf-immunity/?step=3&backend=wasm');
  const three = await immunityResult(page, { epsilon: 5.5, point: 1 });
  expect(conf(three.toy!.models[1].after)).toBeLessThan(conf(three.toy!.models[0].after));
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('in the article, scrolling through the steps moves the figure', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  const go = (n: number) => page.evaluate((k) => document.querySelector(`[data-scrolly="rbf-immunity"] .step[data-step="${k}"]`)!.scrollIntoView({ block: 'center' }), n);
  await go(1);
  await immunityResult(page, { epsilon: 0.5, point: 1 });
  await go(2);
  await immunityResult(page, { epsilon: 2.5 });
  await go(4);
  await immunityResult(page, { view: 'mnist' });
  await go(5);
  await expect(page.locator('[data-scrolly="rbf-immunity"] .step[data-step="5"]')).toHaveAttribute('data-active', '');
  await expect(page.locator('[data-scrolly="rbf-immunity"] table.row14')).toBeInViewport();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the toy and the MNIST view are the ones computed ahead in Node, said so; the live answer then replaces them without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  interface AheadToy {
    seed: number;
    epsilon: number;
    point: number;
    label: number;
    models: { kind: string; accuracy: number; step: { from: number[]; to: number[]; before: number[]; after: number[] }; map: { confidence: string } }[];
  }
  interface AheadFile {
    entries: { request: string; key: Record<string, number>; result: unknown }[];
  }
  const file = JSON.parse(readFileSync('src/figures/rbf-immunity/ahead.json', 'utf8')) as AheadFile;
  const toy = file.entries.find((e) => e.request === 'rbfToy' && e.key.epsilon === 3 && e.key.point === 1 && e.key.seed === 1)!.result as AheadToy;
  const mnist = file.entries.find((e) => e.request === 'rbfMnist' && e.key.sample === 1000)!.result as { rows: RowResult[]; rbfCleanError: number; maxoutCleanError: number; clean: Histogram; fgsm: Histogram };

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/rbf-immunity/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.rbf-immunity');

  await test.step('the toy’s maps, arrows and readouts are the ones computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await immunityResult(page, { source: 'ahead' });
    expect(r.toy!.epsilon).toBe(3);
    expect(r.toy!.label).toBe(toy.label);
    r.toy!.models.forEach((m, i) => {
      const a = toy.models[i];
      expect(m.kind).toBe(a.kind);
      expect(m.accuracy).toBe(a.accuracy);
      expect(m.from).toEqual(a.step.from);
      expect(m.to).toEqual(a.step.to);
      m.before.forEach((v, j) => expect(v).toBeCloseTo(a.step.before[j], 6));
      m.after.forEach((v, j) => expect(v).toBeCloseTo(a.step.after[j], 6));
      // the map's corner, as its 8-bit byte
      expect(m.corner).toBeCloseTo(Buffer.from(a.map.confidence, 'base64')[0] / 255, 6);
    });
    await expect(root.locator('svg.toy-map')).toHaveCount(2);
    const rbf = toy.models.find((m) => m.kind === 'rbf')!;
    const c = rbf.step.after[1] > rbf.step.after[0] ? 1 : 0;
    await expect(root.locator('.map-panel[data-model="rbf"] p.readout')).toContainText(`class ${c} at ${(100 * rbf.step.after[c]).toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  await test.step('so is the MNIST view’s row 14', async () => {
    await page.getByTestId('view-mnist').click();
    const r = await immunityResult(page, { view: 'mnist', source: 'ahead' });
    expect(r.mnist!.rows.map((x) => x.metric)).toEqual(mnist.rows.map((x) => x.metric));
    expect(r.mnist!.rows.map((x) => x.site)).toEqual(mnist.rows.map((x) => x.site));
    expect(r.mnist!.clean).toEqual(mnist.clean);
    expect(r.mnist!.fgsm).toEqual(mnist.fgsm);
    const fgsm = mnist.rows.find((x) => x.metric === 'FGSM error')!;
    await expect(page.getByTestId('fgsm-error')).toHaveText(`${fgsm.site.toFixed(1)} %`);
    await expect(page.getByTestId('clean-errors')).toHaveText(`${mnist.rbfCleanError.toFixed(1)} % / ${mnist.maxoutCleanError.toFixed(1)} %`);
    await expect(root.locator('p.readout[data-panel="note"]')).toContainText('Computed ahead in Node.');
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await page.getByTestId('view-toy').click();
    await immunityResult(page, { source: 'ahead' });
  });

  const boxes = await recordBoxEveryFrame(page, '.rbf-immunity .map-panel[data-model="rbf"] p.readout');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the toy trained here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () =>
    immunityResult(page, { source: 'browser' }),
  );
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  live.toy!.models.forEach((m, i) => {
    const a = toy.models[i];
    expect(Math.abs(m.accuracy - a.accuracy)).toBeLessThanOrEqual(0.005);
    m.to.forEach((v, j) => expect(Math.abs(v - a.step.to[j])).toBeLessThan(1e-3));
    m.after.forEach((v, j) => expect(Math.abs(v - a.step.after[j])).toBeLessThan(1e-3));
    expect(Math.abs(m.corner - Buffer.from(a.map.confidence, 'base64')[0] / 255)).toBeLessThan(1e-3 + 0.5 / 255);
  });
  // the readout never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

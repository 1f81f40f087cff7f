import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { setSlider, watch } from './helpers.ts';
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
  toy: { seed: number; epsilon: number; point: number; label: number; models: ToyModel[]; numTensors: number } | null;
  mnist: { sample: number; rows: RowResult[]; rbfCleanError: number; maxoutCleanError: number; clean: Histogram; fgsm: Histogram; numTensors: number } | null;
  backend: string;
}

async function immunityResult(page: Page, want: { view?: string; epsilon?: number; point?: number; seed?: number } = {}): Promise<ImmunityResult> {
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
  const r = await immunityResult(page, { view: 'mnist' });
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

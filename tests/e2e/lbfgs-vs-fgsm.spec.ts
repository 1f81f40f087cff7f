import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, watch } from './helpers.ts';

/** §2's lbfgs-vs-fgsm figure: Szegedy et al.'s L-BFGS attack beside one FGSM step. */

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Attack {
  predicted: number;
  confidence: number;
  linf: number;
  l2: number;
}
interface LbfgsAttack extends Attack {
  reached: boolean;
  c: number;
  iterations: number;
  evaluations: number;
  solves: number;
}
interface FigureResult {
  /** Where the numbers shown were computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  model: string;
  digit: number;
  label: number;
  target: number;
  eps: number;
  view: string;
  lbfgs: LbfgsAttack & { milliseconds: number };
  fgsm: Attack & { evaluations: number; milliseconds: number };
  numTensors: number;
  backend: string;
}

async function figureResult(page: Page, ready: (r: FigureResult) => boolean = () => true): Promise<FigureResult> {
  const root = page.locator('.lbfgs-vs-fgsm').first();
  let last: FigureResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as FigureResult;
        if (!r.lbfgs || !ready(r)) return false;
        last = r;
        return true;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}

/** The same state computed in Node (wasm) from src/lib. */
function nodeResult(model: string, digit: number, target: number, eps: number): { label: number; lbfgs: LbfgsAttack; fgsm: Attack } {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/lbfgs-vs-fgsm.ts', model, String(digit), String(target), String(eps)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

test('the embed page agrees with the same attacks run in Node; a keyboard move of ε changes only the FGSM side; no tensor leaks', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/embed/lbfgs-vs-fgsm/?backend=wasm');
  const first = await figureResult(page, (r) => r.eps === 0.25 && r.source === 'browser');
  expect(first).toMatchObject({ model: 'softmax', digit: 0, label: 7, target: 3, view: 'cost' });
  const node = nodeResult('softmax', 0, 3, 0.25);
  expect(first.label).toBe(node.label);
  expect(first.lbfgs.reached).toBe(node.lbfgs.reached);
  expect(first.lbfgs.reached).toBe(true);
  expect(first.lbfgs.predicted).toBe(3);
  expect(first.lbfgs.predicted).toBe(node.lbfgs.predicted);
  expect(Math.abs(first.lbfgs.l2 - node.lbfgs.l2)).toBeLessThan(0.01 * node.lbfgs.l2);
  expect(Math.abs(first.lbfgs.linf - node.lbfgs.linf)).toBeLessThan(0.02 * node.lbfgs.linf + 1e-4);
  expect(Math.abs(first.lbfgs.c - node.lbfgs.c)).toBeLessThan(0.05 * node.lbfgs.c);
  expect(first.lbfgs.evaluations).toBeGreaterThan(10);
  expect(first.fgsm.evaluations).toBe(1);
  expect(first.fgsm.predicted).toBe(node.fgsm.predicted);
  expect(first.fgsm.linf).toBeCloseTo(node.fgsm.linf, 6);
  expect(first.fgsm.l2).toBeCloseTo(node.fgsm.l2, 4);
  expect(first.fgsm.confidence).toBeCloseTo(node.fgsm.confidence, 4);
  await expect(page.getByTestId('cost')).toContainText('the gradients of FGSM');
  await expect(page.locator('.lbfgs-vs-fgsm .live')).toContainText('L-BFGS towards 3 reached it');

  // five presses of ← on the ε slider: 0.20; L-BFGS is not rerun (its numbers stay), FGSM's step shrinks
  const slider = page.getByTestId('eps');
  await slider.focus();
  for (let k = 0; k < 5; k++) await slider.press('ArrowLeft');
  const smaller = await figureResult(page, (r) => Math.abs(r.eps - 0.2) < 1e-9);
  expect(smaller.fgsm.linf).toBeCloseTo(0.2, 6);
  expect(smaller.fgsm.l2).toBeLessThan(first.fgsm.l2);
  expect(smaller.lbfgs).toEqual(first.lbfgs);
  await expect(page.locator('.lbfgs-vs-fgsm .live')).toContainText('FGSM at ε = 0.20');
  await expect(page).toHaveURL(/eps=0\.2/);

  // many changes, then back: the worker holds as many tensors as after the first result
  for (let k = 0; k < 8; k++) await slider.press(k % 2 ? 'ArrowRight' : 'ArrowLeft');
  await page.getByTestId('target').selectOption('5');
  const five = await figureResult(page, (r) => r.target === 5);
  expect(five.lbfgs.predicted === 5).toBe(five.lbfgs.reached);
  for (let k = 0; k < 6; k++) await slider.press('ArrowRight');
  const last = await figureResult(page, (r) => r.target === 5 && Math.abs(r.eps - 0.26) < 1e-9);
  expect(five.numTensors).toBe(first.numTensors);
  expect(last.numTensors).toBe(first.numTensors);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/lbfgs-vs-fgsm/?backend=wasm&target=12&model=rbf&eps=big');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('target="12" is outside 0 to 9; using 9.');
  await expect(messages).toContainText('model="rbf" is not one of softmax, maxout; using softmax.');
  await expect(messages).toContainText('eps="big" is not a number; using 0.25.');
  const r = await figureResult(page);
  expect(r.target).toBe(9);

  await page.goto('/embed/lbfgs-vs-fgsm/?step=4');
  await expect(messages).toContainText('step="4" is not a step of this figure (1 to 3)');

  await page.goto('/embed/lbfgs-vs-fgsm/?backend=wasm&step=1');
  const one = await figureResult(page);
  expect(one.view).toBe('lbfgs');
  await expect(page.getByTestId('lbfgs-row')).toBeVisible();
  await expect(page.getByTestId('fgsm-row')).toHaveCount(0);
  await expect(page.getByTestId('cost')).toHaveCount(0);

  await page.goto('/embed/lbfgs-vs-fgsm/?backend=wasm&step=3');
  const three = await figureResult(page);
  expect(three.view).toBe('cost');
  await expect(page.getByTestId('fgsm-row')).toBeVisible();
  await expect(page.getByTestId('cost')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('scrolling the chapter moves the figure through its steps', async ({ page }) => {
  test.setTimeout(120_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  const to = (n: number) => page.evaluate((k) => document.querySelector(`[data-scrolly="lbfgs-vs-fgsm"] .step[data-step="${k}"]`)!.scrollIntoView({ block: 'center' }), n);
  await to(1);
  const one = await figureResult(page, (r) => r.view === 'lbfgs');
  expect(one.lbfgs.reached).toBe(true);
  await expect(page.locator('.lbfgs-vs-fgsm [data-testid="fgsm-row"]')).toHaveCount(0);
  await to(2);
  await figureResult(page, (r) => r.view === 'both');
  await expect(page.locator('.lbfgs-vs-fgsm [data-testid="fgsm-row"]')).toBeVisible();
  await expect(page.locator('.lbfgs-vs-fgsm [data-testid="cost"]')).toHaveCount(0);
  await to(3);
  await figureResult(page, (r) => r.view === 'cost');
  await expect(page.locator('.lbfgs-vs-fgsm [data-testid="cost"]')).toBeVisible();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, both attacks are the ones computed ahead in Node, said so, their times unfilled; the live answer then replaces them without a shift', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  interface AheadAttack extends Attack {
    probabilities: number[];
    evaluations: number;
    milliseconds: null;
  }
  interface AheadFile {
    entries: {
      key: { model: string; digit: number; target: number; epsilon: number };
      result: { label: number; cleanProbabilities: number[]; lbfgs: AheadAttack & Omit<LbfgsAttack, 'solves'> & { solves: unknown[] }; fgsm: AheadAttack };
    }[];
  }
  const file = JSON.parse(readFileSync('src/figures/lbfgs-vs-fgsm/ahead.json', 'utf8')) as AheadFile;
  const ahead = file.entries.find((e) => e.key.model === 'softmax' && e.key.digit === 0 && e.key.target === 3 && e.key.epsilon === 0.25)!.result;
  const l = ahead.lbfgs;
  const f = ahead.fgsm;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/lbfgs-vs-fgsm/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.lbfgs-vs-fgsm');

  await test.step('the digits, the numbers and the gradient counts are the ones computed ahead, said so; the times stand unfilled', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await figureResult(page);
    expect(r.source).toBe('ahead');
    expect(r).toMatchObject({ model: 'softmax', digit: 0, label: ahead.label, target: 3, eps: 0.25 });
    expect(r.lbfgs).toMatchObject({ reached: l.reached, predicted: l.predicted, c: l.c, linf: l.linf, l2: l.l2, iterations: l.iterations, evaluations: l.evaluations, solves: l.solves.length, milliseconds: null });
    expect(r.lbfgs.confidence).toBeCloseTo(l.probabilities[l.predicted], 6);
    expect(r.fgsm).toMatchObject({ predicted: f.predicted, linf: f.linf, l2: f.l2, evaluations: 1, milliseconds: null });
    await expect(page.getByTestId('lbfgs-row')).toContainText(`‖r‖∞ = ${l.linf.toFixed(3)}, ‖r‖₂ = ${l.l2.toFixed(3)}`);
    await expect(page.getByTestId('lbfgs-row')).toContainText(`${l.evaluations} gradients, –`);
    await expect(page.getByTestId('fgsm-row')).toContainText(`‖η‖∞ = ${f.linf.toFixed(3)}, ‖η‖₂ = ${f.l2.toFixed(3)}`);
    await expect(page.getByTestId('cost')).toContainText(`L-BFGS took ${l.evaluations}× the gradients of FGSM`);
    // the gradient bars drawn, the time bars not (Node's milliseconds are not this device's)
    await expect(page.getByTestId('cost').locator('rect.bar-mark')).toHaveCount(2);
    await expect(root.locator('canvas')).toHaveCount(5);
    await expect(root.locator('.live')).toContainText(`L-BFGS towards 3 reached it, read as ${l.predicted}`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
  });

  const boxes = await recordBoxEveryFrame(page, '.lbfgs-vs-fgsm [data-testid="cost"] p.readout');
  const height = await root.locator('figure.figure').evaluate((fig) => fig.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the attacks computed here replace them, equal to the ones computed ahead within the Node comparison’s tolerance, with their times', () =>
    figureResult(page, (r) => r.source === 'browser'),
  );
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expect(live.label).toBe(ahead.label);
  expect(live.lbfgs.reached).toBe(l.reached);
  expect(live.lbfgs.predicted).toBe(l.predicted);
  expect(Math.abs(live.lbfgs.l2 - l.l2)).toBeLessThan(0.01 * l.l2);
  expect(Math.abs(live.lbfgs.linf - l.linf)).toBeLessThan(0.02 * l.linf + 1e-4);
  expect(Math.abs(live.lbfgs.c - l.c)).toBeLessThan(0.05 * l.c);
  expect(live.fgsm.predicted).toBe(f.predicted);
  expect(live.fgsm.l2).toBeCloseTo(f.l2, 4);
  expect(live.lbfgs.milliseconds).toBeGreaterThan(0);
  await expect(page.getByTestId('cost').locator('rect.bar-mark')).toHaveCount(4);
  // the cost's line never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((fig) => fig.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

/**
 * Draw your own digit where a digit is chosen: painted stroke by stroke, centred and scaled as MNIST's digits are,
 * kept in the figure's URL state so that a permalink brings the same drawing (and the same numbers) back.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { heroResult, hydrated, recordBoxEveryFrame, watch } from './helpers.ts';
import { decodeDrawing } from '../../src/lib/data/drawing-code.ts';
import { ringDrawing } from './drawing-fixture.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

/** Paints strokes on the pad: each a list of points in [0, 1]², drawn with the mouse button held down. */
async function paint(page: Page, strokes: [number, number][][]) {
  const pad = page.locator('.drawpad canvas');
  const box = (await pad.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
    await page.mouse.up();
  }
}

test('a digit painted stroke by stroke is centred as MNIST’s, attacked, and a permalink brings it back the same', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/fgsm-hero/?backend=wasm');
  await heroResult(page, 0.2, 'softmax');
  await page.getByTestId('digit-draw').click();
  // no ink: a message, and the figure keeps its test digit
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  await expect(page.locator('.drawpad [role="alert"]')).toHaveText('The drawing has no ink: draw a digit first.');
  // a 7, in the pad's top-left corner and small: the top bar, then the downstroke
  await paint(page, [
    [[0.1, 0.1], [0.25, 0.1], [0.4, 0.1]],
    [[0.4, 0.1], [0.33, 0.25], [0.25, 0.45]],
  ]);
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  await expect(page.locator('.fgsm-hero .live')).toContainText('your drawing');
  const code = (await page.locator('.fgsm-hero').getAttribute('data-drawn'))!;
  expect(code.length).toBeGreaterThan(10);
  expect(code.length).toBeLessThan(700);
  expect(new URL(page.url()).searchParams.get('drawn')).toBe(code);

  // centred and scaled as MNIST: the ink's bounding box fits 20×20 with its longer side 20, its centre of mass at (14, 14)
  const pixels = decodeDrawing(code);
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      if (v <= 0.05) continue;
      x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  for (let i = 0; i < 784; i++) {
    mass += pixels[i];
    mx += pixels[i] * ((i % 28) + 0.5);
    my += pixels[i] * (Math.floor(i / 28) + 0.5);
  }
  expect(Math.max(x1 - x0 + 1, y1 - y0 + 1)).toBeGreaterThanOrEqual(19);
  expect(Math.max(x1 - x0 + 1, y1 - y0 + 1)).toBeLessThanOrEqual(20);
  expect(Math.abs(mx / mass - 14)).toBeLessThan(1);
  expect(Math.abs(my / mass - 14)).toBeLessThan(1);

  const drawn = await heroResult(page, 0.2, 'softmax');
  // a drawing has no label: the attack is away from the model's own answer
  expect(drawn.label).toBe(drawn.clean.indexOf(Math.max(...drawn.clean)));

  // the permalink in a fresh page: the same drawing, the same numbers
  const fresh = await page.context().newPage();
  await fresh.goto(page.url());
  await expect(fresh.locator('.fgsm-hero')).toHaveAttribute('data-drawn', code);
  const back = await heroResult(fresh, 0.2, 'softmax');
  expect(back.clean).toEqual(drawn.clean);
  expect(back.adversarial).toEqual(drawn.adversarial);
  await expect(fresh.locator('.fgsm-hero .live')).toContainText('your drawing');
  // forgetting it goes back to the test digit, and out of the URL
  await fresh.getByTestId('digit-forget').click();
  await expect.poll(() => new URL(fresh.url()).searchParams.get('drawn')).toBeNull();
  await expect(fresh.locator('.fgsm-hero')).not.toHaveAttribute('data-drawn', /./);
  await fresh.close();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the logit sweep takes a drawing too: swept as in Node, and its permalink brings it back', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/logit-sweep/?backend=wasm&model=softmax&range=15');
  type Sweep = { model: string; drawn: string | null; label: number; range: number; strip: { eps: number; logits: number[] }[] | null };
  const sweepOf = async (p: Page, want: (r: Sweep) => boolean) => {
    let last: Sweep | null = null;
    await expect
      .poll(async () => {
        const raw = await p.locator('.logit-sweep').getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as Sweep;
        return !!last.strip && want(last);
      }, { timeout: 120_000 })
      .toBe(true);
    return last!;
  };
  await sweepOf(page, (r) => r.drawn === null);
  await page.getByTestId('digit-draw').click();
  // a 0: one closed stroke
  const ring = Array.from({ length: 17 }, (_, k) => [0.5 + 0.22 * Math.sin((2 * Math.PI * k) / 16), 0.5 - 0.32 * Math.cos((2 * Math.PI * k) / 16)] as [number, number]);
  await paint(page, [ring]);
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  const code = new URL(page.url()).searchParams.get('drawn');
  expect(code).toBeTruthy();
  const drawn = await sweepOf(page, (r) => r.drawn === code);
  await expect(page.locator('.logit-sweep .live')).toContainText(`Your drawing (read as a ${drawn.label})`);
  const ref = JSON.parse(
    execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/logit-sweep.ts', JSON.stringify({ model: 'softmax', digit: 4, range: 15, drawn: code })], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { label: number; strip: { eps: number; logits: number[] }[] };
  expect(drawn.label).toBe(ref.label);
  expect(drawn.strip!.length).toBe(ref.strip.length);
  drawn.strip!.forEach((p, j) => {
    const scale = Math.max(1, ...ref.strip[j].logits.map(Math.abs));
    for (let k = 0; k < 10; k++) expect(Math.abs(p.logits[k] - ref.strip[j].logits[k])).toBeLessThan(2e-4 * scale);
  });
  const fresh = await page.context().newPage();
  await fresh.goto(page.url());
  const back = await sweepOf(fresh, (r) => r.drawn === code);
  expect(back.strip).toEqual(drawn.strip);
  await fresh.close();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

// ---- every other figure where the reader chooses one digit: a drawing in its permalink (or painted in it) ----

/** A drawn 0, made as the pad makes one; the figures' default test digit 0 is a 7, so the two cannot be confused. */
const RING = ringDrawing();

/** What a figure computes on a drawing, from src/lib in Node (tests/e2e/node/drawn.ts). */
function nodeDrawn<T>(o: Record<string, unknown>): T & { label: number } {
  return JSON.parse(
    execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/drawn.ts', JSON.stringify(o)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
}

/** The figure's data-result once `want` holds. */
async function figureResult<T>(page: Page, selector: string, want: (r: T) => boolean, timeout = 150_000): Promise<T> {
  const root = page.locator(selector).first();
  await root.scrollIntoViewIfNeeded();
  let last: T | null = null;
  await expect
    .poll(async () => {
      const raw = await root.getAttribute('data-result');
      if (!raw) return false;
      last = JSON.parse(raw) as T;
      return want(last);
    }, { timeout })
    .toBe(true);
  return last!;
}

const permalink = (figure: string, extra = '') => `/embed/${figure}/?backend=wasm&drawn=${RING}${extra}`;

test('adversarial-slice: the plane through a drawing, as in Node', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto(permalink('adversarial-slice', '&model=softmax'));
  type R = { drawn: string | null; label: number; predicted: number[] | null; summary: { wrong: number; wrongAlongFgsm: number }; origin: number };
  const r = await figureResult<R>(page, '.adversarial-slice', (x) => x.drawn === RING && !!x.predicted);
  const node = nodeDrawn<{ predicted: number[]; summary: R['summary'] }>({ figure: 'slice', model: 'softmax', drawn: RING, range: 0.5, seed: 1, clip: false });
  // the drawing has no label: its own class is the model's answer, here a 0 (test digit 0 is a 7)
  expect(r.label).toBe(node.label);
  expect(r.label).toBe(0);
  expect(r.origin).toBe(r.label);
  expect(r.predicted!.filter((p, i) => p !== node.predicted[i]).length).toBeLessThanOrEqual(3);
  expect(r.summary.wrongAlongFgsm).toBeCloseTo(node.summary.wrongAlongFgsm, 6);
  await expect(page.locator('.adversarial-slice .live')).toContainText('your drawing (read as a 0)');
  await expect(page.getByTestId('slice-digit-forget')).toBeVisible();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('logit-surface: the surface over a drawing’s plane, its height the logit of the class it is read as', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto(permalink('logit-surface', '&model=softmax&range=0.5'));
  type R = { drawn: string | null; label: number; origin: number | null; wrongAlongFgsm: number | null };
  const r = await figureResult<R>(page, '.logit-surface', (x) => x.drawn === RING && x.origin !== null);
  const node = nodeDrawn<{ originLogits: number[]; summary: { wrongAlongFgsm: number } }>({ figure: 'slice', model: 'softmax', drawn: RING, range: 0.5, seed: 1, clip: false });
  expect(r.label).toBe(node.label);
  expect(r.origin!).toBeCloseTo(node.originLogits[node.label], 3);
  expect(r.wrongAlongFgsm!).toBeCloseTo(node.summary.wrongAlongFgsm, 6);
  await expect(page.locator('.logit-surface .live')).toContainText('your drawing (read as a 0), the logit of the class it is read as');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('rotation: a drawing painted in the figure is rotated as in Node, the sample’s distribution stays on the test digits', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/rotation/?backend=wasm&sample=100');
  await hydrated(page);
  type R = { digit: number; drawn: string | null; label: number | null; angle: number | null; rotated: { predicted: number; confidence: number } | null; flipAngle: number | null; norm: number | null; sweep: { sample: number } | null };
  const test0 = await figureResult<R>(page, '.rotation', (x) => x.label !== null && x.drawn === null && x.sweep !== null);
  expect(test0.label).toBe(7);
  // the digit picker built by Controls offers the pad: paint a 0, one closed stroke
  await page.getByTestId('digit-draw').click();
  const ring = Array.from({ length: 17 }, (_, k) => [0.5 + 0.22 * Math.sin((2 * Math.PI * k) / 16), 0.5 - 0.32 * Math.cos((2 * Math.PI * k) / 16)] as [number, number]);
  await paint(page, [ring]);
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('drawn')).toBeTruthy();
  const code = new URL(page.url()).searchParams.get('drawn')!;
  const r = await figureResult<R>(page, '.rotation', (x) => x.drawn === code && x.rotated !== null && x.sweep !== null);
  const node = nodeDrawn<{ flipAngle: number | null; rotated: { predicted: number; confidence: number }; norm: number }>({ figure: 'rotation', model: 'softmax', drawn: code, angle: r.angle });
  expect(r.label).toBe(node.label);
  expect(r.rotated!.predicted).toBe(node.rotated.predicted);
  expect(r.rotated!.confidence).toBeCloseTo(node.rotated.confidence, 4);
  expect(r.norm!).toBeCloseTo(node.norm, 4);
  expect(node.flipAngle).not.toBeNull();
  expect(Math.abs(r.flipAngle! - node.flipAngle!)).toBeLessThan(0.01);
  // the histogram is still the first 100 test digits', and the words say the drawing is not one of them
  expect(r.sweep!.sample).toBe(100);
  await expect(page.locator('.rotation .live')).toContainText('your drawing (read as a');
  await expect(page.locator('.rotation .live')).toContainText('(your drawing is not among them)');
  // its permalink brings the same drawing and numbers back
  const fresh = await page.context().newPage();
  await fresh.goto(page.url());
  const back = await figureResult<R>(fresh, '.rotation', (x) => x.drawn === code && x.rotated !== null);
  expect(back.rotated).toEqual(r.rotated);
  await fresh.close();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('attack-ladder: its single digit takes a drawing (FGSM and PGD-40 as in Node), the ladder stays on the test digits', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  await page.goto(permalink('attack-ladder', '&model=softmax&n=100&climb=fgsm'));
  type R = { n: number; drawn: string | null; one: { drawn: string | null; label: number; clean: number; fgsm: number; pgd: number; fgsmLoss: number; pgdLoss: number } | null; rungs: Record<string, { error: number }> };
  const r = await figureResult<R>(page, '.attack-ladder', (x) => x.one?.drawn === RING && x.rungs.fgsm !== undefined);
  const node = nodeDrawn<{ clean: number; fgsm: number; pgd: number; fgsmLoss: number; pgdLoss: number }>({ figure: 'ladder', model: 'softmax', drawn: RING, eps: 0.25 });
  expect(r.one).toMatchObject({ label: node.label, clean: node.clean, fgsm: node.fgsm, pgd: node.pgd });
  expect(r.one!.clean).toBe(r.one!.label);
  expect(Math.abs(r.one!.pgdLoss - node.pgdLoss)).toBeLessThan(1e-3 * Math.max(1, node.pgdLoss));
  expect(Math.abs(r.one!.fgsmLoss - node.fgsmLoss)).toBeLessThan(1e-3 * Math.max(1, node.fgsmLoss));
  expect(r.n).toBe(100);
  await expect(page.locator('.attack-ladder h4.panel-title')).toContainText('Your drawing, read as a 0 (not one of the ladder’s digits)');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('linear-growth: the trained model’s logit shifts under a drawing’s FGSM η, as in Node', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto(permalink('linear-growth', '&panel=trained'));
  type R = { digit: { drawn: string; label: number; cleanLogits: Record<string, number>; shift: Record<string, number>; eps: number } | null };
  const r = await figureResult<R>(page, '.linear-growth', (x) => x.digit?.drawn === RING);
  const node = nodeDrawn<{ cleanLogits: number[]; shift: number[] }>({ figure: 'shift', model: 'softmax', drawn: RING, eps: r.digit!.eps });
  expect(r.digit!.label).toBe(node.label);
  for (let k = 0; k < 10; k++) {
    expect(Math.abs(r.digit!.cleanLogits[k] - node.cleanLogits[k])).toBeLessThan(1e-3);
    expect(Math.abs(r.digit!.shift[k] - node.shift[k])).toBeLessThan(1e-3);
  }
  await expect(page.locator('.linear-growth .live')).toContainText('Softmax regression on your drawing (read as a 0)');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('lbfgs-vs-fgsm: a drawing attacked by L-BFGS towards 3 and by one FGSM step, as in Node', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto(permalink('lbfgs-vs-fgsm', '&model=softmax&target=3&eps=0.25'));
  type A = { reached?: boolean; predicted: number; l2: number; linf: number };
  type R = { drawn: string | null; label: number; lbfgs: A | null; fgsm: A | null };
  const r = await figureResult<R>(page, '.lbfgs-vs-fgsm', (x) => x.drawn === RING && !!x.lbfgs && !!x.fgsm);
  const node = nodeDrawn<{ lbfgs: A; fgsm: A }>({ figure: 'lbfgs', model: 'softmax', drawn: RING, target: 3, eps: 0.25 });
  expect(r.label).toBe(node.label);
  expect(r.lbfgs!.reached).toBe(node.lbfgs.reached);
  expect(r.lbfgs!.predicted).toBe(node.lbfgs.predicted);
  expect(Math.abs(r.lbfgs!.l2 - node.lbfgs.l2)).toBeLessThan(0.01 * node.lbfgs.l2);
  expect(r.fgsm!.predicted).toBe(node.fgsm.predicted);
  expect(r.fgsm!.linf).toBeCloseTo(node.fgsm.linf, 6);
  expect(r.fgsm!.l2).toBeCloseTo(node.fgsm.l2, 4);
  await expect(page.locator('.lbfgs-vs-fgsm .live')).toContainText('Your drawing (read as a 0), softmax');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a malformed ?drawn= gives the kit’s message and the figure computes on its test digit', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  // cut short: the code of a drawing without its last characters
  await page.goto(`/embed/adversarial-slice/?backend=wasm&model=softmax&drawn=${RING.slice(0, 40)}`);
  await expect(page.locator('.adversarial-slice')).toContainText('is not a drawing');
  await expect(page.locator('.adversarial-slice')).toContainText('showing the test digit');
  const r = await figureResult<{ drawn: string | null; digit: number; label: number; predicted: number[] | null }>(page, '.adversarial-slice', (x) => !!x.predicted);
  expect(r.drawn).toBeNull();
  expect([r.digit, r.label]).toEqual([0, 7]);
  await expect(page.locator('.adversarial-slice .live')).toContainText('test digit 0 (a 7)');
  expect(new URL(page.url()).searchParams.get('drawn')).toBeNull();
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('in the article a drawing stays until the next scroll step, which shows its own test digit', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  const step = (n: number) => page.evaluate((k) => document.querySelector(`[data-scrolly="adversarial-slice"] .step[data-step="${k}"]`)!.scrollIntoView({ block: 'center' }), n);
  type R = { model: string; digit: number; drawn: string | null; label: number; predicted: number[] | null };
  await step(1);
  // a result is there: this island has hydrated (the article's others hydrate as they come near)
  await figureResult<R>(page, '.adversarial-slice', (x) => x.model === 'softmax' && !!x.predicted);
  // the pad's box in every frame from the moment it opens to the end of the stroke: the sticky frame fits the figure
  // to the pad's size, the slice's chart sized to its new width in the same fit, before the pad is first painted, so
  // a stroke made at once lands where the pad stays
  const stop = await recordBoxEveryFrame(page, '.adversarial-slice .drawpad canvas');
  await page.getByTestId('slice-digit-draw').click();
  const ring = Array.from({ length: 17 }, (_, k) => [0.5 + 0.22 * Math.sin((2 * Math.PI * k) / 16), 0.5 - 0.32 * Math.cos((2 * Math.PI * k) / 16)] as [number, number]);
  await paint(page, [ring]);
  const seen = await stop();
  expect(seen.frames).toBeGreaterThan(2);
  expect(seen.boxes, 'the pad moved between opening and the end of the stroke').toHaveLength(1);
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  const drawn = await figureResult<R>(page, '.adversarial-slice', (x) => x.drawn !== null && !!x.predicted);
  expect(drawn.model).toBe('softmax');
  await step(2);
  const two = await figureResult<R>(page, '.adversarial-slice', (x) => x.model === 'maxout' && !!x.predicted);
  expect([two.drawn, two.digit, two.label]).toEqual([null, 0, 7]);
  await expect(page.getByTestId('slice-digit-forget')).toHaveCount(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

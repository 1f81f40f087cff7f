/**
 * Draw your own digit where a digit is chosen: painted stroke by stroke, centred and scaled as MNIST's digits are,
 * kept in the figure's URL state so that a permalink brings the same drawing (and the same numbers) back.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { heroResult, watch } from './helpers.ts';
import { decodeDrawing } from '../../src/lib/data/drawing-code.ts';

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

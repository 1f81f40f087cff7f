/**
 * Draw your own digit where a digit is chosen: painted stroke by stroke, centred and scaled as MNIST's digits are,
 * kept in the figure's URL state so that a permalink brings the same drawing (and the same numbers) back.
 */
import { expect, test, type Page } from '@playwright/test';
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

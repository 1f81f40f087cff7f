/**
 * Backends never change silently: with the wasm binaries blocked, a figure asked to
 * compute on wasm (or left to choose, when wasm is the best this browser has) computes
 * on cpu and says in words which backend it uses and why; on the backend asked for it
 * says nothing more than its label.
 */
import { expect, test } from '@playwright/test';
import { heroResult } from './helpers.ts';

const blockWasm = (page: import('@playwright/test').Page) =>
  page.route('**/tfjs/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));

test('?backend=wasm with the wasm binary missing: the figure computes on cpu and says why, in words', async ({ page }) => {
  // the reference: wasm as asked, no note
  await page.goto('/embed/fgsm-hero/?eps=0.1&digit=8&backend=wasm');
  const wasm = await heroResult(page, 0.1);
  expect(wasm.backend).toBe('wasm');
  await expect(page.locator('.fgsm-hero .backend')).toHaveText('wasm');
  await expect(page.locator('[data-backend-note]')).toHaveCount(0);

  await blockWasm(page);
  await page.goto('/embed/fgsm-hero/?eps=0.1&digit=8&backend=wasm');
  const cpu = await heroResult(page, 0.1);
  expect(cpu.backend).toBe('cpu');
  await expect(page.locator('.fgsm-hero .backend')).toHaveText('cpu');
  const note = page.locator('.fgsm-hero [data-backend-note]');
  await expect(note).toHaveCount(1);
  await expect(note).toContainText('You asked for the wasm backend');
  await expect(note).toContainText('tfjs/tfjs-backend-wasm-simd.wasm');
  await expect(note).toContainText('404');
  await expect(note).toContainText('computes on cpu instead');
  // the same numbers, on the fallback
  cpu.clean.forEach((p, i) => expect(Math.abs(p - wasm.clean[i])).toBeLessThan(1e-4));
  cpu.adversarial.forEach((p, i) => expect(Math.abs(p - wasm.adversarial[i])).toBeLessThan(1e-4));
});

test('left to choose, with wasm missing and no hardware WebGL: cpu, and the figure says why', async ({ page }) => {
  await blockWasm(page);
  await page.goto('/embed/fgsm-hero/?eps=0.1');
  const r = await heroResult(page, 0.1);
  // where this browser has a GPU, webgl runs and there is nothing to say
  test.skip(r.backend !== 'cpu', `${r.backend} runs here`);
  const note = page.locator('.fgsm-hero [data-backend-note]');
  await expect(note).toContainText('computes on cpu, the slowest backend');
  await expect(note).toContainText('wasm did not start');
  await expect(note).toContainText('404');
});

test('in the article, every figure that started says so below its own title, at phone width too', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await blockWasm(page);
  await page.goto('/?backend=wasm');
  const hero = page.locator('.fgsm-hero');
  await heroResult(page);
  const note = hero.locator('[data-backend-note]');
  await expect(note).toContainText('computes on cpu instead');
  // right under the title, inside the frame, not wider than the screen
  const box = (await note.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  expect(await hero.locator('figure.figure > .figure-head + [data-backend-note]').count()).toBe(1);
});

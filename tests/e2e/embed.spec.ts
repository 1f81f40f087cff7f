import { expect, test } from '@playwright/test';
import { argmax, heroResult, ORIGIN, watch } from './helpers.ts';


test('the embed page starts from the URL state', async ({ page }) => {
  const w = watch(page, ORIGIN);
  await page.goto('/embed/fgsm-hero/?eps=0.3&digit=4');
  await expect(page.getByTestId('eps')).toHaveValue('0.3');
  const r = await heroResult(page, 0.3);
  expect(r.label).toBe(4);
  await expect(page.locator('.figure-messages')).toHaveCount(0);
  // only the figure: no article chapters
  await expect(page.locator('.chapter')).toHaveCount(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused or clamped with a visible message, never reflected as HTML', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?eps=banana');
  await expect(page.locator('.figure-messages')).toContainText('eps="banana" is not a number; using 0.2.');
  await heroResult(page, 0.2);

  await page.goto('/embed/fgsm-hero/?eps=9&digit=-4');
  await expect(page.locator('.figure-messages')).toContainText('outside 0 to 0.5; using 0.5');
  await expect(page.locator('.figure-messages')).toContainText('digit="-4" is outside 0 to 9999; using 0');
  await heroResult(page, 0.5);

  await page.goto('/embed/fgsm-hero/?model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&backend=tpu');
  await expect(page.locator('.figure-messages')).toContainText('model="<img src=x onerror=alert(1)>" is not one of softmax');
  await expect(page.locator('.figure-messages')).toContainText('backend="tpu"');
  expect(await page.locator('.figure-messages img').count()).toBe(0);
});

test('?controls=0 hides the controls', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?controls=0');
  await heroResult(page);
  await expect(page.getByTestId('eps')).toHaveCount(0);
});

test('the wasm and cpu backends agree with webgl', async ({ page }) => {
  test.setTimeout(240_000);
  const results: Record<string, Awaited<ReturnType<typeof heroResult>>> = {};
  // webgl by name (the site's own choice is wasm where WebGL renders in software)
  for (const backend of ['webgl', 'wasm', 'cpu']) {
    for (const digit of [0, 8]) {
      await page.goto(`/embed/fgsm-hero/?eps=0.1&digit=${digit}&backend=${backend}`);
      const r = await heroResult(page, 0.1);
      if (backend !== 'webgl') expect(r.backend).toBe(backend);
      await expect(page.locator('.fgsm-hero .backend')).toHaveText(r.backend);
      results[`${backend}:${digit}`] = r;
    }
  }
  for (const backend of ['wasm', 'cpu']) {
    for (const digit of [0, 8]) {
      const a = results[`webgl:${digit}`];
      const b = results[`${backend}:${digit}`];
      expect(argmax(b.clean)).toBe(argmax(a.clean));
      expect(argmax(b.adversarial)).toBe(argmax(a.adversarial));
      for (let k = 0; k < 10; k++) {
        expect(Math.abs(b.clean[k] - a.clean[k])).toBeLessThan(1e-3);
        expect(Math.abs(b.adversarial[k] - a.adversarial[k])).toBeLessThan(1e-3);
      }
    }
  }
  console.log(`asked for webgl, this browser ran: ${results['webgl:0'].backend}`);
});

import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { liveFigures } from '../../src/figures/index.ts';
import { ORIGIN, watch } from './helpers.ts';

test('every live figure has a committed thumbnail for the gallery and the no-JavaScript page', () => {
  for (const f of liveFigures) expect(existsSync(`public/thumbnails/${f.name}.png`), `public/thumbnails/${f.name}.png (run npm run figures)`).toBe(true);
});

test('the gallery lists every figure with its picture, embed code and links', async ({ page }) => {
  const w = watch(page, ORIGIN);
  await page.goto('/figures/');
  for (const f of liveFigures) {
    const card = page.locator(`[data-card="${f.name}"]`);
    await expect(card).toBeVisible();
    // the pictures load lazily, as the reader scrolls to them
    await card.scrollIntoViewIfNeeded();
    await expect(card.locator('img')).toHaveJSProperty('complete', true);
    expect(await card.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(100);
    // the whole picture is shown, scaled, never cropped (a crop cut the figures' titles): the drawn picture's width
    // and height, at the picture's own aspect, fit inside its frame
    const drawn = await card.locator('img').evaluate((i: HTMLImageElement) => {
      const box = i.getBoundingClientRect();
      const scale = Math.min(box.width / i.naturalWidth, box.height / i.naturalHeight);
      return { fit: getComputedStyle(i).objectFit, width: i.naturalWidth * scale, height: i.naturalHeight * scale, box: { width: box.width, height: box.height } };
    });
    expect(drawn.fit, f.name).toBe('contain');
    expect(drawn.width, f.name).toBeLessThanOrEqual(drawn.box.width + 0.5);
    expect(drawn.height, f.name).toBeLessThanOrEqual(drawn.box.height + 0.5);
    await expect(card.locator('input')).toHaveValue(new RegExp(`<iframe src=".*embed/${f.name}/"`));
    await expect(card.getByRole('link', { name: 'Open alone' })).toHaveAttribute('href', `/embed/${f.name}/`);
  }
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the slide deck: ?figures= picks and orders, keys and clickers move, each slide is the live figure', async ({ page }) => {
  await page.goto('/slides/?figures=reproduce-table,fgsm-hero,nonsense');
  await expect(page.locator('.deck-message')).toContainText('No figure named "nonsense"');
  const slides = page.locator('.slide');
  await expect(slides).toHaveCount(2);
  await expect(page.locator('.counter')).toHaveText('1 / 2');
  await expect(slides.nth(0).locator('iframe')).toHaveAttribute('src', '/embed/reproduce-table/');
  await page.keyboard.press('PageDown');
  await expect(page.locator('.counter')).toHaveText('2 / 2');
  await expect(slides.nth(1)).toBeVisible();
  const frame = page.frameLocator('.slide:not([hidden]) iframe');
  await expect(frame.locator('.fgsm-hero[data-result]')).toHaveCount(1, { timeout: 90_000 });
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.counter')).toHaveText('1 / 2');
  await page.goto('/slides/');
  await expect(page.locator('.slide')).toHaveCount(liveFigures.length);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the article still reads: prose, math, and a picture of each live figure with its caption', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('#introduction h2')).toBeVisible();
    await expect(page.locator('.katex').first()).toBeVisible();
    // with scripting off, the noscript content is part of the page
    for (const f of liveFigures) await expect(page.locator(`#figure-${f.name} .static-figure img`)).toHaveCount(1);
    const loaded = await page.locator('.static-figure img').evaluateAll((imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map(
          (i) => new Promise<number>((r) => (i.complete ? r(i.naturalWidth) : ((i.loading = 'eager'), i.addEventListener('load', () => r(i.naturalWidth))))),
        ),
      ),
    );
    for (const w of loaded) expect(w).toBeGreaterThan(100);
  });
});

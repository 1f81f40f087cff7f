import { expect, test } from '@playwright/test';
import { heroResult, SUB_ORIGIN, watch } from './helpers.ts';

const SUB = `${SUB_ORIGIN}/harnessing/`;

test('the site built under a sub-path works: article, assets, models, data, wasm', async ({ page }) => {
  const w = watch(page, SUB_ORIGIN);
  const notFound: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) notFound.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(SUB);
  await expect(page.locator('h1')).toContainText('Explaining and Harnessing');
  await heroResult(page);
  await page.goto(`${SUB}embed/fgsm-hero/?eps=0.25&backend=wasm`);
  const r = await heroResult(page, 0.25);
  expect(r.backend).toBe('wasm');
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
  });
  expect(fonts.length).toBeGreaterThan(0);
  expect(notFound).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
  // every link the site makes stays under the base path
  await page.goto(SUB);
  const hrefs = await page.locator('link[href], script[src], img[src], a[href^="/"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''),
  );
  for (const h of hrefs.filter((h) => h.startsWith('/'))) expect(h.startsWith('/harnessing/'), h).toBe(true);
});

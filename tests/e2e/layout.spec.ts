import { expect, test } from '@playwright/test';
import { heroResult } from './helpers.ts';

test('a 375 px phone: nothing overflows the screen, figures included', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ['/', '/embed/fgsm-hero/', '/reproduce/']) {
    await page.goto(path);
    if (path !== '/reproduce/') await heroResult(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('figure, .figure-place, canvas, svg, table')]
        .filter((e) => !e.closest('.scroll'))
        .map((e) => ({ tag: e.tagName, right: e.getBoundingClientRect().right }))
        .filter((e) => e.right > window.innerWidth + 0.5),
    );
    expect(wide, path).toEqual([]);
  }
});

test('light and dark themes: system preference, a toggle that sticks, no flash', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(await bg()).toBe('rgb(22, 23, 27)');
  await page.getByRole('button', { name: /theme/i }).click();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  expect(await bg()).toBe('rgb(253, 253, 251)');
  // the choice is applied before the first paint of the next page: the attribute is there at DOMContentLoaded
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      (window as unknown as { themeAtLoad?: string }).themeAtLoad = document.documentElement.dataset.theme;
    });
  });
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { themeAtLoad?: string }).themeAtLoad)).toBe('light');
  // an embed page takes ?theme=
  await page.goto('/embed/fgsm-hero/?theme=dark');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await expect(page.locator('.figure-messages')).toHaveCount(0);
});

test('the print stylesheet drops the navigation and the controls', async ({ page }) => {
  await page.goto('/');
  await heroResult(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.toc')).toBeHidden();
  await expect(page.locator('.figure-controls').first()).toBeHidden();
  await expect(page.locator('#introduction h2')).toBeVisible();
});

test('on a phone each scrolly figure stays on screen while its steps pass over it', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  const scrollies = page.locator('.scrolly');
  const n = await scrollies.count();
  expect(n).toBeGreaterThan(3);
  for (let i = 0; i < n; i++) {
    const last = scrollies.nth(i).locator('.step').last();
    await last.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const box = await scrollies.nth(i).locator('.scrolly-figure').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: r.height };
    });
    const name = await scrollies.nth(i).getAttribute('data-scrolly');
    // in view, and no taller than the screen it sticks to
    expect(box.top, name!).toBeLessThan(740);
    expect(box.bottom, name!).toBeGreaterThan(0);
    expect(box.height, name!).toBeLessThanOrEqual(740);
  }
});

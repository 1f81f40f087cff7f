import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { heroResult } from './helpers.ts';

function pngSize(path: string) {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('a figure exports its current state as PNG at 1×, 2× and 4×, and as SVG with its caption and source', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?eps=0.3');
  await heroResult(page, 0.3);
  const figure = page.locator('figure.figure').first();
  const box = (await figure.boundingBox())!;
  await page.getByRole('button', { name: 'Export' }).click();
  for (const scale of [1, 2, 4]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `PNG ${scale}×` }).click()]);
    expect(download.suggestedFilename()).toBe(`fgsm-hero@${scale}x.png`);
    const size = pngSize(await download.path());
    expect(Math.abs(size.width - box.width * scale)).toBeLessThanOrEqual(2 * scale);
  }
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('Move ε');
  expect(svg).toContain('Goodfellow, Shlens &#38; Szegedy');
  // the hero is drawn on canvases: its SVG holds a raster image and says so
  expect(svg).toContain('<image');
  expect(svg).toContain('raster image');
  await expect(page.getByRole('status').filter({ hasText: 'Saved fgsm-hero.svg' })).toBeVisible();
});

/**
 * The gallery offers the site's models as TensorFlow.js files: each row's two links (NAME.model.json, written by
 * the build beside NAME.bin) download, and what they download loads in Node with tf.loadLayersModel and classifies
 * test digits as the model should. On a phone the section fits the screen.
 */
import { expect, test } from '@playwright/test';
import { saveDownloads, scoreExportedModel } from './helpers.ts';

test('the gallery’s models download as TensorFlow.js files that load and classify digits', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/figures/#models');
  const rows = page.locator('#models tbody tr');
  const names = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-model')));
  expect(names).toEqual(expect.arrayContaining(['softmax', 'maxout', 'maxout-adv', 'logistic-3v7']));
  expect(names).not.toContain('rbf');
  // every link answers, and each model.json names the weight file linked beside it
  for (const name of names) {
    const links = page.locator(`#models tr[data-model="${name}"] a`);
    await expect(links).toHaveCount(2);
    const [json, bin] = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const j = await page.request.get(json);
    expect(j.ok()).toBe(true);
    const body = await j.json();
    expect(body.format).toBe('layers-model');
    expect(new URL(body.weightsManifest[0].paths[0], json).href).toBe(bin);
    expect((await page.request.head(bin)).ok()).toBe(true);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  // the adversarially trained maxout net, downloaded through its two links, in Node
  const saved = await saveDownloads(page, await page.locator('#models tr[data-model="maxout-adv"] a').all(), 'shipped-');
  expect(saved.map((p) => p.split('/').pop())).toEqual(['maxout-adv.model.json', 'maxout-adv.bin']);
  const node = scoreExportedModel<{ outputs: number; error: number }>(saved[0], 'first-1000');
  expect(node.outputs).toBe(10);
  // maxout-adv errs on 2.23 % of all 10,000 test digits (models/manifest.json); on the first 1,000, a few percent at most
  expect(node.error).toBeLessThan(5);
});

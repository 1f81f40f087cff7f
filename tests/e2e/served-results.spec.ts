import { existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { holdWorker, hydrated, sweepTags, watch, ORIGIN } from './helpers.ts';
import { liveFigures } from '../../src/figures/index.ts';

/**
 * Results before computation, and without JavaScript: a figure with results computed ahead (`src/figures/<name>/
 * ahead.json`) is served with them drawn. The page as the server wrote it, its islands' scripts refused, must show
 * the same numbers, curves and words as the hydrated figure before its worker answers; and hydration must leave them
 * as they were (the runner reads the file as the page renders, on the server and while hydrating alike).
 */

const AHEAD = liveFigures.map((f) => f.name).filter((name) => existsSync(`src/figures/${name}/ahead.json`));

/**
 * What a reader sees of a figure's result: its words, its table cells, its digits' canvases, and its charts: each
 * drawn, or (in a figure that lays its charts out for the width it measures once it runs) keeping its room.
 */
async function shown(page: Page) {
  return page.locator('main').evaluate((main) => {
    const frame = main.querySelector('figure.figure');
    const text = (sel: string) => [...(frame?.querySelectorAll(sel) ?? [])].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());
    return {
      source: main.querySelector('[data-source]')?.getAttribute('data-source') ?? null,
      live: text('.live').join(' | '),
      cells: text('td, th'),
      canvases: (frame?.querySelectorAll('canvas') ?? []).length,
      charts: (frame?.querySelectorAll('svg.chart, .chart-room') ?? []).length,
      // a chart's room left empty (no figure served with a result computed ahead leaves one the hydrated figure fills)
      emptyCharts: (frame?.querySelectorAll('div.chart-room') ?? []).length,
    };
  });
}

test.use({ viewport: { width: 375, height: 812 } });

for (const name of AHEAD) {
  test(`/embed/${name}/ is served with its results computed ahead, and hydrates to the same`, { tag: sweepTags(name) }, async ({ browser }) => {
    const cold = await browser.newContext({ viewport: { width: 375, height: 812 }, serviceWorkers: 'block', javaScriptEnabled: false });
    const served = await cold.newPage();
    await served.goto(`/embed/${name}/`, { waitUntil: 'load' });
    await expect(served.locator('astro-island[ssr]').first()).toBeAttached();
    const before = await shown(served);
    await cold.close();

    expect(before.source, 'the figure says its result was computed ahead').toBe('ahead');
    expect(before.live).toContain('Computed ahead in Node with the same code');
    expect(before.live).not.toMatch(/Not computed yet|Computing|–\s*%/);

    const warm = await browser.newContext({ viewport: { width: 375, height: 812 }, serviceWorkers: 'block' });
    const page = await warm.newPage();
    const w = watch(page, ORIGIN);
    const worker = await holdWorker(page);
    await page.goto(`/embed/${name}/`);
    await hydrated(page);
    await worker.requested();
    // the figure has set itself up (its numbers are written once it runs in the browser)
    await expect(page.locator('main [data-result]').first()).toBeAttached();
    const after = await shown(page);
    expect(after, 'hydrated, before the worker answers: what the page was served with').toEqual(before);
    expect(w.errors).toEqual([]);
    await worker.release();
    await warm.close();
  });
}

test('the article is served with every figure computed ahead showing its result', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/', { waitUntil: 'load' });
  const sources = await page.locator('[data-source]').evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));
  expect(sources.filter((s) => s === 'ahead').length).toBeGreaterThanOrEqual(AHEAD.length);
  await expect(page.getByText('Not computed yet')).toHaveCount(0);
  // the numbers a test or the bench reads are written by the figures once they run, not served twice
  await expect(page.locator('[data-result]')).toHaveCount(0);
  await context.close();
});

/**
 * Nothing moves while an embed page loads and computes on a phone (Lighthouse's phone, 412×823): the layout shift the
 * page records (every shift not caused by input, summed) stays within issue 12's goal of 0.05, from the page as served
 * to the figure computed. The figure's own shifts are measured: the page is opened once before, so that its fonts are
 * in the browser's cache (on a cold load a font that arrives after the first paint lays text out again, a shift of the
 * site's fonts that Lighthouse's cold runs in `npm run bench` count). The three embed pages `npm run bench` scores with Lighthouse; shifts come from a figure laid
 * out for another width until it measures its own, a progress bar that comes and goes, and read-outs that appear with
 * the result (each figure keeps their room).
 */
import { expect, test } from '@playwright/test';

const GOAL = 0.05;

for (const name of ['fgsm-sweep', 'adversarial-slice', 'logit-surface']) {
  test(`/embed/${name}/ on a 412 px phone, its fonts cached: layout shift from first paint to the computed figure within ${GOAL}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    // a first visit: the fonts in the cache
    await page.goto(`/embed/${name}/?backend=wasm`);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await page.addInitScript(() => {
      const shifts: { value: number; t: number; sources: string[] }[] = [];
      (window as unknown as { __shifts: typeof shifts }).__shifts = shifts;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; startTime: number; hadRecentInput: boolean; sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] }[]) {
          if (e.hadRecentInput) continue;
          shifts.push({
            value: e.value,
            t: Math.round(e.startTime),
            sources: e.sources.map((s) => `${(s.node as Element | undefined)?.className?.toString() || s.node?.nodeName || '?'} ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)} (h ${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)})`),
          });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`/embed/${name}/?backend=wasm`);
    const fig = page.locator('figure.figure').first();
    await expect(fig.locator('.backend')).toHaveText('wasm', { timeout: 60_000 });
    await expect(fig).toHaveAttribute('aria-busy', 'false', { timeout: 120_000 });
    // two frames after the last change
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const shifts = await page.evaluate(() => (window as unknown as { __shifts: { value: number; t: number; sources: string[] }[] }).__shifts);
    const total = shifts.reduce((a, s) => a + s.value, 0);
    console.log(`${name} at 412 px: layout shift ${total.toFixed(3)}${shifts.length ? `: ${shifts.map((s) => `${s.value.toFixed(3)} at ${s.t} ms (${s.sources.slice(0, 3).join('; ')})`).join(' | ')}` : ''}`);
    expect(total, JSON.stringify(shifts, null, 1)).toBeLessThanOrEqual(GOAL);
    await context.close();
  });
}

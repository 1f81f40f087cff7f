import { expect, test, type Page } from '@playwright/test';
import { liveFigures } from '../../src/figures/index.ts';

/**
 * No figure leaks tensors: on each §1–§4 embed page, the compute worker holds as many tensors after
 * 200 slider moves as after 10 (its models and caches are loaded by then; the work itself frees all it makes).
 */
async function settledTensors(page: Page): Promise<number> {
  let last = -1;
  for (let i = 0; i < 90; i++) {
    await page.waitForTimeout(700);
    const n = await page.evaluate(async () => {
      const c = (window as unknown as { __harnessingCompute: { compute: (r: unknown) => Promise<{ numTensors: number }> } }).__harnessingCompute;
      return (await c.compute({ type: 'memory' })).numTensors;
    });
    // settled: the figure is not busy and the count held still
    const busy = await page.locator('figure.figure[aria-busy="true"]').count();
    if (n === last && busy === 0) return n;
    last = n;
  }
  throw new Error('the worker never settled');
}

// The chapter §1–§4 figures, whose sliders recompute on every move (the later figures check their own counts)
const FIGURES = ['fgsm-hero', 'lbfgs-vs-fgsm', 'transfer-glance', 'linear-growth', 'fgsm-sweep', 'rotation'];

for (const f of liveFigures.filter((x) => FIGURES.includes(x.name))) {
  test(`${f.name}: the worker's tensor count after 200 slider moves equals the count after 10`, { tag: '@stress' }, async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto(`/embed/${f.name}/?debug=1&backend=wasm`);
    await page.waitForFunction(() => '__harnessingCompute' in window);
    const sliders = page.locator('figure.figure input[type="range"]:not([disabled])');
    await expect(page.locator('figure.figure').first()).toBeVisible();
    const count = await sliders.count();
    test.skip(count === 0, 'this figure has no slider');
    const slider = sliders.first();
    let moves = 0;
    const move = async (n: number) => {
      for (let i = 0; i < n; i++, moves++) {
        await slider.focus();
        // three steps up, three down: the state stays in range and most moves ask for new work
        await slider.press(moves % 6 < 3 ? 'ArrowRight' : 'ArrowLeft');
      }
    };
    await move(10);
    const after10 = await settledTensors(page);
    await move(190);
    const after200 = await settledTensors(page);
    expect(after200).toBe(after10);
  });
}

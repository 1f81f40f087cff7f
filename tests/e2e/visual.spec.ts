/**
 * Visual regression: every figure's embed page in its default state and at each of its scroll steps (?step=N), at
 * 1280 and 375 px wide, in the light and the dark theme, photographed (the figure element only, at scale 1) once it
 * has computed on wasm, and compared with the references committed in tests/visual/ (Playwright's toHaveScreenshot,
 * with a small tolerance for anti-aliasing). A moved or clipped panel, a wrapped title, a wrong colour fails.
 *
 *   npm run test:visual                          the whole matrix (tests tagged @visual)
 *   npm run test:visual -- --update              writes again the references that differ; review them in the diff
 *   npm run test:visual -- -g "visual rotation"  one figure (titles: "visual rotation step-2 dark")
 *
 * npm test runs the quick core (@visual-core): the figures that compute in seconds, in their default state, light,
 * at both widths. The rest (@visual-full) runs only in test:visual. The references were made on this project's
 * machine (Debian's Chromium, the site's self-hosted fonts): another Chromium places text a pixel apart, which the
 * tolerance is not meant to absorb; make them there with --update.
 *
 * Deterministic by construction: the backend is wasm (no GPU in the pixels), animations and transitions are off
 * (reduced motion, and Playwright's `animations: 'disabled'`), the caret is hidden, fonts have loaded (Playwright
 * waits for them), and each test waits for its figure's own sign of a finished result before the first photograph;
 * toHaveScreenshot then waits for two identical photographs in a row. What legitimately changes from run to run is
 * masked (a magenta box in the references): the time each computation took, which every figure prints, and the
 * backend note.
 */
import { expect, test, type Page } from '@playwright/test';
import { liveFigures } from '../../src/figures/index.ts';
import { figureStage, readFigure } from '../../scripts/lib/figure-ready.ts';
import { hydrated, SMALLER_RUN } from './helpers.ts';

/** The widths photographed, the first loaded (the page is narrowed to the second). */
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 375, height: 812 },
] as const;
const THEMES = ['light', 'dark'] as const;

/**
 * The figures that take a minute or more to compute here even in their photographed state (PGD ladders and PGD-40
 * on three networks): left out of the quick core that npm test runs, so that it stays short.
 */
const SLOW = new Set(['attack-ladder', 'adversarial-training-results']);

/**
 * Parameters added to a figure's embed URL for its photographs (beyond backend, theme and step): a smaller run of
 * the figures that sweep, train or attack for long here, drawn in the same layout (the same axes, panels and
 * controls; the numbers are those of the smaller run, and the figure's own test-digits control says which).
 * The sweeps (fgsm-sweep, rotation, transfer-glance), the ensembles and the §6 results on the first 100 test digits
 * instead of 1,000 (or 500); the non-robust-features student 2 epochs on 200 digits instead of 10 on 1,000. The
 * live-training figures are photographed with the finished runs they show until Train (computed ahead, as they are).
 */
const EXTRA = SMALLER_RUN;

/** Waits until the figure has its finished result on screen (the same wait as `npm run figures`). */
async function settled(page: Page, name: string) {
  const root = page.locator(`figure.figure[data-figure="${name}"]`).first();
  await root.scrollIntoViewIfNeeded();
  await hydrated(page);
  await expect.poll(async () => figureStage(name, await readFigure(page, name)), { timeout: 280_000, intervals: [250, 500, 1000] }).toBe('finished');
  return root;
}

/** What changes from run to run: the time each computation took ("in 1.3 s", "172 ms"), the backend note. */
function variable(page: Page) {
  return [
    page.getByText(/\b\d+(\.\d+)? (s|ms|min)\b/),
    page.locator('[data-backend-note]'),
    // L-BFGS against FGSM charts the milliseconds each took (bars on a log scale, the third child of its cost
    // panel) and says how many times longer L-BFGS took
    page.locator('[data-figure="lbfgs-vs-fgsm"] [data-testid="cost"] > :nth-child(3)'),
    page.locator('[data-figure="lbfgs-vs-fgsm"] [data-testid="cost"] .readout'),
  ];
}

/** The photograph's options: the figure element alone, at scale 1, with what varies masked. */
function shot(page: Page) {
  return {
    animations: 'disabled' as const,
    caret: 'hide' as const,
    scale: 'css' as const,
    mask: variable(page),
    // anti-aliasing differs by a few pixels between runs of the same Chromium; a moved panel, a clipped label or a
    // wrong colour changes thousands
    maxDiffPixelRatio: 0.002,
    threshold: 0.2,
    timeout: 60_000,
  };
}

for (const f of liveFigures) {
  const states = [null, ...Array.from({ length: f.steps ?? 0 }, (_, i) => i + 1)];
  for (const step of states) {
    for (const theme of THEMES) {
      const state = step === null ? 'default' : `step-${step}`;
      const core = step === null && theme === 'light' && !SLOW.has(f.name);
      const tag = core ? ['@visual', '@visual-core'] : ['@visual', '@visual-full'];
      // one page a figure, state and theme, computed once: photographed at 1280 px, then narrowed to 375 px (the
      // figures lay out to their width as it changes) and photographed again
      test(`visual ${f.name} ${state} ${theme}`, { tag }, async ({ page }) => {
        test.setTimeout(360_000);
        await page.setViewportSize(WIDTHS[0]);
        await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
        const query = ['backend=wasm', `theme=${theme}`, ...(step === null ? [] : [`step=${step}`]), ...(EXTRA[f.name] ? [EXTRA[f.name]] : [])];
        await page.goto(`/embed/${f.name}/?${query.join('&')}`);
        for (const size of WIDTHS) {
          if (size !== WIDTHS[0]) await page.setViewportSize(size);
          const root = await settled(page, f.name);
          await expect(root).toHaveScreenshot(`${f.name}-${state}-${size.width}-${theme}.png`, shot(page));
        }
      });
    }
  }
}

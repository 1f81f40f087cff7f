/**
 * `npm run figures`: renders every figure in every named state (its default
 * and each scroll step) through the browser, as PNG and SVG, into figures-out/,
 * for people who build slides offline; and refreshes the gallery's thumbnails
 * (public/thumbnails/NAME.png, committed, so that `npm start` needs no browser).
 *   --no-build      use the existing build
 *   --dist DIR      the build's folder (default dist/)
 *   --port N        the port it is served on (default 4471)
 *   --only NAME     one figure
 *   --out DIR       another output folder
 *   --thumbnails    only each figure's default state (the gallery's pictures)
 * Runs without a GPU (the software WebGL of headless Chromium, or wasm).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { ensureChromium } from './find-chromium.mjs';
import { liveFigures } from '../src/figures/index.ts';
import { figureStage, readFigure } from './lib/figure-ready.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = resolve(option('--out') ?? 'figures-out');
const only = option('--only');
const port = Number(option('--port') ?? 4471);
const dist = option('--dist') ?? 'dist';

if (!args.includes('--no-build')) {
  console.log('building the site…');
  const r = spawnSync('npx', ['astro', 'build'], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', BASE_PATH: '/', OUT_DIR: dist } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = spawn(process.execPath, ['scripts/serve.mjs', '--dir', dist, '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: ensureChromium(),
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
mkdirSync(out, { recursive: true });
mkdirSync('public/thumbnails', { recursive: true });
const figures = liveFigures.filter((f) => !only || f.name === only);
const thumbnailsOnly = args.includes('--thumbnails');
const jobs = figures.flatMap((f) =>
  [null, ...(thumbnailsOnly ? [] : Array.from({ length: f.steps ?? 0 }, (_, i) => i + 1))].map((step) => ({ f, step })),
);
let done = 0;
/** What a figure that computes on request is given so that it computes at once (its wait stays the old one). */
const runs = new Map([
  ['reproduce-table', '&run=1&beyond=100'],
  ['adversarial-vs-weight-decay', '&run=1'],
]);
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 800 }, acceptDownloads: true });
  for (const { f, step } of jobs) {
    const label = step === null ? f.name : `${f.name}-step-${step}`;
    process.stdout.write(`[${++done}/${jobs.length}] ${label} `);
    // run=1: a figure that computes on request (the results table) computes at once; the table's PGD rows on 100 digits
    // (the live-training figures show their finished runs, computed ahead, without training)
    // wasm: the fastest backend of a machine without a GPU (software WebGL is slower)
    await page.goto(`http://127.0.0.1:${port}/embed/${f.name}/?controls=0&backend=wasm${runs.get(f.name) ?? ''}${step === null ? '' : `&step=${step}`}`);
    const root = page.locator('figure.figure').first();
    await root.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-result], [data-rows]') !== null, null, { timeout: 600_000 });
    if (!runs.has(f.name)) {
      // the figure's finished result, not its first data-result (several write one before they compute; the same
      // wait as the visual regression suite's)
      const until = Date.now() + 600_000;
      while (figureStage(f.name, await readFigure(page, f.name)) !== 'finished') {
        if (Date.now() > until) throw new Error(`${label}: no finished result after 10 min`);
        await page.waitForTimeout(250);
      }
    }
    await page.waitForFunction(() => document.querySelector('figure.figure')?.getAttribute('aria-busy') !== 'true', null, { timeout: 600_000 });
    await page.waitForTimeout(300);
    const png = join(out, `${label}.png`);
    await root.screenshot({ path: png });
    if (step === null) copyFileSync(png, join('public/thumbnails', `${f.name}.png`));
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
    await download.saveAs(join(out, `${label}.svg`));
    console.log('✓');
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`wrote ${jobs.length} PNG and ${jobs.length} SVG files to ${out}; thumbnails in public/thumbnails/`);

import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, holdWorker, recordBoxEveryFrame, watch } from './helpers.ts';
import { planeFit, trueClassSurface } from '../../src/lib/analysis/slice-summary.ts';
import { decodePlane, type AheadPlane } from '../../src/figures/adversarial-slice/ahead.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface SurfaceResult {
  model: string;
  digit: number;
  label: number;
  range: number;
  seed: number;
  clip: boolean;
  surface: 'logit' | 'margin';
  fit: { c0: number; ca: number; cb: number; r2: number };
  origin: number;
  fgsm: { a: number; value: number };
  wrongAlongFgsm: number;
  corners: number[];
  view: string;
  numTensors: number;
  /** Where the plane shown was computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  backend: string;
}
interface CameraAttr {
  azimuth: number;
  elevation: number;
  distance: number;
}

/** The surface computed here (by default; `ahead`: the one computed ahead is enough). */
async function surfaceResult(page: Page, want: (r: SurfaceResult) => boolean = () => true, ahead = false): Promise<SurfaceResult> {
  const root = page.locator('.logit-surface').first();
  let last: SurfaceResult | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        const r = JSON.parse(raw) as SurfaceResult;
        if (!r.fit) return false;
        if (!ahead && r.source === 'ahead') return false;
        last = r;
        return want(r);
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return last!;
}
const cameraOf = async (page: Page) => JSON.parse((await page.locator('.logit-surface [data-camera]').getAttribute('data-camera'))!) as CameraAttr;

function nodeSurface(model: string, digit: number, range: number, seed: number, clip: boolean, kind: 'logit' | 'margin') {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/slice.ts', model, String(digit), String(range), '61', String(seed), clip ? '1' : '0'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const g = JSON.parse(out) as { label: number; predicted: number[]; logits: number[]; axis: number[] };
  const grid = { size: 61, axis: Float32Array.from(g.axis), logits: Float32Array.from(g.logits), predicted: Int32Array.from(g.predicted), classes: 10, label: g.label };
  const values = trueClassSurface(grid, kind);
  return { values, fit: planeFit(grid, values), label: g.label };
}

test('the embed page draws the URL’s surface with Node’s numbers; the keyboard orbits and zooms the camera', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/embed/logit-surface/?backend=wasm&model=maxout&digit=2&surface=margin&range=0.7&seed=3');
  const r = await surfaceResult(page, (x) => x.digit === 2 && x.surface === 'margin' && x.view === 'ready');
  expect([r.model, r.range, r.seed, r.clip]).toEqual(['maxout', 0.7, 3, false]);
  await expect(page).toHaveURL(/surface=margin/);
  const node = nodeSurface('maxout', 2, 0.7, 3, false, 'margin');
  expect(r.label).toBe(node.label);
  const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b)));
  close(r.origin, node.values[30 * 61 + 30]);
  close(r.fit.r2, node.fit.r2);
  close(r.fit.ca, node.fit.ca);
  close(r.fit.cb, node.fit.cb);
  r.corners.forEach((c, i) => close(c, node.values[[0, 60, 60 * 61, 61 * 61 - 1][i]]));
  // the figure's claim: the surface is steeper along the gradient sign than along the random direction
  expect(Math.abs(r.fit.ca)).toBeGreaterThan(3 * Math.abs(r.fit.cb));

  // the canvas is focusable and labelled; arrow keys turn the camera, + and − zoom
  const canvas = page.getByTestId('surface-canvas');
  await expect(canvas).toHaveAttribute('aria-label', /arrow keys/);
  const before = await cameraOf(page);
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await cameraOf(page)).azimuth).toBe(before.azimuth + 10);
  expect((await cameraOf(page)).elevation).toBe(before.elevation + 5);
  await page.keyboard.press('+');
  await expect.poll(async () => (await cameraOf(page)).distance).toBeLessThan(before.distance);
  const pixels = async () => page.evaluate(() => (document.querySelector('[data-testid="surface-canvas"]') as HTMLCanvasElement).toDataURL());
  const drawnBefore = await pixels();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(pixels).not.toBe(drawnBefore);
  await page.keyboard.press('Home');
  await expect.poll(async () => (await cameraOf(page)).azimuth).toBe(before.azimuth);

  // the height switch recomputes nothing and draws the logit instead
  await page.getByTestId('surface-kind').selectOption('logit');
  const logit = await surfaceResult(page, (x) => x.surface === 'logit');
  close(logit.origin, nodeSurface('maxout', 2, 0.7, 3, false, 'logit').values[30 * 61 + 30]);
  // logit is the default height: the URL no longer names one
  await expect(page).not.toHaveURL(/surface=/);
  // a keyboard step of the range slider: another plane, no tensor left behind
  await page.getByTestId('surface-range').focus();
  await page.keyboard.press('ArrowRight');
  const wider = await surfaceResult(page, (x) => Math.abs(x.range - 0.75) < 1e-9);
  expect(wider.numTensors).toBe(r.numTensors);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

/**
 * The surface's canvas copied at 64×64, as RGB triples (the page's copy of whatever drew it, page or worker); over a
 * paper of the colour `paper` ('rgb(…)') where given, else over nothing.
 */
const thumbnail = (page: Page, paper?: string) =>
  page.evaluate((paper) => {
    const c = document.querySelector('[data-testid="surface-canvas"]') as HTMLCanvasElement;
    const copy = Object.assign(document.createElement('canvas'), { width: 64, height: 64 });
    const g = copy.getContext('2d')!;
    if (paper) {
      g.fillStyle = paper;
      g.fillRect(0, 0, 64, 64);
    }
    g.drawImage(c, 0, 0, 64, 64);
    const d = g.getImageData(0, 0, 64, 64).data;
    return Array.from({ length: d.length / 4 }, (_, i) => [d[4 * i], d[4 * i + 1], d[4 * i + 2]]);
  }, paper);
/** How many colours that copy holds (a blank canvas: one or two). */
const colours = async (page: Page) => new Set((await thumbnail(page)).map((p) => p.join())).size;

test('the 3-D view draws in a worker, on the canvas the page hands it; a browser that cannot hand it over draws on the page', async ({ page }) => {
  test.setTimeout(120_000);
  // three.js and every WebGL call in the worker: the page's own thread makes no WebGL context
  await page.addInitScript(() => {
    const contexts: string[] = [];
    (window as unknown as { __contexts: string[] }).__contexts = contexts;
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      if (/webgl/.test(type)) contexts.push(type);
      return (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof original;
  });
  await page.goto('/embed/logit-surface/?backend=wasm');
  await surfaceResult(page, (x) => x.view === 'ready');
  await expect.poll(() => colours(page)).toBeGreaterThan(20);
  expect(page.workers().map((w) => new URL(w.url()).pathname).some((p) => /surface\.worker/.test(p))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __contexts: string[] }).__contexts)).toEqual([]);
  // the page never loads three.js (the worker's bundle has it): no script the page fetched holds its renderer, but for
  // the workers' own (fetched by the page to start them, run in them)
  const workers = new Set(page.workers().map((w) => w.url()));
  const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /\.m?js(\?|$)/.test(u)));
  expect(scripts.length).toBeGreaterThan(2);
  expect(scripts.filter((u) => workers.has(u)).length).toBe(2);
  const threeOnPage: string[] = [];
  for (const url of scripts) if (!workers.has(url) && /WebGLRenderer/.test(await (await page.request.get(url)).text())) threeOnPage.push(url);
  expect(threeOnPage).toEqual([]);

  // the PNG export holds the surface the worker drew, where the canvas stands
  await page.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG 1×' }).click()]);
  const png = readFileSync(await download.path()).toString('base64');
  const exported = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const fig = document.querySelector('figure.figure')!.getBoundingClientRect();
    const c = document.querySelector('[data-testid="surface-canvas"]')!.getBoundingClientRect();
    const copy = Object.assign(document.createElement('canvas'), { width: 64, height: 64 });
    const g = copy.getContext('2d')!;
    g.drawImage(img, c.left - fig.left, c.top - fig.top, c.width, c.height, 0, 0, 64, 64);
    const d = g.getImageData(0, 0, 64, 64).data;
    return Array.from({ length: d.length / 4 }, (_, i) => [d[4 * i], d[4 * i + 1], d[4 * i + 2]]);
  }, png);
  expect(new Set(exported.map((p) => p.join())).size).toBeGreaterThan(20);
  // the canvas is transparent where nothing is drawn (its top left corner): the export has the figure's paper there, and
  // the canvas laid over that paper is the export, a few edge pixels apart
  const shown = await thumbnail(page, `rgb(${exported[0].join(',')})`);
  const apartInExport = shown.filter((p, i) => p.some((v, k) => Math.abs(v - exported[i][k]) > 32)).length;
  expect(apartInExport / shown.length).toBeLessThan(0.03);

  // without transferControlToOffscreen (a browser that cannot hand a canvas to a worker) the page draws it itself
  const other = await page.context().newPage();
  await other.addInitScript(() => {
    delete (HTMLCanvasElement.prototype as Partial<HTMLCanvasElement>).transferControlToOffscreen;
  });
  await other.goto('/embed/logit-surface/?backend=wasm');
  await surfaceResult(other, (x) => x.view === 'ready');
  await expect.poll(() => colours(other)).toBeGreaterThan(20);
  expect(other.workers().map((w) => w.url()).some((u) => /surface\.worker/.test(u))).toBe(false);
  // both drew the same picture: the same surface from the same camera, in the same size (a few edge pixels apart)
  const [a, b] = [await thumbnail(page), await thumbnail(other)];
  const apart = a.filter((p, i) => p.some((v, k) => Math.abs(v - b[i][k]) > 24)).length;
  expect(apart / a.length).toBeLessThan(0.02);
  // a lost context on the page's canvas is said so there too
  await other.evaluate(() => {
    const c = document.querySelector('[data-testid="surface-canvas"]') as HTMLCanvasElement;
    const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext;
    gl.getExtension('WEBGL_lose_context')!.loseContext();
  });
  await expect(other.getByTestId('surface-message')).toContainText('lost its graphics context');
  await other.close();
});

test('a lost WebGL context, and a browser without WebGL, are said so, never a blank box', async ({ page, playwright }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/logit-surface/?backend=wasm');
  await surfaceResult(page, (x) => x.view === 'ready');
  await expect.poll(() => colours(page)).toBeGreaterThan(20);
  // the GPU reset, in the worker that draws: said so; when the browser restores the context, the surface is drawn again
  const drawer = page.workers().find((w) => /surface\.worker/.test(w.url()));
  expect(drawer, 'the worker that draws the 3-D view').toBeTruthy();
  await drawer!.evaluate(() => dispatchEvent(new MessageEvent('message', { data: { type: 'loseContext', restoreAfterMs: 1500 } })));
  await expect(page.getByTestId('surface-message')).toContainText('lost its graphics context');
  await expect(page.getByTestId('surface-message')).toHaveCount(0, { timeout: 30_000 });
  await surfaceResult(page, (x) => x.view === 'ready');
  await expect.poll(() => colours(page)).toBeGreaterThan(20);

  // a browser with no WebGL at all (no GPU, and its software renderer off: neither the page nor a worker can make a
  // context), on a phone (Lighthouse's), its fonts cached by a first visit: the message takes the surface's place in
  // the room the surface keeps, and nothing below moves from the first paint to the computed numbers
  const noGpu = await playwright.chromium.launch({
    ...test.info().project.use.launchOptions,
    args: [...(test.info().project.use.launchOptions?.args ?? []), '--disable-gpu', '--disable-software-rasterizer'],
  });
  const phone = await noGpu.newContext({ baseURL: test.info().project.use.baseURL, viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
  const other = await phone.newPage();
  expect(await other.evaluate(() => !!document.createElement('canvas').getContext('webgl2') || !!new OffscreenCanvas(1, 1).getContext('webgl2'))).toBe(false);
  await other.goto('/embed/logit-surface/?backend=wasm');
  await other.evaluate(() => document.fonts.ready.then(() => undefined));
  await other.addInitScript(() => {
    const shifts: string[] = [];
    (window as unknown as { __shift: { total: number; shifts: string[] } }).__shift = { total: 0, shifts };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] }[]) {
        if (e.hadRecentInput) continue;
        (window as unknown as { __shift: { total: number } }).__shift.total += e.value;
        shifts.push(`${e.value.toFixed(4)}: ${e.sources.map((x) => `${(x.node as Element | undefined)?.className?.toString() || x.node?.nodeName} ${Math.round(x.previousRect.y)}→${Math.round(x.currentRect.y)}`).join('; ')}`);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await other.goto('/embed/logit-surface/?backend=wasm');
  const firstBox = await other.getByTestId('surface-canvas').boundingBox();
  expect(firstBox!.height).toBeGreaterThanOrEqual(240);
  await expect(other.getByTestId('surface-message')).toContainText('could not start WebGL');
  // the numbers are there all the same, those computed here in the end
  await expect(other.locator('.logit-surface .live')).toContainText('a plane explains', { timeout: 90_000 });
  await expect(other.locator('.logit-surface')).toHaveAttribute('data-source', 'browser', { timeout: 90_000 });
  await expect(other.locator('figure.figure').first()).toHaveAttribute('aria-busy', 'false');
  await other.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // the message stands inside the surface's room, and the room is as tall as it was at the first paint
  const [room, message] = [await other.getByTestId('surface-canvas').boundingBox(), await other.getByTestId('surface-message').boundingBox()];
  expect(room!.height).toBeCloseTo(firstBox!.height, 0);
  expect(message!.y + message!.height).toBeLessThanOrEqual(room!.y + room!.height);
  const shift = await other.evaluate(() => (window as unknown as { __shift: { total: number; shifts: string[] } }).__shift);
  expect(shift.total, shift.shifts.join('\n')).toBeLessThanOrEqual(0.05);
  await noGpu.close();
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/logit-surface/?backend=wasm&surface=height&range=0.1');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('surface="height" is not one of logit, margin; using logit.');
  await expect(messages).toContainText('range="0.1" is outside 0.3 to 3; using 0.3.');
  await surfaceResult(page, (x) => x.range === 0.3);

  await page.goto('/embed/logit-surface/?backend=wasm&step=5');
  await expect(messages).toContainText('step="5" is not a step of this figure (1 to 4)');

  await page.goto('/embed/logit-surface/?backend=wasm&step=1');
  const one = await surfaceResult(page, (x) => x.model === 'softmax');
  // softmax regression: the logit over the plane is a plane
  expect(one.fit.r2).toBeGreaterThan(0.99999);
  expect(one.surface).toBe('logit');
  expect(new URL(page.url()).searchParams.get('step')).toBe('1');
});

test('in the article the surface follows the scroll steps; the embed page fits a phone', async ({ page }) => {
  test.setTimeout(180_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="logit-surface"] .step[data-step="3"]')!.scrollIntoView({ block: 'center' }));
  const three = await surfaceResult(page, (x) => x.surface === 'margin' && x.model === 'maxout');
  expect(three.fgsm.value).toBeLessThan(0);
  expect(three.origin).toBeGreaterThan(0);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/embed/logit-surface/?backend=wasm');
  await surfaceResult(page, (x) => x.view === 'ready');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the surface is the one computed ahead in Node, drawn and said so; the live surface then replaces it without a shift', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { key: { model: string; digit: number; range: number; seed: number; clip: boolean }; result: AheadPlane }[];
  }
  const file = JSON.parse(readFileSync('src/figures/logit-surface/ahead.json', 'utf8')) as AheadFile;
  // the default state: maxout, test digit 0, ±0.5, random direction 1, not clipped; the height: the true class's logit
  const entry = file.entries.find((e) => e.key.model === 'maxout' && e.key.digit === 0 && e.key.range === 0.5 && e.key.seed === 1 && !e.key.clip)!.result;
  const plane = decodePlane(entry);
  const values = trueClassSurface(plane, 'logit');
  const fit = planeFit(plane, values);
  const corners = [0, 60, 60 * 61, 61 * 61 - 1].map((p) => values[p]);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];

  // the compute worker's script is held back until the surface computed ahead has been read and drawn
  const worker = await holdWorker(page);
  await page.goto('/embed/logit-surface/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.logit-surface');

  await test.step('the surface is drawn, and its numbers and colour key are those of the plane computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await surfaceResult(page, (x) => x.view === 'ready', true);
    expect(r.source).toBe('ahead');
    expect([r.model, r.digit, r.range, r.seed, r.clip, r.surface]).toEqual(['maxout', 0, 0.5, 1, false, 'logit']);
    expect(r.label).toBe(entry.trueLabel);
    expect(r.origin).toBeCloseTo(values[30 * 61 + 30], 5);
    r.corners.forEach((c, i) => expect(c).toBeCloseTo(corners[i], 5));
    for (const k of ['c0', 'ca', 'cb', 'r2'] as const) expect(r.fit[k]).toBeCloseTo(fit[k], 6);
    await expect(page.getByTestId('surface-key')).toContainText(`from ${lo.toFixed(1)} to ${hi.toFixed(1)}`);
    await expect(root.locator('.live')).toContainText('maxout, test digit 0');
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    // the drawing is not blank
    // (the worker's frame reaches the page's canvas a moment after the worker says it drew)
    await expect.poll(() => colours(page)).toBeGreaterThan(20);
  });

  const canvas = await recordBoxEveryFrame(page, '.logit-surface [data-testid="surface-canvas"]');
  const key = await recordBoxEveryFrame(page, '.logit-surface [data-testid="surface-key"]');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the surface computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => surfaceResult(page, (x) => x.view === 'ready'));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b)));
  expect(live.label).toBe(entry.trueLabel);
  close(live.origin, values[30 * 61 + 30]);
  close(live.fit.r2, fit.r2);
  close(live.fit.ca, fit.ca);
  close(live.fit.cb, fit.cb);
  live.corners.forEach((c, i) => close(c, corners[i]));
  // the surface and its key never moved, and the figure kept its height
  expect((await canvas()).boxes).toHaveLength(1);
  expect((await key()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

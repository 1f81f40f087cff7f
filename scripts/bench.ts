/**
 * `npm run bench`: the site's performance, measured in a real Chromium and written to
 * bench/results.json (this run first, earlier runs kept after it), bench/summary.md and
 * the README's performance section. Every ratio is taken inside one run.
 *
 *   page weight   JS and CSS bytes (raw, gzip) the article loads before its compute worker
 *                 starts; all bytes after a full scroll; TensorFlow.js fetched by the page's own thread
 *                 during that scroll and on every embed page (its resource timing, not the worker's);
 *                 Lighthouse (simulated mobile, median of 3): the article's performance, accessibility,
 *                 best practices and SEO, and three embed pages' performance
 *   first result  cold loads: first contentful paint, the first figure showing its precomputed result,
 *                 and the hero's live result replacing it
 *   throughput    FGSM on the maxout model over the test digits, batched as the site does it,
 *                 against one digit at a time, against the backend's own matMul peak, per backend
 *   smoothness    a scripted scroll through the article with every figure computing: long tasks
 *                 on the main thread and frames dropped, without and with 4× CPU throttling
 *   memory        the worker's tensors after 10 and after 1,000 scripted slider moves
 *   threads       the build served cross-origin isolated (COOP same-origin, COEP require-corp): FGSM on the maxout
 *                 model on wasm's unthreaded SIMD binary, and on its threaded SIMD binary with 1 and 2 threads
 *
 * Options: --no-build (use the built folder), --dir DIR (the built folder, dist by default), --serve FILE (the
 * static server, scripts/serve.mjs by default),
 * --label TEXT (what this run measured, kept in its record), --quick (fewer repeats and digits: a smoke run),
 * --only weight,lighthouse,first,throughput,smoothness,memory,threads (threads is left out unless named), --backends wasm,webgl,cpu,webgpu, --no-readme.
 * A section left out of a run is carried into the summary from the latest run that measured it, dated.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { ensureChromium } from './find-chromium.mjs';
import { recordResources, tensorflowChunks } from './lib/page-resources.ts';
import type { BenchResult, MemoryResult } from '../src/compute/messages.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = new Set((option('--only') ?? 'weight,lighthouse,first,throughput,smoothness,memory').split(','));
const distDir = option('--dir') ?? 'dist';
/** The static server (another checkout's, to measure an earlier version as it was served). */
const serveScript = option('--serve') ?? 'scripts/serve.mjs';
const backends = (option('--backends') ?? 'wasm,webgl,cpu,webgpu').split(',');
const port = Number(option('--port') ?? 4481);
const origin = `http://127.0.0.1:${port}`;
const CHROME_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (s: string) => process.stdout.write(`${s}\n`);

if (!args.includes('--no-build')) {
  log('building the site…');
  const r = spawnSync('npx', ['astro', 'build'], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', BASE_PATH: '/', OUT_DIR: 'dist' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(`${distDir}/index.html`)) {
  console.error(`${distDir}/ has no build: run without --no-build`);
  process.exit(1);
}

const server: ChildProcess = spawn(process.execPath, [serveScript, '--dir', distDir, '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const executablePath = ensureChromium();
// a fixed debugging port lets Lighthouse drive the same browser
const debugPort = port + 1;
const browser: Browser = await chromium.launch({ executablePath, args: [...CHROME_ARGS, `--remote-debugging-port=${debugPort}`] });
const browserVersion = browser.version();

async function newPage(width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, serviceWorkers: 'block' });
  return context.newPage();
}

/** Waits until no figure is busy and the worker's tensor count held still for three readings, 1.5 s apart. */
async function settledMemory(page: Page): Promise<MemoryResult> {
  let last: MemoryResult | null = null;
  let still = 0;
  for (let i = 0; i < 200; i++) {
    await page.waitForTimeout(1500);
    const m = await page.evaluate(() => (window as unknown as { __harnessingCompute: { compute: (r: unknown) => Promise<MemoryResult> } }).__harnessingCompute.compute({ type: 'memory' }));
    const busy = await page.locator('figure.figure[aria-busy="true"]').count();
    still = busy === 0 && last && last.numTensors === m.numTensors && last.numBytes === m.numBytes ? still + 1 : 0;
    last = m;
    if (still >= 2) return m;
  }
  return last!;
}

async function scrollThrough(page: Page, stepPx: number, pauseMs: number) {
  for (;;) {
    const done = await page.evaluate((dy) => {
      window.scrollBy(0, dy);
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    }, stepPx);
    await page.waitForTimeout(pauseMs);
    if (done) break;
  }
}

// ---------------------------------------------------------------- page weight
interface Weight {
  jsRaw: number;
  jsGzip: number;
  cssRaw: number;
  cssGzip: number;
  files: string[];
  tfjsBeforeWorker: boolean;
  totalAfterScroll: number;
  requestsAfterScroll: number;
  foreignRequests: string[];
  /** TensorFlow.js chunks the page's own thread fetched during the full scroll, and on any embed page. */
  tfjsOnPageDuringScroll: string[];
  tfjsOnEmbedPages: string[];
  embedPagesChecked: number;
}

async function tensorflowFetchedByPage(page: Page, tf: string[]): Promise<string[]> {
  const names = await page.evaluate(() => (window as unknown as { __resources: string[] }).__resources);
  return [...new Set(names.map((u) => new URL(u).pathname.split('/').pop()!).filter((f) => tf.includes(f) && !f.startsWith('worker')))];
}

async function weight(): Promise<Weight> {
  log('page weight…');
  const page = await newPage();
  const tf = tensorflowChunks(distDir);
  await recordResources(page);
  const seen: { url: string; type: string; body: Buffer | null; t: number }[] = [];
  let workerAt = Infinity;
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== origin) foreign.push(r.url());
    if (/worker/.test(u.pathname) && r.resourceType() === 'script') workerAt = Math.min(workerAt, Date.now());
    // a module worker's own script is typed "other" by some Chromium versions
    if (/worker[^/]*\.js$/.test(u.pathname)) workerAt = Math.min(workerAt, Date.now());
  });
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (r) => {
    const t = Date.now();
    pending.push(
      r.response().then(async (res) => {
        let body: Buffer | null = null;
        try {
          body = res ? await res.body() : null;
        } catch {
          body = null;
        }
        seen.push({ url: r.url(), type: r.resourceType(), body, t });
      }),
    );
  });
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await page.waitForTimeout(3000);
  await Promise.all(pending);
  const first = seen.filter((s) => s.t < workerAt && new URL(s.url).origin === origin);
  const js = first.filter((s) => s.type === 'script' || /\.m?js$/.test(new URL(s.url).pathname));
  const css = first.filter((s) => s.type === 'stylesheet' || /\.css$/.test(new URL(s.url).pathname));
  const size = (list: typeof seen, gz: boolean) => list.reduce((n, s) => n + (s.body ? (gz ? gzipSync(s.body).length : s.body.length) : 0), 0);
  const tfjsBeforeWorker = js.some((s) => s.body && /tfjs|tensorflow/i.test(s.body.toString('latin1').slice(0, 200000)) && /registerBackend|ENGINE/.test(s.body.toString('latin1')));
  await scrollThrough(page, 600, 250);
  await page.waitForTimeout(5000);
  await Promise.all(pending);
  const total = seen.reduce((n, s) => n + (s.body?.length ?? 0), 0);
  const tfjsOnPageDuringScroll = await tensorflowFetchedByPage(page, tf);
  await page.context().close();

  // every embed page, each in a fresh page, until its islands have hydrated and its figure has had time to ask the worker
  log('  TensorFlow.js on the embed pages…');
  const embeds = readdirSync(`${distDir}/embed`).filter((d) => existsSync(`${distDir}/embed/${d}/index.html`));
  const tfjsOnEmbedPages: string[] = [];
  for (const name of embeds) {
    const p = await newPage();
    await recordResources(p);
    await p.goto(`${origin}/embed/${name}/?backend=wasm`, { waitUntil: 'load' });
    await p.waitForFunction(() => document.querySelectorAll('astro-island[ssr]').length === 0, undefined, { timeout: 60_000 }).catch(() => {});
    await p.waitForTimeout(1500);
    for (const c of await tensorflowFetchedByPage(p, tf)) tfjsOnEmbedPages.push(`${name}: ${c}`);
    await p.context().close();
  }
  return {
    jsRaw: size(js, false),
    jsGzip: size(js, true),
    cssRaw: size(css, false),
    cssGzip: size(css, true),
    files: [...js, ...css].map((s) => new URL(s.url).pathname),
    tfjsBeforeWorker,
    totalAfterScroll: total,
    requestsAfterScroll: seen.length,
    foreignRequests: foreign,
    tfjsOnPageDuringScroll,
    tfjsOnEmbedPages,
    embedPagesChecked: embeds.length,
  };
}

// ---------------------------------------------------------------- lighthouse
const LH_METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive'];
interface LighthousePage {
  path: string;
  /** Per run: each category's score (0–100) and each metric (ms; layout shift unitless). */
  runs: { scores: Record<string, number>; metrics: Record<string, number> }[];
  /** The median over the runs, per category and per metric. */
  scores: Record<string, number>;
  metrics: Record<string, number>;
  /** The audits of the measured categories that did not pass in the first run (id: title, and what it measured). */
  failing?: Record<string, string>;
}
/** The embed pages the issue names, measured beside the article. */
const LH_EMBEDS = ['fgsm-sweep', 'adversarial-slice', 'logit-surface'];

async function lighthousePages(): Promise<LighthousePage[]> {
  const { default: lighthouse } = await import('lighthouse');
  const runs = quick ? 1 : 3;
  const out: LighthousePage[] = [];
  const pages: [string, string[]][] = [
    ['/', ['performance', 'accessibility', 'best-practices', 'seo']],
    ...LH_EMBEDS.map((n): [string, string[]] => [`/embed/${n}/`, ['performance']]),
  ];
  for (const [path, categories] of pages) {
    const entry: LighthousePage = { path, runs: [], scores: {}, metrics: {} };
    for (let i = 0; i < runs; i++) {
      log(`  lighthouse ${path} ${i + 1}/${runs}…`);
      const result = await lighthouse(`${origin}${path}`, { port: debugPort, output: 'json', logLevel: 'error', onlyCategories: categories });
      const scores: Record<string, number> = {};
      for (const [k, c] of Object.entries(result?.lhr.categories ?? {})) if (typeof c.score === 'number') scores[k] = Math.round(c.score * 100);
      const audits = result?.lhr.audits ?? {};
      const metrics: Record<string, number> = {};
      for (const id of LH_METRICS) {
        const v = audits[id]?.numericValue;
        if (typeof v === 'number') metrics[id] = Math.round(v * 1000) / 1000;
      }
      entry.runs.push({ scores, metrics });
      if (i === 0 && result) {
        const failing: Record<string, string> = {};
        for (const [k, c] of Object.entries(result.lhr.categories)) {
          for (const ref of c.auditRefs) {
            const a = result.lhr.audits[ref.id];
            if (!a || ref.group === 'metrics' || a.score === null || a.score >= 0.9 || a.scoreDisplayMode === 'informative' || a.scoreDisplayMode === 'notApplicable') continue;
            failing[`${k}/${ref.id}`] = `${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`;
          }
        }
        entry.failing = failing;
      }
    }
    for (const k of categories) entry.scores[k] = median(entry.runs.map((r) => r.scores[k]).filter((v) => v !== undefined));
    for (const id of LH_METRICS) entry.metrics[id] = median(entry.runs.map((r) => r.metrics[id]).filter((v) => v !== undefined));
    out.push(entry);
  }
  return out;
}

// ---------------------------------------------------------------- first result
interface FirstResult {
  /** Per cold load, ms from navigation: first contentful paint, the first figure's precomputed result painted, the hero's live result. */
  runs: { fcp: number; firstFigure: number | null; heroLive: number | null }[];
  fcp: number;
  firstFigure: number | null;
  heroLive: number | null;
}

async function firstResult(): Promise<FirstResult> {
  log('first result (cold loads)…');
  const runs: FirstResult['runs'] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    // a fresh context each time: nothing cached. A desktop window: on a phone the hero stands below the masthead and
    // the contents, more than two screens down, and computes only when the reader comes near it
    const page = await newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __t: { fcp?: number; figure?: number; live?: number } };
      w.__t = {};
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') w.__t.fcp = e.startTime;
      }).observe({ type: 'paint', buffered: true });
      // a figure's precomputed result is marked elementtiming="figure-result"; its paint time is the entry's renderTime
      new PerformanceObserver((l) => {
        for (const e of l.getEntries() as (PerformanceEntry & { identifier: string; renderTime: number; loadTime: number })[]) {
          if (e.identifier === 'figure-result') w.__t.figure = Math.min(w.__t.figure ?? Infinity, e.renderTime || e.loadTime);
        }
      }).observe({ type: 'element', buffered: true });
      const watch = () => {
        if (w.__t.live === undefined && document.querySelector('.fgsm-hero[data-result]')) w.__t.live = performance.now();
      };
      new MutationObserver(watch).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-result'] });
    });
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __t: { live?: number } }).__t.live !== undefined, undefined, { timeout: 60_000 }).catch(() => {});
    const t = await page.evaluate(() => (window as unknown as { __t: { fcp?: number; figure?: number; live?: number } }).__t);
    runs.push({ fcp: t.fcp ?? NaN, firstFigure: t.figure ?? null, heroLive: t.live ?? null });
    await page.context().close();
  }
  const med = (k: 'firstFigure' | 'heroLive') => (runs.every((r) => r[k] !== null) ? median(runs.map((r) => r[k]!)) : null);
  return { runs, fcp: median(runs.map((r) => r.fcp)), firstFigure: med('firstFigure'), heroLive: med('heroLive') };
}

// ---------------------------------------------------------------- throughput
interface Throughput extends Partial<BenchResult> {
  requested: string;
  error?: string;
}

async function throughput(): Promise<Throughput[]> {
  const out: Throughput[] = [];
  for (const b of backends) {
    log(`throughput on ${b}…`);
    const page = await newPage();
    try {
      // the results page starts no figure of its own until asked
      await page.goto(`${origin}/reproduce/?debug=1&backend=${b}`);
      await page.waitForFunction(() => '__harnessingCompute' in window);
      const init = await page.evaluate(() => (window as unknown as { __harnessingCompute: { startCompute: () => Promise<{ backend: string }> } }).__harnessingCompute.startCompute());
      if (init.backend !== b) {
        out.push({ requested: b, error: `did not start here (the worker fell back to ${init.backend})` });
        continue;
      }
      // cpu is the last resort and an order of magnitude slower: a smaller sample keeps the run short
      const sample = quick ? 1000 : b === 'cpu' ? 1000 : 10000;
      const request = { type: 'bench', model: 'maxout', sample, perDigit: quick ? 50 : b === 'cpu' ? 50 : 200, repeats: quick ? 1 : 3, peakSize: 1024 };
      const r = await page.evaluate(
        (req) => (window as unknown as { __harnessingCompute: { compute: (r: unknown) => Promise<BenchResult> } }).__harnessingCompute.compute(req),
        request,
      );
      out.push({ requested: b, ...r });
      log(`  ${r.batchedDigitsPerSecond.toFixed(0)} digits/s batched, ${r.speedup.toFixed(1)}× per-digit, ${(100 * r.fractionOfPeak).toFixed(0)} % of ${r.peakGflops.toFixed(1)} GFLOP/s`);
    } catch (e) {
      out.push({ requested: b, error: String(e).split('\n')[0] });
    } finally {
      await page.context().close();
    }
  }
  return out;
}

// ---------------------------------------------------------------- smoothness
interface Smoothness {
  /** The CPU slowdown Chromium applied (1: none). */
  cpuThrottle: number;
  backend: string;
  scrollSeconds: number;
  longestTaskMs: number;
  tasksOver50ms: number;
  longTasks: number[];
  frames: number;
  framesDropped: number;
  figuresComputed: number;
}

async function smoothness(cpuThrottle = 1): Promise<Smoothness> {
  log(`smoothness${cpuThrottle > 1 ? ` (CPU slowed ${cpuThrottle}×)` : ''}…`);
  const page = await newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __long: number[]; __frames: number[] };
    w.__long = [];
    w.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    const tick = (t: number) => {
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.goto(`${origin}/?debug=1`, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForFunction(() => '__harnessingCompute' in window, undefined, { timeout: 120_000 });
  await page.waitForTimeout(1500);
  // the CPU slowed for the scroll alone (the load is in Lighthouse's numbers)
  if (cpuThrottle > 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle });
  }
  // count only what happens during the scroll (the page's own start-up is in the page-weight numbers)
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[]; __frames: number[] };
    w.__long.length = 0;
    w.__frames.length = 0;
  });
  const t0 = Date.now();
  await scrollThrough(page, 120, 50);
  const scrollSeconds = (Date.now() - t0) / 1000;
  const { long, frames, computed, backend } = await page.evaluate(async () => {
    const w = window as unknown as { __long: number[]; __frames: number[]; __harnessingCompute: { startCompute: () => Promise<{ backend: string }> } };
    const info = await w.__harnessingCompute.startCompute();
    return { long: [...w.__long], frames: [...w.__frames], computed: document.querySelectorAll('[data-result]').length, backend: info.backend };
  });
  await page.context().close();
  let dropped = 0;
  for (let i = 1; i < frames.length; i++) dropped += Math.max(0, Math.round((frames[i] - frames[i - 1]) / (1000 / 60)) - 1);
  return {
    cpuThrottle,
    backend,
    scrollSeconds,
    longestTaskMs: long.length ? Math.max(...long) : 0,
    tasksOver50ms: long.filter((d) => d > 50).length,
    longTasks: long.map((d) => Math.round(d)),
    frames: frames.length,
    framesDropped: dropped,
    figuresComputed: computed,
  };
}

// ---------------------------------------------------------------- memory
interface Memory {
  backend: string;
  sliders: number;
  after10: MemoryResult;
  after1000: MemoryResult;
  equal: boolean;
}

async function memory(): Promise<Memory> {
  log('memory (1,000 slider moves across the figures)…');
  const page = await newPage();
  // wasm: every figure computes in the same worker, fast enough for 1,000 changes here
  await page.goto(`${origin}/?debug=1&backend=wasm`, { waitUntil: 'load' });
  await page.waitForFunction(() => '__harnessingCompute' in window);
  // every figure hydrated and computed once (models loaded, caches filled) before counting
  await scrollThrough(page, 400, 400);
  const sliders = page.locator('.figure-controls input[type="range"]:not([disabled])');
  const count = await sliders.count();
  // one full round over every slider first, so that each figure has made its first request
  for (let i = 0; i < count; i++) {
    await sliders.nth(i).focus();
    await sliders.nth(i).press('ArrowRight');
    await sliders.nth(i).press('ArrowLeft');
  }
  await settledMemory(page);
  let moves = 0;
  const move = async (n: number) => {
    for (let i = 0; i < n; i++, moves++) {
      const s = sliders.nth(moves % count);
      await s.focus();
      // three steps up, three down: each slider stays in range and most moves ask for new work
      await s.press(Math.floor(moves / count) % 6 < 3 ? 'ArrowRight' : 'ArrowLeft');
    }
  };
  await move(10);
  const after10 = await settledMemory(page);
  await move(990);
  const after1000 = await settledMemory(page);
  const backend = await page.evaluate(async () => (await (window as unknown as { __harnessingCompute: { startCompute: () => Promise<{ backend: string }> } }).__harnessingCompute.startCompute()).backend);
  await page.context().close();
  return { backend, sliders: count, after10, after1000, equal: after10.numTensors === after1000.numTensors && after10.numBytes === after1000.numBytes };
}

// ---------------------------------------------------------------- threaded wasm
interface ThreadsRun {
  /** The threads asked for with ?wasmThreads= (0: none, the unthreaded SIMD binary the site uses). */
  asked: number;
  /** The threads the worker's wasm reported. */
  threads?: number;
  batchedDigitsPerSecond?: number;
  peakGflops?: number;
  fractionOfPeak?: number;
  error?: string;
}
interface Threads {
  isolated: boolean;
  runs: ThreadsRun[];
  /** Median batched digits/s per thread count asked (0, 1, 2). */
  medians: Record<string, number | null>;
  /** 2 threads over 1 thread, and 2 threads over the unthreaded binary. */
  speedup2over1: number | null;
  speedup2over0: number | null;
}

/** The headers a host sends to make the site cross-origin isolated (threads need SharedArrayBuffer). */
const ISOLATION_HEADERS = ['Cross-Origin-Opener-Policy: same-origin', 'Cross-Origin-Embedder-Policy: require-corp'];

async function threads(): Promise<Threads> {
  log('threaded wasm (served cross-origin isolated)…');
  mkdirSync('bench', { recursive: true });
  const headersFile = 'bench/.isolated-headers';
  writeFileSync(headersFile, `/*\n${ISOLATION_HEADERS.map((h) => `  ${h}`).join('\n')}\n`);
  const isoPort = port + 2;
  const iso: ChildProcess = spawn(process.execPath, [serveScript, '--dir', distDir, '--port', String(isoPort), '--headers', headersFile], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 800));
  const runs: ThreadsRun[] = [];
  let isolated = false;
  try {
    // 0, 1, 2, then 2 and 1 again: a load that drifts during the run weighs on both thread counts alike
    for (const asked of quick ? [0, 1, 2] : [0, 1, 2, 2, 1]) {
      log(`  wasm, ${asked === 0 ? 'unthreaded SIMD binary' : `threaded SIMD binary, ${asked} thread${asked > 1 ? 's' : ''}`}…`);
      const page = await newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      try {
        await page.goto(`http://127.0.0.1:${isoPort}/reproduce/?debug=1&backend=wasm${asked ? `&wasmThreads=${asked}` : ''}`);
        await page.waitForFunction(() => '__harnessingCompute' in window);
        isolated = await page.evaluate(() => crossOriginIsolated);
        const init = await page.evaluate(() => (window as unknown as { __harnessingCompute: { startCompute: () => Promise<{ backend: string; wasmThreads?: number }> } }).__harnessingCompute.startCompute());
        if (init.backend !== 'wasm') throw new Error(`wasm did not start (the worker fell back to ${init.backend}) ${errors.join('; ')}`);
        // half the test set: enough for a ratio, and the five runs stay under ten minutes on a busy machine
        const request = { type: 'bench', model: 'maxout', sample: quick ? 1000 : 5000, perDigit: quick ? 20 : 50, repeats: quick ? 1 : 3, peakSize: 1024 };
        const r = await page.evaluate((req) => (window as unknown as { __harnessingCompute: { compute: (r: unknown) => Promise<BenchResult> } }).__harnessingCompute.compute(req), request);
        runs.push({ asked, threads: init.wasmThreads, batchedDigitsPerSecond: r.batchedDigitsPerSecond, peakGflops: r.peakGflops, fractionOfPeak: r.fractionOfPeak });
        log(`    ${init.wasmThreads} thread(s): ${r.batchedDigitsPerSecond.toFixed(0)} digits/s, matMul peak ${r.peakGflops.toFixed(1)} GFLOP/s`);
      } catch (e) {
        runs.push({ asked, error: String(e).split('\n')[0] });
        log(`    failed: ${String(e).split('\n')[0]}`);
      } finally {
        await page.context().close();
      }
    }
  } finally {
    iso.kill();
  }
  const medians: Record<string, number | null> = {};
  for (const n of [0, 1, 2]) {
    const v = runs.filter((x) => x.asked === n && x.batchedDigitsPerSecond !== undefined).map((x) => x.batchedDigitsPerSecond!);
    medians[n] = v.length ? median(v) : null;
  }
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  return { isolated, runs, medians, speedup2over1: ratio(medians[2], medians[1]), speedup2over0: ratio(medians[2], medians[0]) };
}

// ---------------------------------------------------------------- run, write, summarise
const started = new Date();
const result: Record<string, unknown> = {
  date: started.toISOString(),
  quick,
  // what was measured, where it is not the working tree's own build (--label "main before issue 12")
  ...(option('--label') ? { label: option('--label') } : {}),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), os: `${platform()} ${release()}`, node: process.version },
  browser: `Chromium ${browserVersion}`,
};
/** Runs one section; a section that fails is recorded with its error and the run goes on to the next. */
async function section(key: string, f: () => Promise<unknown>) {
  try {
    result[key] = await f();
  } catch (e) {
    log(`  ${key} failed: ${String(e).split('\n')[0]}`);
    (result.errors ??= {} as Record<string, string>) && ((result.errors as Record<string, string>)[key] = String(e).split('\n')[0]);
  }
}
try {
  if (only.has('weight')) await section('weight', weight);
  if (only.has('lighthouse')) await section('lighthouse', lighthousePages);
  if (only.has('first')) await section('firstResult', firstResult);
  if (only.has('throughput')) await section('throughput', throughput);
  if (only.has('smoothness')) {
    await section('smoothness', () => smoothness());
    await section('smoothnessThrottled', () => smoothness(4));
  }
  if (only.has('memory')) await section('memory', memory);
  // named only: a measurement taken once (README, development notes), not part of every run
  if (option('--only')?.split(',').includes('threads')) await section('threads', threads);
} finally {
  await browser.close();
  server.kill();
}
result.seconds = Math.round((Date.now() - started.getTime()) / 1000);
// other work on the machine while it ran: a load above the core count means the numbers are slower than they would be
(result.machine as Record<string, unknown>).loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));

mkdirSync('bench', { recursive: true });
const previous: Record<string, unknown>[] = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')).runs ?? [] : [];
writeFileSync('bench/results.json', JSON.stringify({ runs: [result, ...previous] }, null, 2) + '\n');
const summary = summarise(result, previous);
writeFileSync('bench/summary.md', summary);
log('\n' + summary);

if (!args.includes('--no-readme') && !quick && existsSync('README.md')) {
  const readme = readFileSync('README.md', 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync('README.md', readme.slice(0, a + start.length) + '\n' + summary + '\n' + readme.slice(b));
    log('README.md: performance section updated');
  }
}

function summarise(run: Record<string, unknown>, earlier: Record<string, unknown>[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
  const sec = (n: number) => `${(n / 1000).toFixed(1)} s`;
  const m = run.machine as { cpu: string; cores: number; memoryGiB: number; os: string; loadAverageAtEnd?: number[] };
  const lines: string[] = [];
  const load = m.loadAverageAtEnd ? ` Load average over the last 15 minutes of the run: ${m.loadAverageAtEnd[2]} on ${m.cores} cores.` : '';
  lines.push(`Measured ${String(run.date).slice(0, 10)} on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, ${run.browser}, headless${run.quick ? ' (quick run: smaller samples, one repeat)' : ''}, in ${run.seconds} s.${load}`);
  lines.push('');
  // a section this run left out comes from the latest full run that measured it, and says so
  const r: Record<string, unknown> = { ...run };
  const carried: string[] = [];
  for (const key of ['weight', 'lighthouse', 'firstResult', 'throughput', 'smoothness', 'smoothnessThrottled', 'memory', 'threads']) {
    if (r[key] !== undefined) continue;
    // a labelled run measured another build (an earlier commit, for a before/after): never carried
    const from = earlier.find((e) => !e.quick && !e.label && e[key] !== undefined);
    if (!from) continue;
    r[key] = from[key];
    carried.push(`${key} (${String(from.date).slice(0, 16).replace('T', ' ')})`);
  }
  if (carried.length) lines.push(`Not measured in this run, and carried from the latest run that measured it: ${carried.join(', ')}.`, '');
  const met = (ok: boolean) => (ok ? 'met' : 'not met');

  const lh = r.lighthouse as LighthousePage[] | undefined;
  const w = r.weight as Weight | undefined;
  const f = r.firstResult as FirstResult | undefined;
  const sm = r.smoothness as Smoothness | undefined;
  const st = r.smoothnessThrottled as Smoothness | undefined;
  const goals: string[][] = [];
  const article = lh?.find((p) => p.path === '/');
  if (article) {
    const perf = article.runs.map((x) => x.scores.performance);
    goals.push([`Lighthouse performance, simulated mobile, the article (median of ${perf.length}: ${perf.join(', ')})`, String(article.scores.performance), '≥ 95', met(article.scores.performance >= 95)]);
    const embeds = lh!.filter((p) => p.path !== '/');
    if (embeds.length)
      goals.push([
        `the same, on ${embeds.map((p) => `\`${p.path}\``).join(', ')}`,
        embeds.map((p) => `${p.scores.performance} (${p.runs.map((x) => x.scores.performance).join(', ')})`).join(' / '),
        '≥ 95 each',
        met(embeds.every((p) => p.scores.performance >= 95)),
      ]);
    const a = article.metrics;
    const fcp = a['first-contentful-paint'], lcp = a['largest-contentful-paint'], tbt = a['total-blocking-time'], cls = a['cumulative-layout-shift'];
    goals.push([
      'first contentful paint / largest contentful paint / total blocking time / layout shift (article, simulated mobile, medians)',
      `${sec(fcp)} / ${sec(lcp)} / ${ms(tbt)} / ${cls.toFixed(3)}`,
      '≤ 1.5 s / ≤ 2.0 s / ≤ 150 ms / ≤ 0.05',
      [fcp <= 1500, lcp <= 2000, tbt <= 150, cls <= 0.05].map((ok) => met(ok)).join(' / '),
    ]);
    const sc = article.scores;
    if (sc.accessibility !== undefined)
      goals.push(['Lighthouse accessibility, best practices, SEO (article)', `${sc.accessibility} / ${sc['best-practices']} / ${sc.seo}`, '100 / 100 / 100', met(sc.accessibility === 100 && sc['best-practices'] === 100 && sc.seo === 100)]);
  }
  if (w?.tfjsOnPageDuringScroll) {
    const found = [...w.tfjsOnPageDuringScroll, ...w.tfjsOnEmbedPages];
    goals.push([
      `TensorFlow.js modules fetched by the page's own thread during a full scroll of the article and on every embed page (${w.embedPagesChecked} pages; the page's resource timing)`,
      found.length ? found.join(', ') : 'none',
      'none',
      met(found.length === 0),
    ]);
  }
  if (sm) {
    const over = sm.longTasks.filter((d) => d > 50);
    goals.push([`main-thread tasks over 50 ms during the scripted scroll (desktop, no throttling; ${sm.scrollSeconds.toFixed(0)} s, ${sm.figuresComputed} figures computed)`, over.length ? `${over.length}, longest ${sm.longestTaskMs.toFixed(0)} ms` : 'none', 'none', met(over.length === 0)]);
  }
  if (st) {
    const over50 = st.longTasks.filter((d) => d > 50).length;
    const over100 = st.longTasks.filter((d) => d > 100).length;
    goals.push([`the same with ${st.cpuThrottle}× CPU throttling (${st.scrollSeconds.toFixed(0)} s)`, `${over50} over 50 ms, ${over100} over 100 ms, longest ${st.longestTaskMs.toFixed(0)} ms`, 'reported, and none over 100 ms', met(over100 === 0)]);
  }
  if (f) {
    const limit = f.fcp + 100;
    goals.push([
      `time from navigation to the first figure showing its precomputed result, cold cache (desktop window, no throttling; median of ${f.runs.length}; first contentful paint ${ms(f.fcp)})`,
      f.firstFigure === null ? 'never seen' : ms(f.firstFigure),
      '≤ first contentful paint + 100 ms',
      met(f.firstFigure !== null && f.firstFigure <= limit),
    ]);
    goals.push(['time until the hero\'s live result replaces it (same loads)', f.heroLive === null ? 'not within 60 s' : ms(f.heroLive), 'reported', f.heroLive === null ? 'not met' : 'reported']);
  }
  if (goals.length) {
    lines.push('**Goals (issue 12).**', '');
    lines.push('| measure | measured | goal | |');
    lines.push('|---|---|---|---|');
    for (const g of goals) lines.push(`| ${g.join(' | ')} |`);
    lines.push('');
  }
  if (w) {
    lines.push('**Page weight.**');
    lines.push('');
    lines.push('| | raw | gzip | goal |');
    lines.push('|---|---|---|---|');
    lines.push(`| JavaScript before the worker starts | ${kb(w.jsRaw)} | ${kb(w.jsGzip)} | |`);
    lines.push(`| CSS before the worker starts | ${kb(w.cssRaw)} | ${kb(w.cssGzip)} | |`);
    const gz = w.jsGzip + w.cssGzip;
    lines.push(`| JS + CSS | ${kb(w.jsRaw + w.cssRaw)} | ${kb(gz)} | ≤ 60 KB gzip: ${gz <= 60 * 1024 ? 'met' : `missed by ${kb(gz - 60 * 1024)}`} |`);
    lines.push(`| TensorFlow.js on the page's own thread before the worker starts | ${w.tfjsBeforeWorker ? 'yes' : 'no'} | | no: ${w.tfjsBeforeWorker ? 'missed' : 'met'} |`);
    lines.push(`| everything after a full scroll (${w.requestsAfterScroll} requests, models and digits included) | ${mb(w.totalAfterScroll)} | | |`);
    lines.push(`| requests to another origin | ${w.foreignRequests.length} | | 0 |`);
    lines.push('');
  }
  if (lh?.length) {
    lines.push(
      `Lighthouse's simulated mobile load (medians): ${lh
        .map((p) => `\`${p.path}\` first contentful paint ${sec(p.metrics['first-contentful-paint'])}, largest ${sec(p.metrics['largest-contentful-paint'])}, total blocking time ${ms(p.metrics['total-blocking-time'])}, layout shift ${p.metrics['cumulative-layout-shift'].toFixed(3)}, speed index ${sec(p.metrics['speed-index'])}`)
        .join('; ')}.`,
      '',
    );
    const failing = lh.filter((p) => p.failing && Object.keys(p.failing).length);
    if (failing.length)
      lines.push(`Audits not passed (first run of each page): ${failing.map((p) => `\`${p.path}\` ${Object.entries(p.failing!).map(([k, v]) => `${k.split('/')[1]}: ${v}`).join('; ')}`).join('. ')}.`, '');
  }
  const t = r.throughput as Throughput[] | undefined;
  if (t) {
    lines.push('**FGSM throughput on the maxout model** (ε = 0.25, clipped; median of the runs; peak = a 1024×1024 `matMul` in the same worker).');
    lines.push('');
    lines.push('| backend | digits | batched, digits/s | one at a time, digits/s | batched ÷ one at a time | matMul peak, GFLOP/s | FGSM, GFLOP/s | fraction of peak | 10,000 digits |');
    lines.push('|---|---|---|---|---|---|---|---|---|');
    for (const x of t) {
      if (x.error || x.batchedDigitsPerSecond === undefined) {
        lines.push(`| ${x.requested} | ${x.error ?? 'no result'} | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${x.backend} | ${x.sample} | ${x.batchedDigitsPerSecond.toFixed(0)} | ${x.perDigitDigitsPerSecond!.toFixed(0)} | ${x.speedup!.toFixed(1)}× | ${x.peakGflops!.toFixed(1)} | ${x.achievedGflops!.toFixed(1)} | ${(100 * x.fractionOfPeak!).toFixed(0)} % | ${(10000 / x.batchedDigitsPerSecond).toFixed(1)} s |`,
      );
    }
    lines.push('');
    const goals: string[] = [];
    const wasm = t.find((x) => x.backend === 'wasm');
    if (wasm?.fractionOfPeak !== undefined) {
      const s = 10000 / wasm.batchedDigitsPerSecond!;
      goals.push(`wasm: ${(100 * wasm.fractionOfPeak).toFixed(0)} % of peak (goal ≥ 50 %: ${wasm.fractionOfPeak >= 0.5 ? 'met' : `missed by ${(50 - 100 * wasm.fractionOfPeak).toFixed(0)} points`}); 10,000 digits in ${s.toFixed(1)} s (goal < 3.2 s: ${s < 3.2 ? 'met' : `missed by ${(s - 3.2).toFixed(1)} s`}).`);
    }
    const webgl = t.find((x) => x.backend === 'webgl');
    if (webgl?.fractionOfPeak !== undefined) {
      goals.push(`webgl: batched ${webgl.speedup!.toFixed(1)}× one at a time (goal ≥ 20×: ${webgl.speedup! >= 20 ? 'met' : 'missed'}), ${(100 * webgl.fractionOfPeak).toFixed(0)} % of peak (goal ≥ 50 %: ${webgl.fractionOfPeak >= 0.5 ? 'met' : 'missed'}).`);
    }
    if (goals.length) lines.push(...goals.map((g) => `- ${g}`), '');
  }
  for (const s of [sm, st]) {
    if (!s) continue;
    lines.push(
      `**Smoothness${s.cpuThrottle > 1 ? `, CPU slowed ${s.cpuThrottle}×` : ''}.** A scripted scroll through the whole article (${s.scrollSeconds.toFixed(0)} s, ${s.figuresComputed} figures computed on ${s.backend}): longest main-thread task ${s.longestTaskMs.toFixed(0)} ms, ${s.tasksOver50ms} tasks over 50 ms, ${s.framesDropped} of ${s.frames + s.framesDropped} frames dropped.`,
    );
    lines.push('');
  }
  const mem = r.memory as Memory | undefined;
  if (mem) {
    lines.push(
      `**Memory.** The worker (${mem.backend}) after 10 slider moves across the article's ${mem.sliders} sliders: ${mem.after10.numTensors} tensors, ${mb(mem.after10.numBytes)}; after 1,000: ${mem.after1000.numTensors} tensors, ${mb(mem.after1000.numBytes)} (goal: equal: ${mem.equal ? 'met' : mem.after1000.numTensors <= mem.after10.numTensors && mem.after1000.numBytes <= mem.after10.numBytes ? 'not equal, but no growth: fewer tensors after 1,000 moves than after 10' : `missed: it grew by ${mem.after1000.numTensors - mem.after10.numTensors} tensors`}).`,
    );
    lines.push('');
  }
  const th = r.threads as Threads | undefined;
  if (th) {
    const m = th.medians;
    const ds = (v: number | null) => (v === null ? 'failed' : `${v.toFixed(0)} digits/s`);
    const failed = th.runs.filter((x) => x.error).map((x) => `${x.asked} thread(s): ${x.error}`);
    lines.push(
      `**Threaded wasm** (the build served with \`${ISOLATION_HEADERS.join('`, `')}\`; cross-origin isolated: ${th.isolated ? 'yes' : 'no'}). FGSM on the maxout model, batched, median of ${th.runs.length} alternating runs: unthreaded SIMD binary (what the site uses) ${ds(m[0])}; threaded SIMD binary, 1 thread ${ds(m[1])}, 2 threads ${ds(m[2])}: 2 threads ÷ 1 thread = ${th.speedup2over1 === null ? '?' : `${th.speedup2over1.toFixed(2)}×`} (what the second thread gains; threads are kept only at ≥ 1.3×: ${th.speedup2over1 !== null && th.speedup2over1 >= 1.3 ? 'met' : 'not met'}), 2 threads ÷ the unthreaded binary = ${th.speedup2over0 === null ? '?' : `${th.speedup2over0.toFixed(2)}×`}.${failed.length ? ` Failed: ${failed.join('; ')}.` : ''}`,
    );
    lines.push('');
  }
  const past = earlier.filter((e) => !e.quick).slice(0, 5);
  if (past.length) {
    lines.push('Earlier runs (bench/results.json keeps them all):');
    lines.push('');
    lines.push('| date | JS+CSS gzip | Lighthouse (article) | wasm digits/s | wasm % of peak | webgl batched ÷ one at a time | longest task |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const e of past) {
      const ew = e.weight as Weight | undefined;
      const et = (e.throughput as Throughput[] | undefined) ?? [];
      const ewasm = et.find((x) => x.backend === 'wasm');
      const ewebgl = et.find((x) => x.backend === 'webgl');
      const es = e.smoothness as Smoothness | undefined;
      const elh = (e.lighthouse as LighthousePage[] | undefined)?.find((p) => p.path === '/')?.scores.performance ?? (ew as { lighthouseMedian?: number } | undefined)?.lighthouseMedian ?? '';
      lines.push(
        `| ${String(e.date).slice(0, 16).replace('T', ' ')}${e.label ? ` (${e.label})` : ''} | ${ew ? kb(ew.jsGzip + ew.cssGzip) : ''} | ${elh} | ${ewasm?.batchedDigitsPerSecond?.toFixed(0) ?? ''} | ${ewasm?.fractionOfPeak !== undefined ? (100 * ewasm.fractionOfPeak).toFixed(0) + ' %' : ''} | ${ewebgl?.speedup !== undefined ? ewebgl.speedup.toFixed(1) + '×' : ''} | ${es ? es.longestTaskMs.toFixed(0) + ' ms' : ''} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

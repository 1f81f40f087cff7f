/**
 * The offline copy (the service worker the build writes) with service workers on,
 * against a copy of the build in a temporary folder served by scripts/serve.mjs, so
 * that files can be damaged, removed, fixed and rebuilt while the browser keeps its
 * site data: a damaged cached model heals on Retry, a missing precache file does not
 * stop installation, a figure seen once runs offline on wasm, and a new build's
 * service worker replaces the old cache.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { heroResult } from './helpers.ts';

test.use({ serviceWorkers: 'allow' });

const DIST = resolve(process.env.E2E_DIST ?? 'dist');

interface Copy {
  origin: string;
  site: string;
  stop: () => void;
}

/** A copy of the build (hard links: fast, and each file is replaced, never written in place) served on a free port. */
async function serveCopy(): Promise<Copy> {
  const root = mkdtempSync(join(tmpdir(), 'offline-cache-'));
  const site = join(root, 'site');
  execFileSync('cp', ['-al', DIST, site]);
  const proc: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', '--dir', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /:(\d+)\/\s*$/m.exec(out);
      if (m) done(Number(m[1]));
    });
    proc.once('exit', (c) => fail(new Error(`serve.mjs exited with ${c}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    site,
    stop: () => {
      proc.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Replaces a file of the copy with new bytes (a new inode: the build's own file is untouched). */
function replaceFile(path: string, bytes: Buffer | string) {
  rmSync(path, { force: true });
  writeFileSync(path, bytes);
}

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Waits until the service worker is active and controls the page. */
async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
}

/** The SHA-256 of a URL's copy in the offline caches, or null when none holds it. */
function cachedHash(page: Page, path: string): Promise<string | null> {
  return page.evaluate(async (p) => {
    const hit = await caches.match(p, { ignoreSearch: true });
    if (!hit) return null;
    const digest = await crypto.subtle.digest('SHA-256', await hit.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }, path);
}

let copy: Copy;
test.beforeEach(async () => {
  copy = await serveCopy();
});
test.afterEach(() => copy?.stop());

test('a damaged model in the offline copy is named, and once the server’s file is fixed Retry recovers without clearing site data', async ({ page, context }) => {
  test.setTimeout(240_000);
  const file = join(copy.site, 'models', 'softmax.bin');
  const good = readFileSync(file);
  const bad = Buffer.from(good);
  bad[bad.length >> 1] ^= 0x5a;
  replaceFile(file, bad);
  // a first visit to a page with no live figure: the service worker installs and precaches the damaged file
  await page.goto(`${copy.origin}/figures/`);
  await controlled(page);
  expect(await cachedHash(page, '/models/softmax.bin')).toBe(sha(bad));

  await page.goto(`${copy.origin}/embed/fgsm-hero/?eps=0.1`);
  const alert = page.locator('.figure-error');
  await expect(alert).toContainText('softmax.bin');
  await expect(alert).toContainText('integrity');
  // the damaged copy is gone from the offline cache before the figure shows the failure
  expect(await cachedHash(page, '/models/softmax.bin')).toBe(null);

  // still damaged on the server: Retry fails again, with the same words
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toContainText('integrity');

  replaceFile(file, good);
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toHaveCount(0);
  const r = await heroResult(page, 0.1);
  expect(r.clean.length).toBe(10);
  // the offline copy now holds the good file, and serves it with the network cut off
  await expect.poll(() => cachedHash(page, '/models/softmax.bin')).toBe(sha(good));
  await context.setOffline(true);
  try {
    await page.reload();
    await heroResult(page, 0.1);
    await expect(page.locator('.figure-error')).toHaveCount(0);
  } finally {
    await context.setOffline(false);
  }
});

test('a precache file the server cannot give does not stop installation; it is fetched and kept on first use', async ({ page }) => {
  const missing = join(copy.site, 'thumbnails', 'agreement.png');
  const bytes = readFileSync(missing);
  rmSync(missing);
  await page.goto(`${copy.origin}/`);
  await controlled(page);
  // the rest was precached: the pages, the wasm binaries, the fonts, the other thumbnails
  for (const p of ['/', '/404.html', '/tfjs/tfjs-backend-wasm-simd.wasm', '/tfjs/tfjs-backend-wasm.wasm', '/thumbnails/fgsm-hero.png', '/models/softmax.bin']) {
    expect(await cachedHash(page, p), p).not.toBe(null);
  }
  const fonts = await page.evaluate(async () => {
    const keys = await caches.keys();
    const all = await Promise.all(keys.map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)));
    return all.flat().filter((p) => p.endsWith('.woff2'));
  });
  expect(fonts.some((f) => /KaTeX_Main-Regular/.test(f))).toBe(true);
  expect(fonts.some((f) => /source-serif-4-latin-400-italic/.test(f))).toBe(true);
  expect(await cachedHash(page, '/thumbnails/agreement.png')).toBe(null);
  // back on the server: the first use fetches and keeps it
  replaceFile(missing, bytes);
  const status = await page.evaluate(() => fetch('/thumbnails/agreement.png').then((r) => r.status));
  expect(status).toBe(200);
  await expect.poll(() => cachedHash(page, '/thumbnails/agreement.png')).toBe(sha(bytes));
});

test('offline after a first visit: a figure seen once runs on wasm from the offline copy, and the page says it is offline', async ({ page, context }) => {
  test.setTimeout(240_000);
  // maxout is not precached: it is kept because this figure loaded it
  await page.goto(`${copy.origin}/embed/fgsm-hero/?model=maxout&eps=0.1&backend=wasm`);
  await controlled(page);
  const online = await heroResult(page, 0.1, 'maxout');
  expect(online.backend).toBe('wasm');
  await expect(page.locator('#offline-notice')).toHaveCount(0);
  await expect.poll(() => cachedHash(page, '/models/maxout.bin'), { timeout: 30_000 }).not.toBe(null);
  await context.setOffline(true);
  try {
    await page.reload();
    const offline = await heroResult(page, 0.1, 'maxout');
    expect(offline.backend).toBe('wasm');
    await expect(page.locator('[data-figure="fgsm-hero"] .backend')).toHaveText('wasm');
    await expect(page.locator('[data-backend-note]')).toHaveCount(0);
    expect(offline.adversarial).toEqual(online.adversarial);
    await expect(page.locator('#offline-notice')).toContainText('offline');
    // a page never seen and not in the copy: the site's own 404 page, not another page
    const missing = await page.goto(`${copy.origin}/no-such-page/`);
    expect(missing!.status()).toBe(404);
    await expect(page.locator('[data-page="404"]')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
  await page.goto(`${copy.origin}/embed/fgsm-hero/?eps=0.1`);
  await expect(page.locator('#offline-notice')).toHaveCount(0);
});

test('a new build’s service worker replaces the old cache', async ({ page }) => {
  await page.goto(`${copy.origin}/`);
  await controlled(page);
  const before = await page.evaluate(() => caches.keys());
  expect(before).toHaveLength(1);
  const favicon = join(copy.site, 'favicon.svg');
  expect(await cachedHash(page, '/favicon.svg')).toBe(sha(readFileSync(favicon)));
  // a new build: a changed file and a service worker with a new version
  const changed = readFileSync(favicon, 'utf8').replace('</svg>', '<!-- rebuilt --></svg>');
  replaceFile(favicon, changed);
  const sw = readFileSync(join(copy.site, 'sw.js'), 'utf8');
  const version = /const VERSION = '([0-9a-f]+)'/.exec(sw)![1];
  replaceFile(join(copy.site, 'sw.js'), sw.replace(`const VERSION = '${version}'`, `const VERSION = '${'f'.repeat(version.length)}'`));
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.update()));
  await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 60_000 }).toEqual([`harnessing-${'f'.repeat(version.length)}`]);
  expect(await cachedHash(page, '/favicon.svg')).toBe(sha(Buffer.from(changed)));
});

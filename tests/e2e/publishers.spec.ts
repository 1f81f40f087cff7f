import { expect, test } from '@playwright/test';
import { heroResult, ORIGIN, STRICT_ORIGIN, SUB_ORIGIN, watch } from './helpers.ts';
import { liveFigures } from '../../src/figures/index.ts';

const STRICT = STRICT_ORIGIN;

test('under the site’s strict Content-Security-Policy nothing is refused while the figures run', async ({ page }) => {
  const w = watch(page, STRICT);
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto(`${STRICT}/`);
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-eval\'; ');
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  await heroResult(page);
  await page.getByRole('button', { name: /theme/i }).click();
  for (const path of ['/embed/fgsm-hero/?backend=wasm&eps=0.3', '/embed/fgsm-hero/?backend=cpu', '/embed/logit-surface/?backend=wasm', '/reproduce/', '/figures/', '/slides/']) {
    await page.goto(`${STRICT}${path}`);
    if (path.includes('fgsm-hero')) await heroResult(page, path.includes('0.3') ? 0.3 : 0.2);
    // the 3-D view drawn by its own worker, under the same policy
    if (path.includes('logit-surface')) {
      await expect
        .poll(async () => JSON.parse((await page.locator('.logit-surface').getAttribute('data-result')) ?? '{}').view, { timeout: 60_000 })
        .toBe('ready');
      expect(page.workers().some((wk) => /surface\.worker/.test(wk.url()))).toBe(true);
    }
  }
  expect(violations).toEqual([]);
  expect(w.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
});

test.describe('offline', () => {
test.use({ serviceWorkers: 'allow' });

  test('after a first visit the article and the figures seen work offline', async ({ page, context }) => {
    await page.goto('/');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    // the page is controlled once the worker has claimed it
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await heroResult(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await context.setOffline(true);
    try {
      await page.reload();
      await expect(page.locator('h1')).toContainText('Explaining and Harnessing');
      await expect(page.locator('.katex').first()).toBeVisible();
      const r = await heroResult(page);
      expect(r.clean.length).toBe(10);
      await page.goto('/embed/fgsm-hero/?eps=0.35');
      await heroResult(page, 0.35);
    } finally {
      await context.setOffline(false);
    }
});

  test('the sub-path build registers its service worker under the sub-path', async ({ page }) => {
    await page.goto(`${SUB_ORIGIN}/harnessing/`);
    const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
    expect(scope).toBe(`${SUB_ORIGIN}/harnessing/`);
});
});

test('a full scroll through the article and every embed page: no request leaves the site, no console error', { tag: '@stress' }, async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, ORIGIN);
  // wasm: every figure computes, and faster than software WebGL here
  await page.goto('/?backend=wasm');
  for (;;) {
    const done = await page.evaluate(() => {
      window.scrollBy(0, Math.round(window.innerHeight * 0.6));
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    });
    await page.waitForTimeout(300);
    if (done) break;
  }
  await page.waitForLoadState('networkidle');
  const requested = new Set<string>();
  page.on('request', (r) => requested.add(new URL(r.url()).pathname));
  for (const f of liveFigures) {
    await page.goto(`/embed/${f.name}/?backend=wasm`);
    await expect(page.locator('figure.figure').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
  // every embed page was visited, and each fetched its own page
  for (const f of liveFigures) expect(requested.has(`/embed/${f.name}/`), f.name).toBe(true);
  expect(w.foreign).toEqual([]);
  expect(w.errors).toEqual([]);
});

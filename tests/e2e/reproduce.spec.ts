import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hydrated, ORIGIN, watch } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

/**
 * The /reproduce/ page's table against `npm run reproduce` in Node on the same first 1,000 test digits. npm test
 * compares the paper's rows in their three settings (the rows beyond the paper left out); npm run test:stress adds
 * the rows beyond the paper (R+FGSM and PGD, 40 to 200 gradient passes a digit, on their first 100 digits), which
 * take most of the time, and compares those too.
 */
async function compareWithNode(page: Page, beyondSample: 0 | 100) {
  const w = watch(page, ORIGIN);
  // the same table in Node, computed while the page computes its own
  const inNode = promisify(execFile)(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', 'scripts/reproduce.ts', '--json', '--sample', '1000', '--beyond-sample', String(beyondSample)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  // (a failure before it is awaited is reported where it is awaited)
  inNode.catch(() => {});
  // wasm: the same backend as npm run reproduce, and faster than software WebGL on this machine
  await page.goto('/reproduce/?backend=wasm');
  const button = page.getByTestId('compute');
  // the page says how much it loads before it loads it
  await expect(button).toContainText(/loads \d+(\.\d)? MB/);
  await expect(page.locator('.reproduce-table .intro')).toContainText(/loads \d+(\.\d)? MB of models/);
  await expect(page.locator('.reproduce-table .intro')).toContainText('first 1,000 digits');
  if (beyondSample === 0) {
    await page.getByTestId('beyond-sample').selectOption('off');
    await expect(page.locator('.reproduce-table .intro')).not.toContainText('R+FGSM and PGD on the first');
  } else {
    await page.getByTestId('beyond-sample').selectOption(String(beyondSample));
    await expect(page.locator('.reproduce-table .intro')).toContainText(`R+FGSM and PGD on the first ${beyondSample} digits`);
  }
  await test.step(`the page computes the table on 1,000 digits${beyondSample ? `, the rows beyond the paper on ${beyondSample}` : ''} (wasm)`, async () => {
    await button.click();
    await expect(page.getByRole('progressbar')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(page.locator('.reproduce-table[data-rows]')).toHaveCount(1, { timeout: 1_200_000 });
  });
  const browser: RowResult[] = JSON.parse((await page.locator('.reproduce-table[data-rows]').getAttribute('data-rows'))!);

  const node: RowResult[] = await test.step('npm run reproduce computes the same table in Node', async () => JSON.parse((await inNode).stdout));
  expect(browser.length).toBe(node.length);
  // the site's own rows follow the paper's: FGSM, R+FGSM, PGD and PGD with restarts on each shipped network, and maxout-adv's FGSM curve
  const beyond = node.filter((r) => typeof r.row === 'string');
  if (beyondSample === 0) expect(beyond).toEqual([]);
  else {
    expect([...new Set(beyond.map((r) => r.row))]).toEqual(['fgsm', 'rfgsm', 'pgd', 'pgd-restarts', 'fgsm-eps']);
    expect(beyond.filter((r) => r.row === 'pgd').length).toBeGreaterThanOrEqual(12);
  }
  for (const r of beyond) {
    expect(r.paper).toBeNull();
    expect(r.holds).toBeNull();
    expect(r.setting).toContain(`first ${beyondSample} test digits`);
  }
  if (beyond.length) expect(node.findIndex((r) => typeof r.row === 'string')).toBe(node.length - beyond.length);
  for (let i = 0; i < node.length; i++) {
    expect(browser[i].row).toBe(node[i].row);
    expect(browser[i].metric).toBe(node[i].metric);
    expect(browser[i].paper).toBe(node[i].paper);
    if (node[i].site === null) {
      // a row whose model is not shipped is left uncomputed on both sides (JSON writes NaN as null)
      expect(browser[i].site).toBeNull();
      continue;
    }
    expect(browser[i].setting).toBe(node[i].setting);
    expect(Math.abs(browser[i].site - node[i].site), `${node[i].row} ${node[i].metric}`).toBeLessThanOrEqual(0.2);
    if (typeof node[i].row === 'string') {
      // beyond the paper: clipped only (NaN, written as null, on both sides)
      expect(node[i].siteUnclipped).toBeNull();
      expect(browser[i].siteUnclipped).toBeNull();
      expect(node[i].sitePaperSetting).toBeNull();
      expect(browser[i].sitePaperSetting).toBeNull();
      continue;
    }
    expect(Math.abs(browser[i].siteUnclipped - node[i].siteUnclipped), `${node[i].row} ${node[i].metric} unclipped`).toBeLessThanOrEqual(0.2);
    // the third setting, the paper's (naive float32 gradient, unclipped), within the same tolerance
    expect(Math.abs(browser[i].sitePaperSetting - node[i].sitePaperSetting), `${node[i].row} ${node[i].metric} paper's setting`).toBeLessThanOrEqual(0.2);
    expect(browser[i].judgedOn).toBe(node[i].judgedOn);
    expect(node[i].judgedOn).toBe(node[i].holds === null ? null : 'clipped');
  }
  // the site's additions beside rows 1, 14 and 18, computed on both sides, marked and not judged
  const additions = node.filter((r) => r.tolerance === 'reported (the site’s addition)');
  expect([...new Set(additions.map((r) => r.row))]).toEqual([1, 14, 18]);
  expect(additions.map((r) => r.metric)).toContain('FGSM error, rbf-wide');
  expect(additions.map((r) => r.metric)).toContain('confident answers, softmax-wd');
  for (const r of additions) expect([r.paper, r.holds]).toEqual([null, null]);
  // the paper's setting: its own column, named in the header and explained in one footnote
  const main = page.locator('.reproduce-table table').first();
  await expect(main.locator('thead th')).toHaveText(['row', 'metric', '○ paper', 'ours, clipped', 'ours, unclipped', 'ours, paper’s setting*', 'holds if', 'holds (judged on clipped)']);
  await expect(page.getByTestId('paper-setting-note')).toHaveCount(1);
  await expect(page.getByTestId('paper-setting-note')).toContainText('naive');
  const row2 = node.find((r) => r.row === 2 && r.metric === 'FGSM error')!;
  const row2Browser = browser.find((r) => r.row === 2 && r.metric === 'FGSM error')!;
  await expect(main.locator('tbody tr', { hasText: 'maxout network, FGSM ε = 0.25' }).first().locator('td.paper-setting')).toHaveText(`${row2Browser.sitePaperSetting.toFixed(2)} %`);
  expect(Math.abs(row2Browser.sitePaperSetting - row2.sitePaperSetting)).toBeLessThanOrEqual(0.2);
  // the paper's rows on the site's models; the same rows on the paper's recipe are one button away
  const onRecipe = node.filter((r) => r.recipe === 'paper');
  await expect(page.locator('.reproduce-table tbody tr')).toHaveCount(node.length - beyond.length - onRecipe.length);
  await expect(page.locator('.reproduce-table tbody tr[data-recipe="paper"]')).toHaveCount(0);
  await expect(page.getByTestId('beyond')).toHaveCount(0);
  if (onRecipe.length > 0) {
    await page.getByTestId('view-recipe').click();
    await expect(page.getByTestId('view-recipe')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.reproduce-table tbody tr[data-recipe="paper"]')).toHaveCount(onRecipe.length);
    await expect(page.locator('.reproduce-table tbody tr[data-recipe="site"]')).toHaveCount(0);
    const adv = browser.find((r) => r.recipe === 'paper' && r.metric === 'FGSM error, maxout-adv-paper')!;
    await expect(page.locator('.reproduce-table tbody tr', { hasText: 'FGSM error, maxout-adv-paper' }).locator('td.ours')).toHaveText(`${adv.site.toFixed(2)} %`);
  }
  await page.getByTestId('view-beyond').click();
  if (beyondSample === 0) {
    // left out: the view says so, and offers to compute them
    await expect(page.getByTestId('beyond-off')).toBeVisible();
    await expect(page.getByTestId('beyond')).toHaveCount(0);
  } else {
    // a table of its own, one button away, marked as the site's, with no paper column; its numbers are the ones computed
    await expect(page.locator('.reproduce-table tbody tr')).toHaveCount(beyond.length);
    const section = page.getByTestId('beyond');
    await expect(section.getByRole('heading', { name: 'Beyond the paper' })).toBeVisible();
    await expect(section.locator('thead th')).toHaveText(['attack', 'metric', 'ours, clipped']);
    await expect(section.locator('tbody tr')).toHaveCount(beyond.length);
    const pgdRow = section.locator('tbody tr', { hasText: 'PGD error, maxout-adv, ε = 0.25' }).first();
    const pgdValue = browser.find((r) => r.metric === 'PGD error, maxout-adv, ε = 0.25')!.site;
    await expect(pgdRow.locator('td.ours')).toHaveText(`${pgdValue.toFixed(2)} %`);
  }
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
}

test('the /reproduce/ page computes the 1,000-digit table in three settings in the browser and agrees with npm run reproduce', async ({ page }) => {
  // a cap, not a wait: a busy machine takes long
  test.setTimeout(900_000);
  await compareWithNode(page, 0);
});

test('the /reproduce/ page computes the 1,000-digit table in three settings and the rows beyond the paper in the browser and agrees with npm run reproduce', { tag: '@stress' }, async ({ page }) => {
  // caps, not waits: the table computes three settings of FGSM, then PGD, and a busy machine takes long
  test.setTimeout(1_800_000);
  await compareWithNode(page, 100);
});

test('the table can be cancelled, and started again', async ({ page }) => {
  await page.goto('/embed/reproduce-table/?sample=1000');
  await hydrated(page);
  await page.getByTestId('compute').click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('compute')).toBeVisible();
  await expect(page.locator('.figure-error')).toHaveCount(0);
  await expect(page.locator('.reproduce-table')).not.toHaveAttribute('data-rows');
  // started again, it runs (and reports progress) until cancelled again
  await page.getByTestId('compute').click();
  await expect(page.getByRole('progressbar')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('compute')).toBeVisible();
  await expect(page.locator('.figure-error')).toHaveCount(0);
});

test('the two tables, the paper’s rows and the rows beyond it, are one button (and one URL) apart, each shown before anything computes', async ({ page }) => {
  await page.goto('/embed/reproduce-table/?view=beyond');
  await expect(page.getByTestId('beyond').getByRole('heading', { name: 'Beyond the paper' })).toBeVisible();
  const beyondRows = await page.getByTestId('beyond').locator('tbody tr').count();
  expect(beyondRows).toBeGreaterThan(20);
  await expect(page.getByTestId('view-beyond')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('view-paper').click();
  await expect(page).not.toHaveURL(/view=/);
  await expect(page.getByTestId('beyond')).toHaveCount(0);
  await expect(page.locator('.reproduce-table tbody tr td.paper').first()).toBeVisible();
  await page.getByTestId('view-beyond').click();
  await expect(page).toHaveURL(/view=beyond/);
  await expect(page.getByTestId('beyond').locator('tbody tr')).toHaveCount(beyondRows);
  await expect(page.locator('.reproduce-table')).toHaveAttribute('data-source', 'computed-ahead');
});

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { watch } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;
const shipped = (name: string) => (JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: { name: string }[] }).models.some((m) => m.name === name);

interface Result {
  sample: number;
  recipe: string;
  rows: (Pick<RowResult, 'row' | 'metric' | 'paper' | 'site' | 'holds' | 'recipe'> & { siteUnclipped: number | null })[];
}

test('§6 on the paper’s recipe: maxout-paper and maxout-adv-paper in every group, equal to npm run reproduce in Node', async ({ page }) => {
  test.skip(!existsSync('models/manifest.json') || !shipped('maxout-paper') || !shipped('maxout-adv-paper'), 'the paper-recipe networks are not shipped');
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-training-results/?sample=100&recipe=paper&backend=wasm');
  const root = page.locator('.adversarial-training-results');
  let r: Result | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        r = raw ? (JSON.parse(raw) as Result) : null;
        return r?.recipe === 'paper' && r.sample === 100;
      },
      { timeout: 420_000 },
    )
    .toBe(true);
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/reproduce.ts', '--json', '--sample', '100', '--rows', '2,7,10,11,12,pgd-0.25-paper'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const node: RowResult[] = JSON.parse(out);
  const got = r!.rows;
  expect(got.map((x) => [x.row, x.metric])).toEqual(node.map((x) => [x.row, x.metric]));
  node.forEach((n, i) => {
    expect(got[i].recipe).toBe(n.recipe);
    expect(Math.abs(got[i].site - n.site)).toBeLessThanOrEqual(1.01); // one digit of 100
  });
  // the bars name the paper's networks, the noise controls stay (the site's recipe only), maxout-pgd has no line
  const value = (metric: string) => node.find((n) => n.metric === metric && (n.recipe === 'paper' || n.row === 'pgd'))!.site;
  const attack = root.locator('[data-group="attack"]');
  await expect(attack.locator(`svg[aria-label^="maxout-paper: error: ours ${value('FGSM error, maxout-paper').toFixed(1)} % (clipped)"]`)).toHaveCount(1);
  await expect(attack.locator(`svg[aria-label^="maxout-adv-paper: error: ours ${value('FGSM error, maxout-adv-paper').toFixed(1)} % (clipped)"]`)).toHaveCount(1);
  const pgd = root.locator('[data-group="pgd"]');
  await expect(pgd.locator('.line')).toHaveCount(2);
  await expect(pgd.locator(`svg[aria-label="maxout-adv-paper: error: ours ${value('PGD error, maxout-adv-paper, ε = 0.25').toFixed(1)} % (clipped); not in the paper"]`)).toHaveCount(1);
  await expect(root.locator('[data-group="noise"] .line')).toHaveCount(4);
  await expect(root.locator('[data-group="clean"] .line .label')).toHaveText(['maxout-paper', 'maxout-adv-paper']);
  await expect(root.locator('.live')).toContainText('networks trained with the paper’s recipe');
  await expect(root.locator('.live')).toContainText(`maxout-adv-paper ${value('PGD error, maxout-adv-paper, ε = 0.25').toFixed(1)} %`);
  // back to the site's recipe: the site's networks, from the URL's state
  await page.getByTestId('recipe').selectOption('site');
  await expect(page).not.toHaveURL(/recipe=paper/);
  await expect(root.locator('[data-group="clean"] .line .label')).toHaveText(['maxout', 'maxout-adv'], { timeout: 300_000 });
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

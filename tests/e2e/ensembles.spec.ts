import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hydrated, recordBoxEveryFrame, watch, holdWorker } from './helpers.ts';

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Row {
  metric: string;
  site: number;
  siteUnclipped: number;
  paper: number | null;
}
interface Numbers {
  rows: Row[];
  clean: number;
  memberOnItself: { clipped: number; unclipped: number };
  members: number;
}
interface EnsembleData extends Partial<Numbers> {
  /** false: the coarse answer shown while a slider moves. */
  exact: boolean;
  /** Where the numbers shown were computed: ahead (in Node, shipped with the page) or here. */
  source?: 'ahead' | 'browser';
  eps: number | null;
  sample: number | null;
  clip: string;
  numTensors: number | null;
  backend: string | null;
}

/** The exact answer computed here (by default; `ahead`: the one computed ahead is enough). */
async function ensembleResult(page: Page, want: { eps?: number; sample?: number; ahead?: boolean } = {}): Promise<EnsembleData> {
  const root = page.locator('.ensembles').first();
  let last: EnsembleData | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as EnsembleData;
        if (!last.rows) return false;
        // the exact answer, not the coarse one shown while a slider moves
        if (last.exact === false) return false;
        if (!want.ahead && last.source === 'ahead') return false;
        if (want.eps !== undefined && Math.abs(last.eps! - want.eps) > 1e-9) return false;
        if (want.sample !== undefined && last.sample !== want.sample) return false;
        return true;
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  return last!;
}

function nodeNumbers(eps: number, sample: number): Numbers {
  const out = execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'tests/e2e/node/ensembles.ts', JSON.stringify({ eps, sample })], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

/** Percentages of 100 digits: one digit on a tie between two backends' rounding may differ. */
function expectSame(page: EnsembleData, node: Numbers) {
  expect(page.members).toBe(node.members);
  expect(page.rows!.map((r) => r.metric)).toEqual(node.rows.map((r) => r.metric));
  page.rows!.forEach((r, i) => {
    expect(Math.abs(r.site - node.rows[i].site), r.metric).toBeLessThanOrEqual(1.01);
    expect(Math.abs(r.siteUnclipped - node.rows[i].siteUnclipped), r.metric).toBeLessThanOrEqual(1.01);
  });
  expect(Math.abs(page.clean! - node.clean)).toBeLessThanOrEqual(1.01);
  expect(Math.abs(page.memberOnItself!.clipped - node.memberOnItself.clipped)).toBeLessThanOrEqual(1.01);
}

test('the figure computes in the article, and its scroll steps set ε', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => document.querySelector('[data-scrolly="ensembles"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
  const one = await ensembleResult(page, { eps: 0 });
  for (const r of one.rows!) expect(r.site).toBeCloseTo(one.clean!, 9);
  await page.evaluate(() => document.querySelector('[data-scrolly="ensembles"] .step[data-step="2"]')!.scrollIntoView({ block: 'center' }));
  const two = await ensembleResult(page, { eps: 0.25 });
  expect(two.rows![0].site).toBeGreaterThan(50);
  await expect(page.locator('.ensembles .paper text', { hasText: 'paper: 91.1 %' })).toHaveCount(1);
  await expect(page.locator('.ensembles .paper text', { hasText: 'paper: 87.9 %' })).toHaveCount(1);
  await expect(page.locator('.ensembles .live')).toContainText('ε = 0.25');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the embed page equals row 17 computed in Node; the keyboard moves ε; the tensor count stays', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page, origin());
  await page.goto('/embed/ensembles/?backend=wasm&sample=100');
  const start = await ensembleResult(page, { eps: 0.25, sample: 100 });
  expectSame(start, nodeNumbers(0.25, 100));
  expect(start.rows![0].paper).toBe(91.1);
  expect(start.rows![1].paper).toBe(87.9);

  const eps = page.getByTestId('eps');
  await eps.focus();
  for (let i = 0; i < 6; i++) await eps.press('ArrowLeft');
  const lower = await ensembleResult(page, { eps: 0.1 });
  expectSame(lower, nodeNumbers(0.1, 100));
  expect(lower.rows![0].site).toBeLessThanOrEqual(start.rows![0].site);
  await expect(page.locator('.ensembles .live')).toContainText('ε = 0.10');
  // no paper markers away from the paper's ε
  await expect(page.locator('.ensembles .paper')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('eps')).toBe('0.1');
  expect(lower.numTensors).toBe(start.numTensors);
  await eps.press('ArrowLeft');
  const again = await ensembleResult(page, { eps: 0.075 });
  expect(again.numTensors).toBe(start.numTensors);

  await page.getByTestId('clip-unclipped').check();
  await expect(page.locator('.ensembles .live')).toContainText('unclipped');
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused with a message; ?step=N gives that step', async ({ page }) => {
  await page.goto('/embed/ensembles/?eps=1.5&sample=seven&clip=%3Cu%3Eno%3C%2Fu%3E&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('eps="1.5" is outside 0 to 0.5; using 0.5.');
  await expect(messages).toContainText('sample="seven" is not one of 100, 500, 1000, 10000; using 500.');
  await expect(messages).toContainText('clip="<u>no</u>" is not one of clipped, unclipped; using clipped.');
  expect(await messages.locator('u').count()).toBe(0);

  await page.goto('/embed/ensembles/?step=4');
  await expect(messages).toContainText('step="4" is not a step of this figure (1 to 3)');

  await page.goto('/embed/ensembles/?step=3&sample=100&backend=wasm');
  await expect(page.getByTestId('eps')).toHaveValue('0.1');
  const three = await ensembleResult(page, { eps: 0.1, sample: 100 });
  expect(three.rows!.length).toBe(2);
  expect(new URL(page.url()).searchParams.get('step')).toBe('3');
});

test('before the worker answers, row 17 is the one computed ahead in Node, said so; the live answer then replaces it without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  interface AheadFile {
    entries: { key: { epsilon: number; sample: number }; result: Numbers & { epsilon: number; sample: number } }[];
  }
  const file = JSON.parse(readFileSync('src/figures/ensembles/ahead.json', 'utf8')) as AheadFile;
  const ahead = file.entries.find((e) => e.key.epsilon === 0.25 && e.key.sample === 500)!.result;

  // the compute worker's script is held back until the figure computed ahead has been read
  const worker = await holdWorker(page);
  await page.goto('/embed/ensembles/?backend=wasm');
  await hydrated(page);
  await worker.requested();
  const root = page.locator('.ensembles');

  await test.step('the bars, the table and the live line are row 17 computed ahead, said so', async () => {
    await expect(root).toHaveAttribute('data-source', 'ahead');
    const r = await ensembleResult(page, { eps: 0.25, sample: 500, ahead: true });
    expect(r.source).toBe('ahead');
    expect(r.rows).toEqual(ahead.rows.map((x) => ({ metric: x.metric, site: x.site, siteUnclipped: x.siteUnclipped, paper: x.paper })));
    expect(r.clean).toBe(ahead.clean);
    expect(r.memberOnItself).toEqual(ahead.memberOnItself);
    await expect(root.locator('table.readout tbody tr').first().locator('td').first()).toHaveText(`${ahead.rows[0].site.toFixed(1)} %`);
    await expect(root.locator('.live')).toContainText(`misclassifies ${ahead.rows[0].site.toFixed(1)} % of examples made on the whole ensemble`);
    await expect(root.locator('.live')).toContainText('Computed ahead in Node with the same code');
    await expect(root.locator('p.readout')).toContainText('computed ahead in Node');
    await expect(root.locator('rect.bar-mark')).toHaveCount(8);
  });

  const boxes = await recordBoxEveryFrame(page, '.ensembles table.readout');
  const height = await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  await worker.release();

  const live = await test.step('the answer computed here replaces it, equal to the one computed ahead within the Node comparison’s tolerance', () => ensembleResult(page, { eps: 0.25, sample: 500 }));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.locator('.live')).not.toContainText('Computed ahead');
  expectSame(live, ahead);
  // the table never moved, and the figure kept its height
  expect((await boxes()).boxes).toHaveLength(1);
  expect(await root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

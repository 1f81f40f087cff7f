import { expect, test, type Page, type Route } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hydrated, recordBoxEveryFrame, watch } from './helpers.ts';
import type { RowResult } from '../../src/lib/analysis/reproduce.ts';
import computed from '../../src/figures/reproduce-table/computed.json' with { type: 'json' };

const origin = () => new URL(String(test.info().project.use.baseURL)).origin;

interface Result {
  sample: number | null;
  focus: string;
  clip: string;
  rows: { row: number | string; metric: string; paper: number | null; site: number; siteUnclipped: number | null }[] | null;
  numTensors: number | null;
  backend: string;
}

async function figureResult(page: Page, want: { sample?: number; focus?: string; clip?: string; timeout?: number } = {}, timeout = want.timeout ?? 110_000): Promise<Result> {
  const root = page.locator('.adversarial-training-results').first();
  let last: Result | null = null;
  await expect
    .poll(
      async () => {
        const raw = await root.getAttribute('data-result');
        if (!raw) return false;
        last = JSON.parse(raw) as Result;
        if (!last.rows) return false;
        if (want.sample !== undefined && last.sample !== want.sample) return false;
        if (want.focus !== undefined && last.focus !== want.focus) return false;
        if (want.clip !== undefined && last.clip !== want.clip) return false;
        return true;
      },
      { timeout },
    )
    .toBe(true);
  return last!;
}

const ROWS = [2, 7, 10, 11, 12, 'pgd-0.25'];

/** The embed page on the first 100 digits against npm run reproduce in Node on the same digits, and what it draws. */
async function hundredDigits(page: Page): Promise<Result> {
  // the same rows in Node, computed while the page computes its own
  const inNode = promisify(execFile)(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/reproduce.ts', '--json', '--sample', '100', '--no-paper-recipe', '--rows', ROWS.join(',')], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  // (a failure before it is awaited is reported where it is awaited)
  inNode.catch(() => {});
  const r = await test.step('the page computes the figure on 100 digits (wasm)', () => figureResult(page, { sample: 100 }));
  const node: RowResult[] = await test.step('npm run reproduce computes the same rows in Node', async () => JSON.parse((await inNode).stdout));
  expect(r.rows!.length).toBe(node.length);
  node.forEach((n, i) => {
    const b = r.rows![i];
    expect(b.row).toBe(n.row);
    expect(b.metric).toBe(n.metric);
    expect(b.paper).toBe(n.paper);
    expect(Math.abs(b.site - n.site)).toBeLessThanOrEqual(1.01); // one digit of 100
    if (n.row === 'pgd') {
      // beyond the paper: clipped only, no paper number
      expect(n.paper).toBeNull();
      expect(b.siteUnclipped).toBeNull();
      return;
    }
    expect(Math.abs(b.siteUnclipped! - n.siteUnclipped)).toBeLessThanOrEqual(1.01);
  });
  // the PGD lines: one per shipped maxout network (maxout-pgd only when the manifest lists it), beside FGSM's, with no paper marker
  const pgd = node.filter((n) => n.row === 'pgd');
  expect(pgd.map((n) => n.metric).slice(0, 2)).toEqual(['PGD error, maxout, ε = 0.25', 'PGD error, maxout-adv, ε = 0.25']);
  const group = page.locator('.adversarial-training-results [data-group="pgd"]');
  await expect(group.locator('.line')).toHaveCount(pgd.length);
  await expect(group.locator('.paper-mark')).toHaveCount(0);
  for (const n of pgd) {
    const name = n.metric.match(/PGD error, (\S+),/)![1];
    const value = r.rows!.find((b) => b.metric === n.metric)!.site;
    await expect(group.locator(`svg[aria-label="${name}: error: ours ${value.toFixed(1)} % (clipped); not in the paper"]`)).toHaveCount(1);
  }
  await expect(page.locator('.adversarial-training-results [data-group="attack"] + [data-group="pgd"]')).toHaveCount(1);
  await expect(page.locator('.adversarial-training-results .live')).toContainText('Beyond the paper, PGD (40 steps, ε = 0.25, clipped): maxout ');
  // every bar and paper marker is drawn; the paper's numbers stand apart from ours
  await expect(page.locator('.adversarial-training-results .paper-mark')).toHaveCount(12 + 1);
  await expect(page.locator('.adversarial-training-results .live')).toContainText('the paper: 17.9 %');
  return r;
}

test('the embed page computes rows 2, 7, 10, 11 and 12, and PGD at ε = 0.25, as npm run reproduce does in Node', async ({ page }) => {
  // PGD: 40 gradient passes a digit on three networks
  test.setTimeout(300_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-training-results/?sample=100&backend=wasm');
  await hundredDigits(page);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

// the same, then the first 1,000 digits (PGD-40 on three networks: most of the time)
test('the embed page computes rows 2, 7, 10, 11 and 12, and PGD at ε = 0.25, as npm run reproduce does in Node; on 1,000 digits the worker holds as many tensors as on 100', { tag: '@stress' }, async ({ page }) => {
  test.setTimeout(600_000);
  const w = watch(page, origin());
  await page.goto('/embed/adversarial-training-results/?sample=100&backend=wasm');
  const r = await hundredDigits(page);
  // another sample computes, with the models already loaded the worker holds as many tensors as before
  await page.getByTestId('sample').selectOption('1000');
  const big = await test.step('the page computes the figure on 1,000 digits', () => figureResult(page, { sample: 1000, timeout: 420_000 }));
  expect(big.numTensors).toBe(r.numTensors);
  const adv = big.rows!.find((x) => x.row === 10 && x.metric === 'FGSM error, maxout-adv')!;
  const plain = big.rows!.find((x) => x.row === 2 && x.metric === 'FGSM error')!;
  expect(adv.site).toBeLessThan(plain.site / 3);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('before the worker answers, the bars are the rows computed ahead in Node, said so; the live rows then take their place without a shift', async ({ page }) => {
  test.setTimeout(300_000);
  const w = watch(page, origin());
  // a phone's width, where the sentences wrap the most
  await page.setViewportSize({ width: 375, height: 812 });
  // the compute worker's script is held back until the figure computed ahead has been read, then the models' weights
  // until the figure has said that it computes
  const holdBack = async (pattern: RegExp) => {
    const held: Route[] = [];
    let open = false;
    await page.context().route(pattern, (route) => (open ? route.continue() : void held.push(route)));
    return {
      held,
      release: async () => {
        open = true;
        for (const route of held.splice(0)) await route.continue();
      },
    };
  };
  const worker = await holdBack(/\/worker-[^/]*\.js(\?.*)?$/);
  const weights = await holdBack(/\/models\/[^/]*\.bin(\?.*)?$/);
  await page.goto('/embed/adversarial-training-results/?sample=100&backend=wasm');
  await hydrated(page);
  await expect.poll(() => worker.held.length).toBeGreaterThan(0);
  const root = page.locator('.adversarial-training-results');
  const ahead = (row: number, metric: string) => computed.rows.find((r) => r.row === row && r.metric === metric)!;
  const label = (name: string, r: { site: number; siteUnclipped: number | null; paper: number | null }) =>
    `${name}: error: ours ${r.site.toFixed(1)} % (clipped), ${r.siteUnclipped!.toFixed(1)} % (unclipped), the paper ${r.paper!.toFixed(1)} %`;
  /** The drawn length of a line's bar, as a share of its track (the FGSM group's scale is 0 to 100 %). */
  const drawn = (name: string) =>
    root.locator(`[data-group="attack"] svg[aria-label^="${name}: error: ours"]`).evaluate((svg) => {
      const ours = svg.querySelector('rect.ours')!.getBoundingClientRect().width;
      return (100 * ours) / svg.querySelector('rect.track')!.getBoundingClientRect().width;
    });
  const lines = { maxout: ahead(2, 'FGSM error'), 'maxout-adv': ahead(10, 'FGSM error, maxout-adv') };
  await test.step('rows 2 and 10 as npm run reproduce computed them on all 10,000 digits, said so', async () => {
    expect(computed.sample).toBe(10000);
    await expect(root).toHaveAttribute('data-source', 'computed-ahead');
    expect(await root.getAttribute('data-result')).toBeNull();
    for (const [name, r] of Object.entries(lines)) {
      await expect(root.locator(`svg[aria-label="${label(name, r)}"]`)).toHaveCount(1);
      expect(Math.abs((await drawn(name)) - r.site)).toBeLessThan(0.5);
    }
    await expect(root.getByTestId('computed-ahead')).toContainText(`Computed ahead in Node on 10,000 test digits (PGD: ${computed.beyondSample.toLocaleString('en-US')}).`);
    await expect(root.locator('.live')).toContainText(`Computed ahead in Node on all 10,000 test digits`);
    await expect(root.locator('.live')).toContainText(`maxout errs on ${lines.maxout.site.toFixed(1)} %`);
    // not empty, so not busy: nothing computes until the worker starts
    await expect(root.locator('figure.figure')).toHaveAttribute('aria-busy', 'false');
  });
  const height = () => root.locator('figure.figure').evaluate((f) => f.getBoundingClientRect().height);
  const aheadHeight = await height();
  // every frame from here to the live answer: the last group of bars stays where it is
  const boxes = await recordBoxEveryFrame(page, '.adversarial-training-results [data-group="clean"]');
  await worker.release();
  await test.step('while the worker computes, the figure says so and still shows the rows computed ahead', async () => {
    await expect(root.locator('.live')).toContainText(/computing on the first 100 here: \d+ %/, { timeout: 120_000 });
    await expect(root.getByRole('progressbar', { name: 'computing the rows' })).toBeVisible();
    await expect(root.getByTestId('computed-ahead')).toBeVisible();
    await expect(root.locator(`svg[aria-label="${label('maxout', lines.maxout)}"]`)).toHaveCount(1);
    await expect(root).toHaveAttribute('data-source', 'computed-ahead');
  });
  await weights.release();
  const r = await test.step('the live rows on 100 digits replace them', () => figureResult(page, { sample: 100 }, 240_000));
  await expect(root).toHaveAttribute('data-source', 'browser');
  await expect(root.getByTestId('computed-ahead')).toHaveCount(0);
  await expect(root.getByTestId('computed-here')).toContainText('On the first 100 test digits, computed in');
  const live = (row: number, metric: string) => r.rows!.find((x) => x.row === row && x.metric === metric)! as { site: number; siteUnclipped: number; paper: number };
  for (const [name, row, metric] of [['maxout', 2, 'FGSM error'], ['maxout-adv', 10, 'FGSM error, maxout-adv']] as const) {
    const x = live(row, metric);
    await expect(root.locator(`svg[aria-label="${label(name, x)}"]`)).toHaveCount(1);
    expect(Math.abs((await drawn(name)) - x.site)).toBeLessThan(0.5);
  }
  // the numbers computed ahead are gone (on 100 digits every error is a whole percent; on 10,000 maxout-adv's is not)
  await expect(root.locator(`svg[aria-label="${label('maxout-adv', lines['maxout-adv'])}"]`)).toHaveCount(0);
  await expect(root.locator('.live')).toContainText('On the first 100 test digits, the site’s networks');
  const seen = await boxes();
  expect(seen.frames).toBeGreaterThan(10);
  expect(seen.boxes).toHaveLength(1);
  // and the figure is as tall with the live rows as with those computed ahead (the readout's sentence included)
  expect(await height()).toBe(aheadHeight);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('keyboard-operable controls; a bad URL value is refused; ?step=N gives that step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/embed/adversarial-training-results/?sample=7&focus=%3Cb%3E&backend=wasm');
  const messages = page.locator('.figure-messages');
  await expect(messages).toContainText('sample="7" is not one of 100, 1000, 10000; using 1000.');
  await expect(messages).toContainText('focus="<b>" is not one of all, attack, transfer, noise, clean; using all.');
  expect(await messages.locator('b').count()).toBe(0);

  await page.goto('/embed/adversarial-training-results/?sample=100&backend=wasm');
  await figureResult(page, { sample: 100 });
  const clip = page.getByTestId('clip');
  await clip.focus();
  await page.keyboard.press('ArrowDown');
  await figureResult(page, { clip: 'unclipped' });
  await expect(page.locator('.adversarial-training-results .legend')).toContainText('ours, FGSM examples unclipped');

  await page.goto('/embed/adversarial-training-results/?step=6');
  await expect(messages).toContainText('step="6" is not a step of this figure (1 to 5)');
  await page.goto('/embed/adversarial-training-results/?step=2&sample=100&backend=wasm');
  await figureResult(page, { focus: 'transfer', clip: 'clipped' });
  await expect(page.locator('.adversarial-training-results [data-group="attack"]')).toHaveClass(/dim/);
  await expect(page.locator('.adversarial-training-results [data-group="transfer"]')).not.toHaveClass(/dim/);
  expect(new URL(page.url()).searchParams.get('step')).toBe('2');
});

test('in the article, scrolling through the steps moves the figure', async ({ page }) => {
  test.setTimeout(360_000);
  const w = watch(page, origin());
  // the steps are in the HTML: no need to wait for every picture of the whole article to load
  await page.goto('/?backend=wasm', { waitUntil: 'domcontentloaded' });
  const go = (n: number) => page.evaluate((k) => document.querySelector(`[data-scrolly="adversarial-training-results"] .step[data-step="${k}"]`)!.scrollIntoView({ block: 'center' }), n);
  // the live training just above shares the page's one worker; it shows its finished run and trains only when the
  // reader presses Train, so passing it leaves this figure the worker
  await test.step('the live training above shows its finished run and does not train by itself', async () => {
    await page.evaluate(() => document.querySelector('[data-scrolly="adversarial-training"] .step[data-step="1"]')!.scrollIntoView({ block: 'center' }));
    const training = page.locator('.adversarial-training').first();
    const state = async () => JSON.parse((await training.getAttribute('data-result')) ?? '{}') as { running?: boolean; training?: boolean; finished?: number[] | null };
    await expect.poll(async () => ((await state()).finished ?? []).length, { timeout: 120_000 }).toBeGreaterThan(0);
    const t = await state();
    expect([t.running, t.training]).toEqual([false, false]);
  });
  await go(1);
  // on the first 100 digits, chosen with the figure's own control as a reader may (the default 1,000 runs PGD-40 on
  // three networks: minutes on a busy machine; the embed tests compare both samples with Node); the run on 1,000
  // already asked for is cancelled
  const results = page.locator('.adversarial-training-results').first();
  await expect(results.locator('.backend[data-backend]:not([data-backend=""])')).toHaveCount(1, { timeout: 120_000 });
  await results.getByTestId('sample').selectOption('100');
  // five networks to load and attack: wait for the first result as long as the test may run, whatever the machine's speed
  await figureResult(page, { focus: 'attack', sample: 100 }, 300_000);
  await go(3);
  await figureResult(page, { focus: 'noise' });
  await go(5);
  await figureResult(page, { focus: 'all', clip: 'unclipped' });
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

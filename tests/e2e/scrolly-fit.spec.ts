import { expect, test, type Page } from '@playwright/test';
import { CORE_FIGURES } from './helpers.ts';

/**
 * The reading rule of the article's sticky figures, at a phone's size, a laptop's and the smallest phone's (320 px
 * wide): for every step of every scrolly figure, the figure fits its sticky frame (the frame never scrolls inside
 * itself, the figure is no taller than the screen it has, and it is not shrunk below a legible size), and each part
 * the step names (its `focus`, the figure's `data-panel`) is on screen and not covered by a step card.
 */

/** The smallest scale a figure may be drawn at (src/components/scrollyFit.ts's MIN_ZOOM). */
const MIN_ZOOM = 0.6;
/** On one column the figure keeps at most this share of the screen, the cards the rest (PHONE_SHARE there). */
const PHONE_SHARE = 0.6;
/**
 * How long a step waits for its figure to finish computing before it is measured as it stands. Most figures answer a
 * step well within it; the few that compute for minutes (fgsm-sweep's curves, §6's PGD row, the attack ladder) are
 * measured while computing, as a reader who scrolls on sees them (the figures' own specs check their fit with results).
 * A figure still computing when its last step was measured is measured at once at the next: it is at the same work (or
 * at a step's new request, which a figure that took longer than SETTLE_MS for the last one will not finish sooner).
 */
const SETTLE_MS = 3_000;
/** How long a step waits at most for the parts it names to appear (those drawn only with their results): a cap, not
 * a wait, since the step goes on as soon as they are there; on a loaded machine a figure's recomputation can queue
 * behind its neighbours' in the article's one worker for well over a minute (maxout-filters' histogram at step 4). */
const NAMED_MS = 300_000;

interface Measure {
  active: boolean;
  /** The figure is being fitted (it is measured once the fit has ended). */
  fitting: boolean;
  overflowY: string;
  frameScroll: number;
  frameClient: number;
  figTop: number;
  figBottom: number;
  zoom: number;
  named: { key: string; count: number; top: number; bottom: number; left: number; right: number; covered: string | null }[];
}

async function measure(page: Page, name: string, n: number): Promise<Measure> {
  return page.evaluate(
    ([name, n]) => {
      const root = document.querySelector(`.scrolly[data-scrolly="${name}"]`)!;
      const step = root.querySelector<HTMLElement>(`.step[data-step="${n}"]`)!;
      const frame = root.querySelector<HTMLElement>('.scrolly-figure')!;
      const fig = frame.querySelector<HTMLElement>('figure.figure')!;
      const r = fig.getBoundingClientRect();
      const keys = (step.dataset.focus ?? '').split(/\s+/).filter(Boolean);
      const named = keys.map((key) => {
        const els = [...frame.querySelectorAll<HTMLElement>('[data-panel]')].filter(
          (e) => e.dataset.panel!.split(/\s+/).includes(key) && !e.hasAttribute('data-panel-hidden') && e.getClientRects().length > 0,
        );
        const boxes = els.map((e) => e.getBoundingClientRect());
        const top = Math.min(...boxes.map((b) => b.top));
        const bottom = Math.max(...boxes.map((b) => b.bottom));
        const left = Math.min(...boxes.map((b) => b.left));
        const right = Math.max(...boxes.map((b) => b.right));
        // whatever is drawn at the part's centre must belong to the figure, not to a step card
        const hit = els.length ? document.elementFromPoint((left + right) / 2, (top + bottom) / 2) : null;
        const covered = hit && !fig.contains(hit) ? `${hit.tagName.toLowerCase()}.${hit.className}` : null;
        return { key, count: els.length, top, bottom, left, right, covered };
      });
      return {
        active: step.hasAttribute('data-active'),
        fitting: frame.hasAttribute('data-fitting'),
        overflowY: getComputedStyle(frame).overflowY,
        frameScroll: frame.scrollHeight,
        frameClient: frame.clientHeight,
        figTop: r.top,
        figBottom: r.bottom,
        zoom: Number(frame.dataset.zoom ?? 1),
        named,
      };
    },
    [name, n] as const,
  );
}

// npm test: the scrolly figures among the core figures (helpers.ts: one of each kind the kit builds) at a phone's size
// and a laptop's; test:stress: the others at those sizes, and all of them at the smallest phone's (the first iPhone SE)
const phone = { width: 375, height: 812, phone: true };
const laptop = { width: 1280, height: 900, phone: false };
const smallest = { width: 320, height: 640, phone: true };
for (const { size, which, tag } of [
  { size: phone, which: 'core', tag: [] as string[] },
  { size: laptop, which: 'core', tag: [] as string[] },
  { size: phone, which: 'other', tag: ['@stress'] },
  { size: laptop, which: 'other', tag: ['@stress'] },
  { size: smallest, which: 'every', tag: ['@stress'] },
] satisfies { size: typeof phone; which: 'core' | 'other' | 'every'; tag: string[] }[]) {
  test(`at ${size.width}×${size.height}, every step of ${which} scrolly figure${which === 'every' ? '' : 's'} fits its frame and shows the part it names`, { tag }, async ({ page }) => {
    test.setTimeout(30 * 60_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto('/');
    const all = await page.locator('.scrolly').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.scrolly!));
    expect(all.length).toBeGreaterThan(15);
    const chosen = all.filter((n) => which === 'every' || CORE_FIGURES.has(n) === (which === 'core'));
    expect(chosen.length).toBeGreaterThan(which === 'core' ? 5 : 8);
    // SCROLLY_FIT_ONLY=fgsm-hero,rotation checks those figures alone (while one is being fixed)
    const only = process.env.SCROLLY_FIT_ONLY?.split(',').filter(Boolean);
    const names = only ? chosen.filter((n) => only.includes(n)) : chosen;
    const failures: string[] = [];
    for (const name of names) {
      const steps = await page.locator(`.scrolly[data-scrolly="${name}"] .step`).count();
      // whether the figure was still computing when the step before was measured
      let stillBusy = false;
      for (let n = 1; n <= steps; n++) {
        const where = `${name} step ${n}`;
        // the step's top just past its trigger, as a reader scrolling down meets it
        await page.evaluate(([name, n, phone]) => {
          const step = document.querySelector(`.scrolly[data-scrolly="${name}"] .step[data-step="${n}"]`)!;
          const trigger = phone ? (1 + 0.6) / 2 : 0.55;
          window.scrollBy(0, step.getBoundingClientRect().top - innerHeight * (trigger - 0.05));
        }, [name, n, size.phone] as const);
        await expect(page.locator(`.scrolly[data-scrolly="${name}"] .step[data-step="${n}"]`), where).toHaveAttribute('data-active', '');
        // the figure finishes computing (or SETTLE_MS passes), and the parts the step names exist (some appear only
        // with their results: up to NAMED_MS)
        const waited = Date.now();
        await page
          .locator(`.scrolly[data-scrolly="${name}"]`)
          .evaluate(
            (root, [n, settle, named]) =>
              new Promise<void>((resolve) => {
                const fig = root.querySelector('figure.figure')!;
                const keys = ((root.querySelector(`.step[data-step="${n}"]`) as HTMLElement).dataset.focus ?? '').split(/\s+/).filter(Boolean);
                const present = () => keys.every((k) => root.querySelector(`[data-panel~="${k}"]`));
                const t0 = Date.now();
                const poll = () => {
                  const t = Date.now() - t0;
                  if ((fig.getAttribute('aria-busy') === 'false' || t > settle) && (present() || t > named)) resolve();
                  else setTimeout(poll, 250);
                };
                poll();
              }),
            [n, stillBusy ? 0 : SETTLE_MS, NAMED_MS] as const,
          )
          .catch(() => {});
        // the figure refits within a few frames of its content changing
        let m = await measure(page, name, n);
        const ok = (m: Measure) => {
          // no taller than its frame's share of the screen, and all on screen (before it sticks, at a scrolly's first
          // step, it may sit lower than it will)
          const room = size.phone ? size.height * PHONE_SHARE : size.height - 32;
          const problems: string[] = [];
          if (m.overflowY === 'auto' || m.overflowY === 'scroll') problems.push(`its frame scrolls (overflow-y: ${m.overflowY})`);
          if (m.frameScroll > m.frameClient + 1) problems.push(`its frame has ${m.frameScroll - m.frameClient} px to scroll`);
          if (m.figBottom - m.figTop > room + 1) problems.push(`the figure is ${Math.round(m.figBottom - m.figTop)} px tall, more than the ${Math.round(room)} px it has`);
          if (m.figTop < -1 || m.figBottom > size.height + 1) problems.push(`the figure spans ${Math.round(m.figTop)}–${Math.round(m.figBottom)} px, off screen`);
          if (m.zoom < MIN_ZOOM - 1e-3) problems.push(`drawn at ${m.zoom} of its size`);
          for (const p of m.named) {
            if (p.count === 0) problems.push(`no visible [data-panel~="${p.key}"]`);
            else if (p.top < -1 || p.bottom > size.height + 1 || p.left < -1 || p.right > size.width + 1) problems.push(`"${p.key}" is off screen (${Math.round(p.top)}–${Math.round(p.bottom)})`);
            else if (p.covered) problems.push(`"${p.key}" is covered by ${p.covered}`);
          }
          return problems;
        };
        for (let i = 0; i < 40 && (m.fitting || ok(m).length > 0); i++) {
          await page.waitForTimeout(250);
          m = await measure(page, name, n);
        }
        stillBusy = await page.locator(`.scrolly[data-scrolly="${name}"] figure.figure`).first().evaluate((f) => f.getAttribute('aria-busy') === 'true');
        const problems = ok(m);
        if (problems.length) failures.push(`${where}: ${problems.join('; ')}`);
        if (process.env.SCROLLY_FIT_LOG) console.log(`${where}: ${((Date.now() - waited) / 1000).toFixed(1)} s${stillBusy ? ' (still computing)' : ''}, zoom ${m.zoom}, ${Math.round(m.figTop)}–${Math.round(m.figBottom)} px${problems.length ? ` — ${problems.join('; ')}` : ''}`);
      }
    }
    expect(failures).toEqual([]);
  });
}

test('a figure too tall to fit at the smallest scale is fitted a few times and left so, not fitted again without end', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  const step = page.locator('.scrolly[data-scrolly="rotation"] .step[data-step="1"]');
  await step.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await expect(step).toHaveAttribute('data-active', '');
  const frame = page.locator('.scrolly[data-scrolly="rotation"] .scrolly-figure');
  await expect(frame).not.toHaveAttribute('data-fitting', '');
  // count the fits (each sets data-fitting) from the moment the figure grows far past what any scale could fit
  const fits = await frame.evaluate(
    (el) =>
      new Promise<number>((resolve) => {
        let n = 0;
        new MutationObserver((records) => {
          for (const r of records) if (el.hasAttribute('data-fitting') && r.oldValue === null) n++;
        }).observe(el, { attributes: true, attributeFilter: ['data-fitting'], attributeOldValue: true });
        const tall = document.createElement('div');
        // as tall as three times its width: laid out wider at a smaller scale, taller still
        tall.style.aspectRatio = '1 / 3';
        el.querySelector('.figure-place')!.append(tall);
        setTimeout(() => resolve(n), 3_000);
      }),
  );
  // the fit, its four retries and the odd refit as the last one settles (before, each fit's new size set off another:
  // 12 and 15 in 3 s against 5)
  expect(fits).toBeGreaterThan(0);
  expect(fits).toBeLessThanOrEqual(8);
});

test('the wheel over a sticky figure scrolls the page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  const step = page.locator('.scrolly[data-scrolly="fgsm-sweep"] .step[data-step="1"]');
  await step.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = (await page.locator('.scrolly[data-scrolly="fgsm-sweep"] figure.figure').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const before = await page.evaluate(() => window.scrollY);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 120);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(before + 200);
});

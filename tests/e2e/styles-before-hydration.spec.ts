import { expect, test, type Page } from '@playwright/test';
import { hydrated, ORIGIN, watch } from './helpers.ts';
import { liveFigures } from '../../src/figures/index.ts';

/**
 * A figure's styles are in the built page (every Svelte component's CSS in the article's stylesheet, the figure's own
 * components' CSS in an embed page: scripts/lib/island-css.ts), not part of its island's JavaScript: the server-rendered figure is styled before it hydrates, and stays styled
 * where its JavaScript never arrives. Each test loads a page twice: once with the islands' scripts refused (the
 * markup as the server rendered it), once as a reader gets it, hydrated; every element carrying a component's
 * scoping class must have the same computed style in both.
 */

/** The properties compared: box, type and layout, which a component's stylesheet sets and the browser's defaults do not. */
const PROPS = [
  'display',
  'position',
  'box-sizing',
  'border-top-width',
  'border-top-style',
  'border-left-width',
  'border-top-left-radius',
  'padding-top',
  'padding-left',
  'margin-top',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'gap',
  'flex-wrap',
  'grid-template-areas',
  'background-color',
  'list-style-type',
] as const;

/** For each scoping class in `root`, the first element that has it and the element's computed style. */
async function scopedStyles(page: Page, root: string) {
  return page.evaluate(
    ({ root, props }) => {
      const out: Record<string, Record<string, string>> = {};
      const scope = document.querySelector(root);
      if (!scope) return out;
      for (const el of [scope, ...scope.querySelectorAll('*')]) {
        for (const c of el.classList) {
          if (!/^svelte-[a-z0-9]+$/.test(c)) continue;
          // the element's own classes, not its position, name it: the hydrated tree may hold more nodes
          const key = `${el.tagName.toLowerCase()}.${[...el.classList].sort().join('.')}`;
          if (key in out) continue;
          const cs = getComputedStyle(el);
          out[key] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
        }
      }
      return out;
    },
    { root, props: [...PROPS] },
  );
}

/** The islands' own modules: every script Astro would load to hydrate a component. */
async function refuseIslandScripts(page: Page) {
  await page.route(/\/_astro\/.*\.js(\?.*)?$/, (route) => route.abort());
}

const EMBEDS = ['fgsm-sweep', 'logit-surface', 'adversarial-slice', 'fgsm-hero'];

for (const [label, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 812 }],
] as const) {
  for (const name of EMBEDS) {
    test(`/embed/${name}/ (${label}): the server-rendered figure has its hydrated styles before any script runs`, async ({ browser }) => {
      const before = await browser.newContext({ viewport, serviceWorkers: 'block' });
      const cold = await before.newPage();
      await refuseIslandScripts(cold);
      await cold.goto(`/embed/${name}/`, { waitUntil: 'load' });
      // the islands did not hydrate: their markup is the server's
      await expect(cold.locator('astro-island[ssr]').first()).toBeAttached();
      const unhydrated = await scopedStyles(cold, 'main');
      const frameBefore = await cold.locator('figure.figure').first().boundingBox();
      await before.close();

      const after = await browser.newContext({ viewport, serviceWorkers: 'block' });
      const warm = await after.newPage();
      const w = watch(warm, ORIGIN);
      await warm.goto(`/embed/${name}/`, { waitUntil: 'load' });
      await hydrated(warm);
      const hydratedStyles = await scopedStyles(warm, 'main');
      const frameAfter = await warm.locator('figure.figure').first().boundingBox();
      await after.close();

      // the figure's frame and its parts are there, styled by their components (a frame with no stylesheet has no
      // border and no padding)
      const frameKey = Object.keys(unhydrated).find((k) => k.startsWith('figure.figure.'));
      expect(frameKey, 'the figure frame is server-rendered with its scoping class').toBeTruthy();
      expect(unhydrated[frameKey!]['border-top-width']).toBe('1px');
      expect(unhydrated[frameKey!]['padding-top']).not.toBe('0px');
      // every element that is in both trees has the same computed style in both
      const shared = Object.keys(unhydrated).filter((k) => k in hydratedStyles);
      expect(shared.length).toBeGreaterThan(3);
      for (const k of shared) expect(unhydrated[k], k).toEqual(hydratedStyles[k]);
      // and the frame has its width before hydration (its height follows the figure's content, which hydration fills)
      expect(frameBefore!.width).toBeCloseTo(frameAfter!.width, 0);
      expect(w.errors).toEqual([]);
    });
  }
}

test('the article: every figure is framed and styled before its island hydrates', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await refuseIslandScripts(page);
  await page.goto('/', { waitUntil: 'load' });
  const frames = page.locator('figure.figure');
  const n = await frames.count();
  expect(n).toBeGreaterThan(15);
  const styles = await frames.evaluateAll((els) =>
    els.map((el) => {
      const cs = getComputedStyle(el);
      return { border: cs.borderTopWidth, radius: cs.borderTopLeftRadius, padding: cs.paddingTop, hydrated: !el.closest('astro-island[ssr]') };
    }),
  );
  for (const [i, s] of styles.entries()) {
    expect(s.hydrated, `figure ${i} did not hydrate (its script was refused)`).toBe(false);
    expect({ border: s.border, radius: s.radius, padding: s.padding }, `figure ${i}`).toEqual({ border: '1px', radius: '6px', padding: '16px' });
  }
  await context.close();
});

/**
 * Every scoping class on the page, as a selector of the page's stylesheets reads it: a component whose elements carry
 * `svelte-xxxx` has at least one rule naming that class, so a class missing from every stylesheet is a component
 * whose styles the page did not carry.
 */
async function unstyledScopes(page: Page): Promise<{ used: string[]; missing: string[]; styled: number }> {
  return page.evaluate(() => {
    const inRules = new Set<string>();
    const visit = (rules: CSSRuleList) => {
      for (const r of rules) {
        if (r instanceof CSSStyleRule) for (const m of r.selectorText.matchAll(/\.(svelte-[a-z0-9]+)/g)) inRules.add(m[1]);
        if ('cssRules' in r && (r as CSSGroupingRule).cssRules) visit((r as CSSGroupingRule).cssRules);
      }
    };
    for (const sheet of document.styleSheets) visit(sheet.cssRules);
    const used = new Set<string>();
    for (const el of document.querySelectorAll('[class*="svelte-"]')) for (const c of el.classList) if (/^svelte-[a-z0-9]+$/.test(c)) used.add(c);
    return { used: [...used], missing: [...used].filter((c) => !inRules.has(c)), styled: inRules.size };
  });
}

test("each embed page carries its own figure's styles, for every part it can show, and not every figure's", async ({ browser }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('/', { waitUntil: 'load' });
  const article = await unstyledScopes(page);
  for (const { name } of liveFigures) {
    await page.goto(`/embed/${name}/`, { waitUntil: 'load' });
    await hydrated(page);
    // the parts a figure shows only when asked: the panel that brings a model, the drawing pad, its export menu
    const missing = new Set<string>();
    const bring = page.getByRole('button', { name: 'Bring your own model…' }).first();
    if (await bring.isVisible()) {
      await bring.click();
      await expect(page.locator('[data-testid$="-bring-loading"]')).toHaveCount(0);
      await expect(page.locator('[data-testid$="-bring"]').first()).toBeVisible();
    }
    const draw = page.getByRole('button', { name: 'Draw your own' }).first();
    if (await draw.isVisible()) {
      await draw.click();
      await expect(page.getByText('Loading the drawing pad…')).toHaveCount(0);
      await expect(page.locator('.drawpad canvas').first()).toBeVisible();
    }
    for (const c of (await unstyledScopes(page)).missing) missing.add(c);
    await page.getByRole('button', { name: 'Export', exact: true }).first().click();
    await expect(page.getByRole('group', { name: 'Export the figure' })).toBeVisible();
    const s = await unstyledScopes(page);
    for (const c of s.missing) missing.add(c);
    expect(s.used.length, name).toBeGreaterThan(3);
    expect([...missing], `/embed/${name}/: elements whose component's styles the page lacks`).toEqual([]);
    // the article carries every component's styles; an embed page only its figure's
    expect(s.styled, name).toBeLessThan(article.styled);
  }
  expect(article.missing).toEqual([]);
  await context.close();
});

import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { heroResult, hydrated } from './helpers.ts';

function pngSize(path: string) {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('a figure exports its current state as PNG at 1×, 2× and 4×, and as SVG with its caption and source', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?eps=0.3');
  await heroResult(page, 0.3);
  const figure = page.locator('figure.figure').first();
  const box = (await figure.boundingBox())!;
  await page.getByRole('button', { name: 'Export' }).click();
  for (const scale of [1, 2, 4]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `PNG ${scale}×` }).click()]);
    expect(download.suggestedFilename()).toBe(`fgsm-hero@${scale}x.png`);
    const size = pngSize(await download.path());
    expect(Math.abs(size.width - box.width * scale)).toBeLessThanOrEqual(2 * scale);
  }
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('Move ε');
  expect(svg).toContain('Goodfellow, Shlens &#38; Szegedy');
  // the hero is drawn on canvases: its SVG holds a raster image and says so
  expect(svg).toContain('<image');
  expect(svg).toContain('raster image');
  await expect(page.getByRole('status').filter({ hasText: 'Saved fgsm-hero.svg' })).toBeVisible();
});

test('fgsm-sweep exports its whole read-out table: the maxout row is in the PNG', async ({ page }) => {
  test.setTimeout(240_000);
  // on 100 digits: the read-out has the same rows as on the default 1,000, and every curve is computed here sooner
  await page.goto('/embed/fgsm-sweep/?sample=100');
  const figure = page.locator('figure.figure').first();
  // both models' points at ε = 0.25 computed, and the figure idle
  await expect(page.locator('table.readout tbody tr').nth(1).locator('td').first()).toContainText('%', { timeout: 180_000 });
  await expect(page.locator('table.readout tbody tr').nth(1).locator('td').first()).not.toContainText('–', { timeout: 180_000 });
  await expect(figure).toHaveAttribute('aria-busy', 'false', { timeout: 180_000 });
  await page.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG 2×' }).click()]);
  const png = readFileSync(await download.path()).toString('base64');
  // where each model's colour swatch is in the figure, and what colour the PNG has there
  const seen = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const fig = document.querySelector('figure.figure')!.getBoundingClientRect();
    const probe = document.createElement('span');
    document.body.append(probe);
    const rgb = (css: string) => {
      probe.style.color = css;
      return getComputedStyle(probe).color.match(/\d+/g)!.slice(0, 3).map(Number);
    };
    const out = [...document.querySelectorAll<HTMLElement>('table.readout .swatch')].map((sw) => {
      const r = sw.getBoundingClientRect();
      const x = Math.round((r.left + r.width / 2 - fig.left) * 2);
      const y = Math.round((r.top + r.height / 2 - fig.top) * 2);
      return { model: sw.closest('th')!.textContent!.trim(), want: rgb(getComputedStyle(sw).backgroundColor), got: [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)] };
    });
    probe.remove();
    return out;
  }, png);
  // every row of the read-out (softmax and maxout, and the adversarially trained networks where shown), the last one included
  const rows = await page.locator('table.readout tbody th').allTextContents();
  expect(seen.map((s) => s.model)).toEqual(rows.map((r) => r.trim()));
  expect(seen.map((s) => s.model)).toEqual(expect.arrayContaining(['softmax', 'maxout']));
  expect(seen.length).toBeGreaterThanOrEqual(2);
  for (const s of seen) for (let k = 0; k < 3; k++) expect(Math.abs(s.got[k] - s.want[k]), `${s.model} swatch ${s.got} vs ${s.want}`).toBeLessThanOrEqual(12);
});

test('an export asked for before the figure has computed waits for the result and says so; "Save now" saves at once with a warning', async ({ page }) => {
  // hold the model's weights back, so that the figure cannot compute until released
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/models/**', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Export' }).click();
  let downloaded = false;
  page.on('download', () => (downloaded = true));
  await page.getByRole('button', { name: 'PNG 1×' }).click();
  const status = page.locator('.export-menu [role="status"]');
  await expect(status).toContainText(/has not started computing|is still computing/);
  await expect(status).toContainText('fgsm-hero@1x.png will be saved once its result is shown');
  await page.waitForTimeout(1500);
  expect(downloaded).toBe(false);
  const download = page.waitForEvent('download', { timeout: 90_000 });
  release();
  await download;
  // by the time it saved, the figure had its result
  await expect(page.locator('.fgsm-hero[data-result]')).toHaveCount(1);
  await expect(status).toHaveText('Saved fgsm-hero@1x.png');
});

test('"Save now" exports a figure that has not computed at once, and says its charts may be empty', async ({ page }) => {
  await page.route('**/models/**', () => {
    /* never answered: the figure cannot compute */
  });
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('button', { name: 'SVG' }).click();
  await expect(page.locator('.export-menu [role="status"]')).toContainText('will be saved once its result is shown');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save now' }).click()]);
  expect(download.suggestedFilename()).toBe('fgsm-hero.svg');
  await expect(page.locator('.export-menu [role="status"]')).toContainText('before the figure had computed: its charts may be empty');
});

test('the Export and Embed menus open one at a time, Escape closes either, and focus returns to its button', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  const exportButton = page.getByRole('button', { name: 'Export', exact: true });
  const embedButton = page.getByRole('button', { name: 'Embed', exact: true });
  await exportButton.click();
  await expect(page.locator('.export-menu .panel')).toBeVisible();
  await embedButton.click();
  await expect(page.locator('.embed-menu .panel')).toBeVisible();
  await expect(page.locator('.export-menu .panel')).toHaveCount(0);
  await expect(exportButton).toHaveAttribute('aria-expanded', 'false');
  // Escape from inside the panel closes it and puts focus back on its button
  await page.locator('.embed-menu .panel input').first().focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('.embed-menu .panel')).toHaveCount(0);
  await expect(embedButton).toBeFocused();
  await exportButton.click();
  await expect(page.locator('.export-menu .panel')).toBeVisible();
  await page.getByRole('button', { name: 'PNG 4×' }).focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('.export-menu .panel')).toHaveCount(0);
  await expect(exportButton).toBeFocused();
  // and back: opening Export closes Embed
  await embedButton.click();
  await exportButton.click();
  await expect(page.locator('.embed-menu .panel')).toHaveCount(0);
  await expect(page.locator('.export-menu .panel')).toBeVisible();
});

test('each menu opens inside the window, whether its button stands at the right of the caption row or has wrapped to its left', async ({ page }) => {
  // fgsm-hero's short caption leaves the buttons at the row's right; logit-surface's long one sends them to the left
  for (const [figure, width] of [['fgsm-hero', 1280], ['logit-surface', 1280], ['logit-surface', 375], ['fgsm-hero', 375]] as const) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`/embed/${figure}/`);
    await hydrated(page);
    for (const name of ['Export', 'Embed']) {
      const button = page.getByRole('button', { name, exact: true });
      await button.click();
      const panel = page.locator(`.${name.toLowerCase()}-menu .panel`);
      await expect(panel).toBeVisible();
      const [b, p] = [(await button.boundingBox())!, (await panel.boundingBox())!];
      const where = `${figure} at ${width} px: the ${name} panel at ${Math.round(p.x)}–${Math.round(p.x + p.width)} px, its button at ${Math.round(b.x)}`;
      expect(p.x, where).toBeGreaterThanOrEqual(0);
      expect(p.x + p.width, where).toBeLessThanOrEqual(width);
      // it hangs from its button: one of its edges lines up with the button's, or, where the window is too narrow for
      // that, it stands against the window's right edge, over its button
      const aligned = Math.min(Math.abs(p.x - b.x), Math.abs(p.x + p.width - (b.x + b.width))) <= 1;
      const againstEdge = Math.abs(p.x + p.width - width) <= 1 && p.x <= b.x;
      expect(aligned || againstEdge, where).toBe(true);
      // and what it offers can be pressed where it stands
      const first = panel.locator('button, input').first();
      const f = (await first.boundingBox())!;
      expect(await page.evaluate(([x, y]) => !!document.elementFromPoint(x, y)?.closest('.panel'), [f.x + f.width / 2, f.y + f.height / 2]), where).toBe(true);
      await page.keyboard.press('Escape');
    }
  }
});

test('the menus load after the figure; pressing Export or Embed before they have loaded opens that menu, its button focused', async ({ page }) => {
  // the menus' code is held back until each button has been pressed once
  const held: import('@playwright/test').Route[] = [];
  let open = false;
  await page.route(/\/FigureMenus\.[^/]*\.js$/, (route) => (open ? route.continue() : void held.push(route)));
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  const exportButton = page.getByRole('button', { name: 'Export', exact: true });
  await expect(exportButton).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(() => held.length).toBeGreaterThan(0);
  await exportButton.click();
  await expect(page.locator('.export-menu .panel')).toHaveCount(0);
  open = true;
  for (const r of held.splice(0)) await r.continue();
  await expect(page.locator('.export-menu .panel')).toBeVisible();
  await expect(exportButton).toHaveAttribute('aria-expanded', 'true');
  await expect(exportButton).toBeFocused();
  // its styles came with it: the panel lies over the figure, not in the flow
  expect(await page.locator('.export-menu .panel').evaluate((e) => getComputedStyle(e).position)).toBe('absolute');
  // the same for Embed on a fresh page
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  open = false;
  await page.route(/\/FigureMenus\.[^/]*\.js$/, (route) => (open ? route.continue() : void held.push(route)));
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  await expect.poll(() => held.length).toBeGreaterThan(0);
  const embedButton = page.getByRole('button', { name: 'Embed', exact: true });
  await embedButton.click();
  open = true;
  for (const r of held.splice(0)) await r.continue();
  await expect(page.locator('.embed-menu .panel')).toBeVisible();
  await expect(embedButton).toBeFocused();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

import { expect, test } from '@playwright/test';
import { argmax, heroResult, hydrated, ORIGIN, watch } from './helpers.ts';


test('the embed page starts from the URL state', async ({ page }) => {
  const w = watch(page, ORIGIN);
  await page.goto('/embed/fgsm-hero/?eps=0.3&digit=4');
  await expect(page.getByTestId('eps')).toHaveValue('0.3');
  const r = await heroResult(page, 0.3);
  expect(r.label).toBe(4);
  await expect(page.locator('.figure-messages')).toHaveCount(0);
  // only the figure: no article chapters
  await expect(page.locator('.chapter')).toHaveCount(0);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the hero’s embed page shows its build-time poster until the worker answers, only in the state the poster shows', async ({ page }) => {
  const w = watch(page, ORIGIN);
  const poster = (await (await page.request.get('/posters/fgsm-hero.json')).json()) as { digit: number; eps: number; adversarial: { predicted: number } };
  // the compute worker is held back: what is seen is the page before it answers
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/_astro/worker*', async (route) => {
    await held;
    await route.continue();
  });
  const images = page.locator('.fgsm-hero img[src*="posters/fgsm-hero-"]');
  const adversarial = page.getByTestId('adversarial-prediction');
  // another digit, another ε: the poster is not theirs, so neither its pictures nor its predictions are shown
  for (const other of [`digit=${poster.digit + 1}`, `eps=${poster.eps === 0.1 ? 0.3 : 0.1}`]) {
    await page.goto(`/embed/fgsm-hero/?${other}`);
    await hydrated(page);
    await expect(images).toHaveCount(0);
    await expect(adversarial).toHaveText('…');
  }
  await page.goto('/embed/fgsm-hero/');
  await hydrated(page);
  await expect(images).toHaveCount(3);
  for (const part of ['clean', 'direction', 'adversarial']) await expect(page.locator(`.fgsm-hero img[src$="posters/fgsm-hero-${part}.png"]`)).toBeVisible();
  await expect(adversarial).toContainText(`“${poster.adversarial.predicted}”`);
  expect(await page.locator('.fgsm-hero').getAttribute('data-result')).toBeNull();
  release();
  // the live result takes the poster's place, with the same answer
  const r = await heroResult(page, poster.eps);
  await expect(images).toHaveCount(0);
  expect(argmax(r.adversarial)).toBe(poster.adversarial.predicted);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('a bad URL value is refused or clamped with a visible message, never reflected as HTML', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?eps=banana');
  await expect(page.locator('.figure-messages')).toContainText('eps="banana" is not a number; using 0.2.');
  await heroResult(page, 0.2);

  await page.goto('/embed/fgsm-hero/?eps=9&digit=-4');
  await expect(page.locator('.figure-messages')).toContainText('outside 0 to 0.5; using 0.5');
  await expect(page.locator('.figure-messages')).toContainText('digit="-4" is outside 0 to 9999; using 0');
  await heroResult(page, 0.5);

  await page.goto('/embed/fgsm-hero/?model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&backend=tpu');
  await expect(page.locator('.figure-messages')).toContainText('model="<img src=x onerror=alert(1)>" is not one of softmax');
  await expect(page.locator('.figure-messages')).toContainText('backend="tpu"');
  expect(await page.locator('.figure-messages img').count()).toBe(0);
});

test('?controls=0 hides the controls', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?controls=0');
  await heroResult(page);
  await expect(page.getByTestId('eps')).toHaveCount(0);
});

test('the wasm and cpu backends agree with webgl', async ({ page }) => {
  test.setTimeout(240_000);
  const results: Record<string, Awaited<ReturnType<typeof heroResult>>> = {};
  // webgl by name (the site's own choice is wasm where WebGL renders in software)
  for (const backend of ['webgl', 'wasm', 'cpu']) {
    for (const digit of [0, 8]) {
      await page.goto(`/embed/fgsm-hero/?eps=0.1&digit=${digit}&backend=${backend}`);
      const r = await heroResult(page, 0.1);
      if (backend !== 'webgl') expect(r.backend).toBe(backend);
      await expect(page.locator('.fgsm-hero .backend')).toHaveText(r.backend);
      results[`${backend}:${digit}`] = r;
    }
  }
  for (const backend of ['wasm', 'cpu']) {
    for (const digit of [0, 8]) {
      const a = results[`webgl:${digit}`];
      const b = results[`${backend}:${digit}`];
      expect(argmax(b.clean)).toBe(argmax(a.clean));
      expect(argmax(b.adversarial)).toBe(argmax(a.adversarial));
      for (let k = 0; k < 10; k++) {
        expect(Math.abs(b.clean[k] - a.clean[k])).toBeLessThan(1e-3);
        expect(Math.abs(b.adversarial[k] - a.adversarial[k])).toBeLessThan(1e-3);
      }
    }
  }
  console.log(`asked for webgl, this browser ran: ${results['webgl:0'].backend}`);
});

test('the permalink keeps the theme and controls the page was given (and not a theme it refused)', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?eps=0.3&theme=dark&controls=0');
  await hydrated(page);
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  const link = new URL(await page.getByLabel('Permalink').inputValue());
  expect(link.pathname).toBe('/embed/fgsm-hero/');
  expect(Object.fromEntries(link.searchParams)).toEqual({ eps: '0.3', theme: 'dark', controls: '0' });
  await expect(page.getByLabel('iframe')).toHaveValue(new RegExp(`src="${link.href.replace(/[?.]/g, '\\$&')}"`));
  await page.goto('/embed/fgsm-hero/?theme=blue&controls=1');
  await hydrated(page);
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  expect(Object.fromEntries(new URL(await page.getByLabel('Permalink').inputValue()).searchParams)).toEqual({ controls: '1' });
});

test('300 unknown parameters give one message, and the figure stays in view', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const junk = Array.from({ length: 300 }, (_, i) => `junk${i}=${i}`).join('&');
  await page.goto(`/embed/fgsm-hero/?${junk}&eps=0.3`);
  const messages = page.locator('.figure-messages li');
  await expect(messages).toHaveCount(1);
  await expect(messages).toHaveText('300 unknown parameters ignored: "junk0", "junk1", "junk2", "junk3", "junk4" and 295 more.');
  await heroResult(page, 0.3);
  await page.evaluate(() => window.scrollTo(0, 0));
  const body = await page.locator('.figure-body').boundingBox();
  expect(body!.y).toBeLessThan(812 / 2);
});

test('hexadecimal numbers are refused with a message, and an ε beyond its sweep range is clamped with one', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?digit=0x10');
  await expect(page.locator('.figure-messages')).toContainText('digit="0x10" is not a decimal number');
  const r = await heroResult(page);
  // digit 0 (the default), not 16
  expect(r.label).toBe(7);
  await page.goto('/embed/logit-sweep/?range=5&eps=12');
  await expect(page.locator('.figure-messages')).toContainText('eps=12 is outside −5 to 5 (the range of ε); using 5.');
  await expect(page.getByTestId('eps')).toHaveValue('5');
});

test('clearing or mistyping the digit field keeps the digit shown and says so; a digit out of range is clamped with a message', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?digit=12');
  let r = await heroResult(page);
  const label12 = r.label;
  const field = page.getByTestId('digit');
  await field.fill('');
  await field.press('Enter');
  await expect(page.getByTestId('digit-note')).toHaveText('Not a test digit number; still showing digit 12. Type 0 to 9999.');
  await expect(field).toHaveValue('12');
  // the refused value asked for nothing: the state (and so the URL) still names digit 12, the figure is idle, its result digit 12's
  await expect(page).toHaveURL(/digit=12(&|$)/);
  await expect(page.locator('figure.figure').first()).toHaveAttribute('aria-busy', 'false');
  r = await heroResult(page);
  expect(r.label).toBe(label12);
  await field.fill('2.5');
  await field.press('Enter');
  await expect(page.getByTestId('digit-note')).toContainText('2.5 is not a whole number; still showing digit 12.');
  await field.fill('12345');
  await field.press('Enter');
  await expect(page.getByTestId('digit-note')).toHaveText('12345 is outside 0 to 9999; using 9999.');
  await expect(field).toHaveValue('9999');
  await expect(page).toHaveURL(/digit=9999/);
  // a good value clears the note
  await field.fill('3');
  await field.press('Enter');
  await expect(page.getByTestId('digit-note')).toHaveCount(0);
  await expect(page).toHaveURL(/digit=3/);
});

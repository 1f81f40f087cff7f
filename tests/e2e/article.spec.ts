import { expect, test, type Response } from '@playwright/test';
import { argmax, heroResult, ORIGIN, setSlider, watch } from './helpers.ts';

// a route that rewrites a fetched file (route.fetch) may still be waiting when the test ends (the page's worker asks
// late): stop routing first, so that it ends quietly instead of as an error outside any test
test.afterEach(async ({ page }) => {
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});


const chapters = [
  '§1 Introduction',
  '§2 Related work',
  '§3 The linear explanation of adversarial examples',
  '§4 Linear perturbation of non-linear models',
  '§5 Adversarial training of linear models versus weight decay',
  '§6 Adversarial training of deep networks',
  '§7 Different kinds of model capacity',
  '§8 Why do adversarial examples generalize?',
  '§9 Alternative hypotheses',
  '§10 Summary and discussion',
  'Appendix A Rubbish class examples',
];

test('the article has every chapter, in order, with rendered math and citations', async ({ page }) => {
  const w = watch(page, ORIGIN);
  await page.goto('/');
  const headings = (await page.locator('main .chapter > h2').allTextContents()).map((h) => h.trim());
  const positions = chapters.map((c) => headings.findIndex((h) => h.startsWith(c)));
  for (let i = 0; i < chapters.length; i++) expect(positions[i], chapters[i]).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
  // the closing chapter comes after the appendix, then the references
  const closing = headings.findIndex((h) => /bugs|features/i.test(h));
  expect(closing).toBeGreaterThan(positions[positions.length - 1]);
  expect(headings.indexOf('References')).toBeGreaterThan(closing);

  // math is rendered at build time: KaTeX markup, MathML for screen readers, no raw TeX left
  expect(await page.locator('.katex').count()).toBeGreaterThan(20);
  expect(await page.locator('.katex-display').count()).toBeGreaterThan(5);
  const prose = await page.locator('main').innerText();
  expect(prose).not.toMatch(/\$\$|\\nabla|\\epsilon/);
  expect(await page.locator('#linear-perturbation .katex-mathml', { hasText: 'sign' }).count()).toBeGreaterThan(0);

  // a citation shows its details on hover, and links to the bibliography
  const cite = page.locator('main a[href^="#bib-goodfellow2015explaining"]').first();
  await cite.scrollIntoViewIfNeeded();
  await cite.hover();
  const tip = page.locator('.cite-tip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('Explaining and harnessing adversarial examples', { ignoreCase: true });
  // the entry reads as text: "Shlens, J., & Szegedy", not a character reference
  await expect(tip).toContainText('Shlens, J., & Szegedy');
  await expect(tip).not.toContainText('&#');
  await expect(page.locator('#references .csl-entry', { hasText: 'Intriguing properties of neural networks' })).toHaveCount(1);
  await expect(page.locator('#cite pre')).toContainText('@misc');

  // footnotes are per chapter and their links resolve
  const refs = page.locator('main a[data-footnote-ref]');
  expect(await refs.count()).toBeGreaterThan(0);
  const hrefs = await refs.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  expect(new Set(hrefs).size).toBe(hrefs.length);
  for (const h of hrefs) expect(await page.locator(`[id="${h.slice(1)}"]`).count(), h).toBe(1);

  // the table of contents shows where the reader is
  await page.locator('#model-capacity').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('model-capacity')!.scrollIntoView());
  await expect(page.locator('.toc a[aria-current="true"]')).toHaveAttribute('data-toc', 'model-capacity');

  await heroResult(page);
  expect(w.errors).toEqual([]);
  expect(w.foreign).toEqual([]);
});

test('the first paint loads no TensorFlow.js, and the hero shows its build-time poster', async ({ page }) => {
  const scripts: string[] = [];
  const bodies: Promise<{ url: string; text: string }>[] = [];
  const onResponse = (r: Response) => {
    if (r.request().resourceType() !== 'script' || /worker/.test(r.url())) return;
    scripts.push(r.url());
    bodies.push(r.text().then((text) => ({ url: r.url(), text })));
  };
  page.on('response', onResponse);
  // hold the worker back until the page has been looked at: what is seen is the page before it starts
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/_astro/worker*', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.locator('.fgsm-hero img[src*="posters/fgsm-hero-adversarial.png"]')).toBeVisible();
  await expect(page.getByTestId('adversarial-prediction')).not.toHaveText('…');
  const mainThreadTf = await page.evaluate(() => 'tf' in window || performance.getEntriesByType('resource').some((e) => /tfjs|tf-core/.test(e.name)));
  expect(mainThreadTf).toBe(false);
  // what was fetched up to here is checked; a script that arrives later (an island hydrating) would have its body
  // read after the test ends
  page.off('response', onResponse);
  release();
  for (const s of scripts) expect(s).not.toMatch(/tfjs/);
  // and none of the page's own scripts carries TensorFlow.js code (a stray import would bundle it)
  for (const b of await Promise.all(bodies)) expect(b.text.includes('not registered for backend'), b.url).toBe(false);
});

test('the hero computes, and moving ε changes the adversarial prediction', async ({ page }) => {
  const w = watch(page, ORIGIN);
  // on its own page: in the article its scroll steps would move it
  await page.goto('/embed/fgsm-hero/');
  const first = await heroResult(page, 0.2);
  expect(first.label).toBe(7);
  expect(argmax(first.clean)).toBe(7);
  expect(argmax(first.adversarial)).not.toBe(7);
  await expect(page.locator('.fgsm-hero .backend')).not.toHaveText('not started');

  await setSlider(page, 'eps', 0);
  const none = await heroResult(page, 0);
  expect(argmax(none.adversarial)).toBe(7);
  for (let k = 0; k < 10; k++) expect(none.adversarial[k]).toBeCloseTo(none.clean[k], 5);
  await expect(page.locator('.fgsm-hero .live')).toContainText('not fooled');

  await setSlider(page, 'eps', 0.3);
  const strong = await heroResult(page, 0.3);
  expect(argmax(strong.adversarial)).not.toBe(7);
  await expect(page.locator('.fgsm-hero .live')).toContainText('ε = 0.30');

  // another test digit
  await page.getByTestId('digit').fill('1');
  await page.getByTestId('digit').press('Enter');
  await expect.poll(async () => JSON.parse((await page.locator('.fgsm-hero').getAttribute('data-result'))!).label).toBe(2);
  expect(w.errors).toEqual([]);
});

test('a drawn digit is preprocessed and attacked; an empty drawing gets a message', async ({ page }) => {
  await page.goto('/');
  await heroResult(page);
  // the pad's box in every frame from the moment it opens to the first stroke (the sticky frame fits the figure to the
  // pad's size before the pad is first painted, and the pad keeps its message's line: it never moves under the pen)
  await page.evaluate(() => {
    const w = window as unknown as { padBoxes: string[]; padStop: boolean };
    w.padBoxes = [];
    w.padStop = false;
    const tick = () => {
      const c = document.querySelector('.fgsm-hero .drawpad canvas');
      if (c) {
        const r = c.getBoundingClientRect();
        w.padBoxes.push(`${r.x.toFixed(1)},${r.y.toFixed(1)},${r.width.toFixed(1)},${r.height.toFixed(1)} at scroll ${scrollY}`);
      }
      if (!w.padStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // the hero's picker (logit-sweep's offers a drawing too)
  await page.locator('.fgsm-hero').getByRole('button', { name: 'Draw your own' }).click();
  const pad = page.locator('.drawpad canvas');
  const opened = (await pad.boundingBox())!;
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  await expect(page.getByRole('alert')).toContainText('no ink');
  // a few frames with the message shown
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve)))));
  const box = (await pad.boundingBox())!;
  const boxes = await page.evaluate(() => {
    const w = window as unknown as { padBoxes: string[]; padStop: boolean };
    w.padStop = true;
    return w.padBoxes;
  });
  expect(boxes.length).toBeGreaterThan(2);
  expect([...new Set(boxes)], 'the pad moved between opening and the first stroke').toHaveLength(1);
  expect(box).toEqual(opened);
  // a vertical stroke: a "1"
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 0; i <= 10; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * i));
  await page.mouse.up();
  await page.getByRole('button', { name: 'Use this drawing' }).click();
  await expect(page.locator('.fgsm-hero .live')).toContainText('your drawing');
  const r = await heroResult(page);
  expect(r.label).toBe(argmax(r.clean));
  expect(argmax(r.clean)).toBe(1);
});

test('a missing model file is named, with a retry that recovers', async ({ page }) => {
  let block = true;
  await page.route('**/models/softmax.bin', (route) => (block ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
  await page.goto('/embed/fgsm-hero/');
  const alert = page.locator('.figure-error');
  await expect(alert).toContainText('softmax.bin');
  await expect(alert).toContainText('404');
  // the poster or message stays: no blank figure, and the page still works
  block = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toHaveCount(0);
  await heroResult(page);
});

test('a corrupt model file fails its integrity check', async ({ page }) => {
  await page.route('**/models/softmax.bin', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[100] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await page.goto('/embed/fgsm-hero/');
  await expect(page.locator('.figure-error')).toContainText('integrity');
  await expect(page.locator('.figure-error')).toContainText('softmax.bin');
});

test('the hero’s scroll steps walk through §1’s three ideas', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  const steps = page.locator('[data-scrolly="fgsm-hero"] .step');
  await expect(steps).toHaveCount(3);
  const expected = [
    { model: 'softmax', eps: 0.1 },
    { model: 'maxout', eps: 0.25 },
    { model: 'maxout-adv', eps: 0.25 },
  ];
  const results = [];
  for (let i = 0; i < 3; i++) {
    await steps.nth(i).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await expect(steps.nth(i)).toHaveAttribute('data-active', '');
    await expect(page.locator('.fgsm-hero').getByTestId('model')).toHaveValue(expected[i].model);
    results.push(await heroResult(page, expected[i].eps, expected[i].model));
  }
  // the same test digit throughout; a linear model and a maxout network are fooled, the adversarially trained one is not
  const label = results[0].label;
  for (const r of results) expect(r.label).toBe(label);
  expect(argmax(results[0].adversarial)).not.toBe(label);
  expect(argmax(results[1].adversarial)).not.toBe(label);
  expect(argmax(results[2].adversarial)).toBe(label);
});

test('?step=N on the embed page shows that step; a bad step is refused with a message', async ({ page }) => {
  await page.goto('/embed/fgsm-hero/?step=2');
  await expect(page.getByTestId('model')).toHaveValue('maxout');
  await heroResult(page, 0.25);
  await page.goto('/embed/fgsm-hero/?step=9');
  await expect(page.locator('.figure-messages')).toContainText('step="9" is not a step of this figure (1 to 3)');
  await heroResult(page, 0.2);
});

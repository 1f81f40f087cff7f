/**
 * TensorFlow.js runs only in the compute worker. The unit test
 * tests/unit/no-tfjs-on-page.test.ts follows the source imports; this one
 * looks at what the browser really fetched: the page's own resource timing
 * (a worker's fetches are in the worker's timeline, not the page's) after
 * every island of the article has hydrated, and on every embed page.
 */
import { test, expect, type Page } from '@playwright/test';
import { liveFigures } from '../../src/figures/index.ts';
import { recordResources, tensorflowChunks } from '../../scripts/lib/page-resources.ts';

const dist = process.env.E2E_DIST ?? 'dist';

/** What the page itself fetched from the build's chunks (the observer's record and the timeline, together). */
async function fetchedChunks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...new Set([...(window as unknown as { __resources: string[] }).__resources, ...performance.getEntriesByType('resource').map((e) => e.name)])]
      .map((u) => new URL(u).pathname)
      .filter((p) => p.includes('/_astro/'))
      .map((p) => p.slice(p.lastIndexOf('/') + 1)),
  );
}

/** Every island on the page has hydrated (Astro removes `ssr` once its component has loaded and mounted). */
async function allHydrated(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          [...document.querySelectorAll('astro-island[ssr]')].map((el) => {
            const r = (el.firstElementChild ?? el).getBoundingClientRect();
            return `${el.getAttribute('component-url')} (${Math.round(r.width)}×${Math.round(r.height)} at ${Math.round(r.top + window.scrollY)})`;
          }),
        ),
      { timeout: 90_000 },
    )
    .toEqual([]);
}

test('the build keeps TensorFlow.js in the worker\'s chunk alone', () => {
  const chunks = tensorflowChunks(dist);
  // the worker must hold it (otherwise the marker is stale and this test proves nothing)
  expect(chunks.some((c) => c.startsWith('worker'))).toBe(true);
  expect(chunks.filter((c) => !c.startsWith('worker'))).toEqual([]);
});

test('a scroll through the whole article hydrates every island and fetches no TensorFlow.js on the page\'s thread', async ({ page }) => {
  test.setTimeout(300_000);
  const tf = tensorflowChunks(dist);
  await recordResources(page);
  await page.goto('/?backend=wasm');
  const islands = await page.locator('astro-island').count();
  expect(islands).toBeGreaterThan(20);
  // step down the page; at each step wait until the islands in view have hydrated (client:visible loads them there)
  for (;;) {
    const done = await page.evaluate(() => {
      window.scrollBy(0, Math.round(window.innerHeight * 0.8));
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    });
    await expect
      .poll(() =>
        page.evaluate(() =>
          // an island is `display: contents` (its own box is 0×0): client:visible watches its children, and so does this
          [...document.querySelectorAll('astro-island[ssr]')].filter((el) =>
            [...el.children].some((c) => {
              const r = c.getBoundingClientRect();
              return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
            }),
          ).length,
        ),
      )
      .toBe(0);
    if (done) break;
  }
  await allHydrated(page);
  const fetched = await fetchedChunks(page);
  expect(fetched.length).toBeGreaterThan(5);
  expect(fetched.filter((f) => tf.includes(f) && !f.startsWith('worker'))).toEqual([]);
});

test('no embed page fetches TensorFlow.js on the page\'s thread', async ({ page }) => {
  test.setTimeout(300_000);
  const tf = tensorflowChunks(dist);
  await recordResources(page);
  const fetchedSomewhere = new Set<string>();
  for (const f of liveFigures) {
    await page.goto(`/embed/${f.name}/?backend=wasm`);
    await allHydrated(page);
    const fetched = await fetchedChunks(page);
    for (const c of fetched) fetchedSomewhere.add(c);
    expect(fetched.filter((c) => tf.includes(c) && !c.startsWith('worker')), f.name).toEqual([]);
  }
  // the record is real: the pages did fetch their islands' chunks
  expect(fetchedSomewhere.size).toBeGreaterThan(liveFigures.length);
});

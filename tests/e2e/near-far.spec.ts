/**
 * The article has one compute worker for all its figures. A figure the reader has scrolled far from stops the work
 * it has in flight there (the kit's runner, told by the figure that it went far), so that the worker turns to the
 * figures the reader is at; when the figure comes near again, it asks for the same work again and shows it. The
 * worker reads the cancel while it computes (src/compute/yielding.ts): the work ends as cancelled, not finished.
 */
import { expect, test, type Page } from '@playwright/test';

interface Post {
  id?: number;
  type: string;
  target?: number;
}
interface Reply {
  id: number;
  ok: boolean;
  kind?: string;
}

/**
 * The requests the page posts to its workers, by type ('cancel' among them), the workers' final answers (a result,
 * or an error and its kind) and the labels of their progress, recorded from before the page loads.
 */
async function recordPosts(page: Page) {
  await page.addInitScript(() => {
    const posts: Post[] = [];
    const replies: Reply[] = [];
    const labels: string[] = [];
    Object.assign(window, { __posts: posts, __replies: replies, __labels: labels });
    const post = Worker.prototype.postMessage;
    const heard = new WeakSet<Worker>();
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      if (!heard.has(this)) {
        heard.add(this);
        this.addEventListener('message', (e: MessageEvent) => {
          const d = e.data as { id?: number; ok?: boolean; error?: { kind?: string }; progress?: { label?: string } } | null;
          if (d && typeof d.id === 'number' && typeof d.ok === 'boolean') replies.push({ id: d.id, ok: d.ok, kind: d.error?.kind });
          if (d?.progress?.label && labels.at(-1) !== d.progress.label) labels.push(d.progress.label);
        });
      }
      type Request = { type?: string; target?: number };
      const m = message as (Request & { id?: number; request?: Request }) | null;
      const r: Request | null | undefined = m?.request ?? m;
      if (r && typeof r.type === 'string') posts.push({ id: m?.id, type: r.type, target: r.target });
      return (post as (...a: unknown[]) => void).call(this, message, ...rest);
    } as typeof Worker.prototype.postMessage;
  });
}
const cancels = (page: Page) => page.evaluate(() => (window as unknown as { __posts: { type: string }[] }).__posts.filter((p) => p.type === 'cancel').length);

test('a figure scrolled far stops its work in the worker, and asks for it again when it comes back', async ({ page }) => {
  test.setTimeout(240_000);
  await recordPosts(page);
  await page.goto('/?backend=wasm');
  const results = page.locator('.adversarial-training-results');
  // the bar by its role in the DOM, shown or not (a role locator skips what is hidden, and the chapter far off screen is)
  const bar = results.locator('[role="progressbar"]');
  // its rows (a 40-step PGD among them) take a long while: it is computing once near
  await results.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await expect(bar).toBeVisible({ timeout: 120_000 });
  // at its PGD row (a fetch or a model's loading returns to the worker's event loop, a long computation on wasm did not)
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __labels: string[] }).__labels.some((l) => l.startsWith('PGD on'))), { timeout: 120_000 })
    .toBe(true);
  const before = await cancels(page);
  // far away (the top of the article, many screens up): the request in flight is cancelled in the worker
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(bar).toHaveCount(0);
  await expect.poll(() => cancels(page)).toBeGreaterThan(before);
  // the worker reads the cancel while it computes: the rows' request (its PGD row alone takes minutes here) ends as
  // cancelled, not with a result
  const targets = await page.evaluate(() => (window as unknown as { __posts: Post[] }).__posts.filter((p) => p.type === 'cancel').map((p) => p.target!));
  const rowsRequest = await page.evaluate((targets) => {
    const posts = (window as unknown as { __posts: Post[] }).__posts;
    return posts.find((p) => p.type === 'reproduce' && targets.includes(p.id!))?.id ?? null;
  }, targets);
  expect(rowsRequest, 'a cancel for the rows in flight').not.toBeNull();
  await expect
    .poll(() => page.evaluate((id) => (window as unknown as { __replies: Reply[] }).__replies.find((r) => r.id === id) ?? null, rowsRequest), { timeout: 60_000 })
    .toEqual({ id: rowsRequest, ok: false, kind: 'cancelled' });
  // the figures at the top are answered meanwhile
  await expect(page.locator('.fgsm-hero figure.figure')).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  // back: the same rows are asked for again
  await results.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await expect(bar).toBeVisible({ timeout: 60_000 });
});

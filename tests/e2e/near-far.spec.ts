/**
 * The article has one compute worker for all its figures. A figure the reader has scrolled far from stops the work
 * it has in flight there (the kit's runner, told by the figure that it went far), so that the worker turns to the
 * figures the reader is at; when the figure comes near again, it asks for the same work again and shows it.
 */
import { expect, test, type Page } from '@playwright/test';

/** The requests the page posts to its workers, by type ('cancel' among them), recorded from before the page loads. */
async function recordPosts(page: Page) {
  await page.addInitScript(() => {
    const posts: { type: string; target?: number }[] = [];
    (window as unknown as { __posts: typeof posts }).__posts = posts;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      type Request = { type?: string; target?: number };
      const m = message as (Request & { request?: Request }) | null;
      const r: Request | null | undefined = m?.request ?? m;
      if (r && typeof r.type === 'string') posts.push({ type: r.type, target: r.target });
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
  const before = await cancels(page);
  // far away (the top of the article, many screens up): the request in flight is cancelled in the worker
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(bar).toHaveCount(0);
  await expect.poll(() => cancels(page)).toBeGreaterThan(before);
  // the figures at the top are answered meanwhile
  await expect(page.locator('.fgsm-hero figure.figure')).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  // back: the same rows are asked for again
  await results.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await expect(bar).toBeVisible({ timeout: 60_000 });
});

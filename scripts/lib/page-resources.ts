/**
 * What the page's own thread fetches, shared by `npm run bench` and the page-thread browser test: the build's
 * chunks that hold TensorFlow.js's core, and a record of every resource the page fetches from its first moment.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

/** A string in TensorFlow.js's core: a built chunk that holds it is TensorFlow.js. */
const TFJS_MARKER = 'looks like you are running TensorFlow.js';

/** The built chunks under `dist/_astro` that hold TensorFlow.js's core (the page must fetch none of them). */
export function tensorflowChunks(dist: string): string[] {
  const dir = join(dist, '_astro');
  return readdirSync(dir).filter((f) => f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes(TFJS_MARKER));
}

/**
 * Records every resource the page's own thread fetches from the first moment on (`window.__resources`): an observer
 * keeps each entry as it comes, so nothing is lost when the resource timing buffer (250 entries by default) fills
 * during a long scroll.
 */
export async function recordResources(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __resources: string[] };
    w.__resources = [];
    performance.setResourceTimingBufferSize(100_000);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__resources.push(e.name);
    }).observe({ type: 'resource', buffered: true });
  });
}

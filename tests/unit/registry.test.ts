import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figures } from '../../src/figures/index.ts';
import { compareChapters } from '../../src/components/chapters.ts';

// the article's chapters in the order the article page sorts them (src/components/chapters.ts)
const dir = 'content';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mdx') && f !== 'references.mdx')
  .sort(compareChapters);
const placed = files.flatMap((f) =>
  [...readFileSync(join(dir, f), 'utf8').matchAll(/<(?:Scrolly figure|Figure name)="([^"]+)"/g)].map((m) => m[1]),
);

describe('the figure registry', () => {
  it('lists every figure the chapters place, each placed once, in the article’s order', () => {
    expect(new Set(placed).size).toBe(placed.length);
    expect(figures.map((f) => f.name)).toEqual(placed);
  });
  it('has no figure left as a slot: every one is live', () => {
    expect(figures.filter((f) => !f.live).map((f) => f.name)).toEqual([]);
  });
});

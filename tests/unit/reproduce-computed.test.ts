/**
 * The reproduce-table figure shows the table `npm run reproduce -- --save` computed in Node before the reader
 * computes it again in the browser. It must be the table of the shipped models: every weight file it was
 * computed from has the manifest's hash, and every shipped weight file was part of it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import computed from '../../src/figures/reproduce-table/computed.json' with { type: 'json' };
import { rows } from '../../src/lib/analysis/reproduce.ts';

const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: { weights: { path: string; sha256: string }[] }[] };
const shipped = Object.fromEntries(manifest.models.flatMap((m) => m.weights.map((w) => [w.path, w.sha256])));

describe('the table computed ahead', () => {
  it('was computed from exactly the shipped weights (rerun `npm run reproduce -- --save src/figures/reproduce-table/computed.json` after training)', () => {
    expect(computed.weights).toEqual(shipped);
  });

  it('covers every row of the paper on all 10,000 test digits, with the paper’s numbers as the code has them', () => {
    expect(computed.sample).toBe(10000);
    const paperRows = rows.filter((r) => typeof r.row === 'number').map((r) => r.row);
    expect(new Set(computed.rows.filter((r) => typeof r.row === 'number').map((r) => r.row))).toEqual(new Set(paperRows));
    for (const r of computed.rows) expect(typeof r.metric).toBe('string');
  });
});

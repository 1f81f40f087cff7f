import { describe, expect, it } from 'vitest';
import { count } from '../../src/figures/kit/format.ts';
import { sampleChoice } from '../../src/figures/kit/state.ts';

describe('count', () => {
  it('writes a number as toLocaleString("en-US") does, thousands separated', () => {
    for (const n of [0, 7, 999, 1000, 10000, 60000, 1234567, -4321, 0.5, 12.25, 1e21]) expect(count(n)).toBe(n.toLocaleString('en-US'));
    expect(count(10000)).toBe('10,000');
  });
  it('names a sample choice by its count', () => {
    const c = sampleChoice(['100', '1000', '10000'] as const, '1000');
    expect(c).toMatchObject({ default: '1000' });
    expect(JSON.stringify(c)).toContain('first 1,000');
    expect(JSON.stringify(c)).toContain('all 10,000');
  });
});

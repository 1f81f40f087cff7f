/** Controls built from a state table: the label, range, step, options and spoken value come from the table. */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import RangeControl from '../../src/figures/kit/controls/RangeControl.svelte';
import ChoiceControl from '../../src/figures/kit/controls/ChoiceControl.svelte';
import Toggle from '../../src/figures/kit/controls/Toggle.svelte';
import type { StateTable } from '../../src/figures/kit/state.ts';

const table = {
  eps: { type: 'number', label: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.01 },
  digits: { type: 'integer', label: 'test digits', default: 100, min: 10, max: 1000 },
  model: { type: 'choice', label: 'model', default: 'maxout', options: ['softmax', 'maxout'] as const },
  clip: { type: 'boolean', label: 'clip to [0, 1]', default: true },
} satisfies StateTable;

const input = (html: string) => Object.fromEntries([.../<input\b([^>]*)>/.exec(html)![1].matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? '']));

describe('controls from the table', () => {
  it('a range takes label, bounds and step from the table and speaks its value', () => {
    const html = render(RangeControl, { props: { property: table.eps, value: 0.3, onchange: () => {}, testid: 'eps' } }).body;
    const i = input(html);
    expect([i.type, i.min, i.max, i.step, i.value]).toEqual(['range', '0', '0.5', '0.01', '0.3']);
    expect(i['aria-valuetext']).toBe('ε 0.30');
    expect(i['data-testid']).toBe('eps');
    expect(html).toContain('<output>0.30</output>');
  });

  it('an integer range steps by one; a format and a spoken text can be given', () => {
    const html = render(RangeControl, { props: { property: table.digits, value: 200, onchange: () => {}, format: (v: number) => v.toLocaleString('en-US'), valuetext: (v: number) => `${v} digits` } }).body;
    const i = input(html);
    expect([i.min, i.max, i.step]).toEqual(['10', '1000', '1']);
    expect(i['aria-valuetext']).toBe('200 digits');
    expect(html).toContain('test digits');
  });

  it('a logarithmic range holds log₁₀ of the value and its bounds, stepping in decades', () => {
    const html = render(RangeControl, { props: { property: table.digits, value: 100, onchange: () => {}, log: 0.01 } }).body;
    const i = input(html);
    expect([i.min, i.max, i.step, i.value]).toEqual(['1', '3', '0.01', '2']);
    expect(html).toContain('<output>100</output>');
  });

  it('a choice lists the table\'s options, as a select, radios or buttons', () => {
    const select = render(ChoiceControl, { props: { property: table.model, value: 'maxout', onchange: () => {}, names: { softmax: 'softmax regression' } } }).body;
    expect([...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['softmax', 'softmax regression'],
      ['maxout', 'maxout'],
    ]);
    expect(select).toContain('<span>model</span>');
    const radios = render(ChoiceControl, { props: { property: table.model, value: 'softmax', onchange: () => {}, as: 'radios' } }).body;
    expect(radios).toContain('<legend>model</legend>');
    expect([...radios.matchAll(/type="radio"/g)]).toHaveLength(2);
    expect(radios).toMatch(/value="softmax"[^>]*checked/);
    const buttons = render(ChoiceControl, { props: { property: table.model, value: 'maxout', onchange: () => {}, as: 'buttons' } }).body;
    expect(buttons).toContain('aria-label="model"');
    expect([...buttons.matchAll(/aria-pressed="true"/g)]).toHaveLength(1);
  });

  it('a toggle is a labelled checkbox', () => {
    const html = render(Toggle, { props: { property: table.clip, checked: true, onchange: () => {}, testid: 'clip' } }).body;
    expect(input(html).type).toBe('checkbox');
    expect(input(html)).toHaveProperty('checked');
    expect(html).toContain('clip to [0, 1]');
  });
});

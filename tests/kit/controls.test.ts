/** Controls built from a state table: the label, range, step, options and spoken value come from the table. */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import RangeControl from '../../src/figures/kit/controls/RangeControl.svelte';
import ChoiceControl from '../../src/figures/kit/controls/ChoiceControl.svelte';
import Toggle from '../../src/figures/kit/controls/Toggle.svelte';
import Controls from '../../src/figures/kit/controls/Controls.svelte';
import { sampleChoice, type StateOf, type StateTable } from '../../src/figures/kit/state.ts';

const table = {
  eps: { type: 'number', label: 'ε', default: 0.25, min: 0, max: 0.5, step: 0.01 },
  digits: { type: 'integer', label: 'test digits', default: 100, min: 10, max: 1000 },
  model: { type: 'choice', label: 'model', default: 'maxout', options: ['softmax', 'maxout'] as const },
  clip: { type: 'boolean', label: 'clip to [0, 1]', default: true },
  view: { type: 'choice', label: 'show', default: 'both', options: ['one', 'both'] as const, names: { one: 'one digit' }, as: 'buttons' },
  sample: sampleChoice(['100', '1000', '10000'] as const, '1000'),
  digit: { type: 'integer', label: 'test digit', default: 0, min: 0, max: 9999 },
} satisfies StateTable;

const input = (html: string) => Object.fromEntries([.../<input\b([^>]*)>/.exec(html)![1].matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? '']));

describe('controls from the table', () => {
  it('a range takes label, bounds and step from the table and speaks its value', () => {
    const html = render(RangeControl, { props: { property: table.eps, value: 0.3, onchange: () => {}, testid: 'eps' } }).body;
    const i = input(html);
    expect([i.type, i.min, i.max, i.step, i.value]).toEqual(['range', '0', '0.5', '0.01', '0.3']);
    // a screen reader hears the symbol's name, not the glyph
    expect(i['aria-valuetext']).toBe('epsilon 0.30');
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

  it('a choice reads its options\' names and its kind of control from the table; a sample choice names its sizes', () => {
    expect(table.sample.names).toEqual({ '100': 'first 100', '1000': 'first 1,000', '10000': 'all 10,000' });
    const sample = render(ChoiceControl, { props: { property: table.sample, value: '1000' } }).body;
    expect([...sample.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => m[2])).toEqual(['first 100', 'first 1,000', 'all 10,000']);
    const view = render(ChoiceControl, { props: { property: table.view, value: 'one', testid: 'view' } }).body;
    expect([...view.matchAll(/<button[^>]*data-testid="(view-[^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['view-one', 'one digit'],
      ['view-both', 'both'],
    ]);
  });

  it('Controls builds each key\'s control from its entry: numbers as sliders first, then one row of the rest, each with its key as test id', () => {
    const state: StateOf<typeof table> = { eps: 0.1, digits: 100, model: 'softmax', clip: false, view: 'both', sample: '100', digit: 42 };
    const html = render(Controls, { props: { table, state, keys: ['model', 'eps', 'clip', 'sample', 'digit'], prefix: 'f-' } }).body;
    const ids = [...html.matchAll(/data-testid="([^"]*)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['f-eps', 'f-model', 'f-clip', 'f-sample', 'f-digit']);
    expect(html.indexOf('type="range"')).toBeLessThan(html.indexOf('class="row'));
    expect(html).toMatch(/<option value="softmax"[^>]*selected/);
    expect(html).toMatch(/type="checkbox"(?![^>]*checked)/);
    expect(html).toContain('all 10,000');
    expect(html).toMatch(/type="number"[^>]*value="42"/);
    // a key the figure leaves out has no control
    expect(html).not.toContain('show');
  });

  it('Controls offers "Draw your own" beside the digit where the table keeps a drawing, and "Forget" while one is shown', () => {
    const drawable = { digit: table.digit, drawn: { type: 'drawing', label: 'your drawing', default: '' } } satisfies StateTable;
    const ids = (html: string) => [...html.matchAll(/data-testid="([^"]*)"/g)].map((m) => m[1]);
    const blank: StateOf<typeof drawable> = { digit: 3, drawn: '' };
    const none = render(Controls, { props: { table: drawable, state: blank, keys: ['digit'], prefix: 'f-' } }).body;
    expect(ids(none)).toEqual(['f-digit', 'f-digit-draw']);
    // a drawing's code is 2 or more base64url characters; the picker shows it is there by offering to forget it
    const withDrawing: StateOf<typeof drawable> = { digit: 3, drawn: 'AAE' };
    const drawn = render(Controls, { props: { table: drawable, state: withDrawing, keys: ['digit'], prefix: 'f-' } }).body;
    expect(ids(drawn)).toEqual(['f-digit', 'f-digit-draw', 'f-digit-forget']);
    // a table without a drawing: the plain picker
    const state: StateOf<typeof table> = { eps: 0.1, digits: 100, model: 'softmax', clip: false, view: 'both', sample: '100', digit: 42 };
    const plain = render(Controls, { props: { table, state, keys: ['digit'] } }).body;
    expect(ids(plain)).toEqual(['digit']);
  });
});

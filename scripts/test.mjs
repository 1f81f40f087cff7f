#!/usr/bin/env node
/**
 * `npm test`: every test. Unit tests (vitest) on src/lib, then the site built
 * twice (at / and under a sub-path) and the browser tests (Playwright) on both
 * builds in a real Chromium. `--e2e-only` skips the unit tests.
 */
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './find-chromium.mjs';

const e2eOnly = process.argv.includes('--e2e-only');
const started = Date.now();
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };

function run(title, cmd, args, extraEnv = {}) {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

const chromium = ensureChromium();
console.log(`Browser tests use ${chromium}`);
if (!e2eOnly) run('unit tests', 'npx', ['vitest', 'run']);
run('build at /', 'npx', ['astro', 'build'], { BASE_PATH: '/', OUT_DIR: 'dist' });
run('build under /harnessing/', 'npx', ['astro', 'build'], { BASE_PATH: '/harnessing/', OUT_DIR: 'dist-sub' });
run('browser tests', 'npx', ['playwright', 'test'], { CHROME_PATH: chromium });
console.log(`\nAll tests passed in ${((Date.now() - started) / 60000).toFixed(1)} min.`);

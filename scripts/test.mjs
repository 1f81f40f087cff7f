#!/usr/bin/env node
/**
 * `npm test`: every test. Unit tests (vitest) on src/lib, then the site built
 * twice (at / and under a sub-path) and the browser tests (Playwright) on both
 * builds in a real Chromium. `--e2e-only` skips the unit tests. `--stress` (`npm run test:stress`)
 * builds, then runs only the robustness tests with STRESS=1 (500 seeded bad URL states instead of 50).
 */
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './find-chromium.mjs';

const stress = process.argv.includes('--stress');
const e2eOnly = stress || process.argv.includes('--e2e-only');
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
if (stress) run('robustness tests, stress', 'npx', ['playwright', 'test', 'tests/e2e/robustness.spec.ts'], { CHROME_PATH: chromium, STRESS: '1' });
else run('browser tests', 'npx', ['playwright', 'test'], { CHROME_PATH: chromium });
console.log(`\nAll tests passed in ${((Date.now() - started) / 60000).toFixed(1)} min.`);

import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// E2E_PORT and E2E_DIST let a second copy of the suite run beside the first (its own build, its own ports)
const port = Number(process.env.E2E_PORT ?? 4391);
const dist = process.env.E2E_DIST ?? 'dist';
const distSub = process.env.E2E_DIST_SUB ?? 'dist-sub';
// two tests at a time by default, those of one file too (fullyParallel): the tests share nothing but the static
// servers (each has its own browser context, its own compute worker, no test leans on another's work), so a file
// with several long tests is spread over both workers; E2E_WORKERS=1 runs them one after another
const workers = Number(process.env.E2E_WORKERS ?? 2);

// the tests run on the built site: without a build the servers below could never answer, so say so at once
const missing = [dist, distSub].filter((d) => !existsSync(`${d}/index.html`));
if (missing.length > 0) {
  console.error(
    `No build in ${missing.map((d) => `${d}/`).join(' and ')}: the browser tests run on the built site.\n` +
      '  npm run test:e2e -- tests/e2e/NAME.spec.ts   builds what is missing or stale, then runs that file\n' +
      '  or build yourself: npx astro build && BASE_PATH=/harnessing/ OUT_DIR=dist-sub npx astro build',
  );
  process.exit(1);
}

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: {
    timeout: 60_000,
    // the visual regression suite's references (visual.spec.ts): one PNG per figure, state, width and theme, by name
    toHaveScreenshot: { pathTemplate: 'tests/visual/{arg}{ext}' },
  },
  fullyParallel: true,
  workers,
  reporter: [['list'], ['./scripts/e2e-reporter.mjs']],
  // no "Slow test file … consider running in parallel" tip: the long files are long by design (and already parallel)
  reportSlowTests: null,
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    // page.route cannot see what a service worker fetches: the offline tests allow it, the rest block it
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chrome,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  // a static server starts in well under a second; a port another program holds fails at once
  webServer: [
    { command: `node scripts/serve.mjs --dir ${dist} --base / --port ${port}`, url: `http://127.0.0.1:${port}/`, reuseExistingServer: false, timeout: 20_000 },
    {
      command: `node scripts/serve.mjs --dir ${distSub} --base /harnessing/ --port ${port + 1}`,
      url: `http://127.0.0.1:${port + 1}/harnessing/`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
    // the build served with its _headers file: the Content-Security-Policy a host would send
    {
      command: `node scripts/serve.mjs --dir ${dist} --base / --port ${port + 2} --headers ${dist}/_headers`,
      url: `http://127.0.0.1:${port + 2}/`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
  ],
});

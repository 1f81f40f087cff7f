import { defineConfig } from '@playwright/test';

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// E2E_PORT and E2E_DIST let a second copy of the suite run beside the first (its own build, its own ports)
const port = Number(process.env.E2E_PORT ?? 4391);
const dist = process.env.E2E_DIST ?? 'dist';
const distSub = process.env.E2E_DIST_SUB ?? 'dist-sub';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    // page.route cannot see what a service worker fetches: the offline tests allow it, the rest block it
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chrome,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [
    { command: `node scripts/serve.mjs --dir ${dist} --base / --port ${port}`, url: `http://127.0.0.1:${port}/`, reuseExistingServer: false },
    {
      command: `node scripts/serve.mjs --dir ${distSub} --base /harnessing/ --port ${port + 1}`,
      url: `http://127.0.0.1:${port + 1}/harnessing/`,
      reuseExistingServer: false,
    },
    // the build served with its _headers file: the Content-Security-Policy a host would send
    {
      command: `node scripts/serve.mjs --dir ${dist} --base / --port ${port + 2} --headers ${dist}/_headers`,
      url: `http://127.0.0.1:${port + 2}/`,
      reuseExistingServer: false,
    },
  ],
});

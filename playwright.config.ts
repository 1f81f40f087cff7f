import { defineConfig } from '@playwright/test';

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4391/',
    // page.route cannot see what a service worker fetches: the offline tests allow it, the rest block it
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: chrome,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [
    { command: 'node scripts/serve.mjs --dir dist --base / --port 4391', url: 'http://127.0.0.1:4391/', reuseExistingServer: false },
    {
      command: 'node scripts/serve.mjs --dir dist-sub --base /harnessing/ --port 4392',
      url: 'http://127.0.0.1:4392/harnessing/',
      reuseExistingServer: false,
    },
    // the build served with its _headers file: the Content-Security-Policy a host would send
    { command: 'node scripts/serve.mjs --dir dist --base / --port 4393 --headers dist/_headers', url: 'http://127.0.0.1:4393/', reuseExistingServer: false },
  ],
});

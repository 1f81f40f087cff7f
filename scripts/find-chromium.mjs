/**
 * Finds a Chromium for the browser tests: $CHROME_PATH, Debian's /usr/bin/chromium,
 * or a browser in Playwright's cache. When there is none and we run as root on
 * Debian, installs Debian's `chromium` with apt, saying so.
 */
import { existsSync, readdirSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

function fromPlaywrightCache() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return null;
  for (const d of readdirSync(root).filter((d) => d.startsWith('chromium')).sort().reverse()) {
    for (const sub of ['chrome-linux/chrome', 'chrome-linux64/chrome', 'chrome-mac/Chromium.app/Contents/MacOS/Chromium']) {
      const p = join(root, d, sub);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

export function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return fromPlaywrightCache();
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    console.log('No Chromium found: installing Debian\'s chromium package with apt-get (apt-get update && apt-get install -y chromium)…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    const after = findChromium();
    if (after) return after;
  }
  console.error(
    'No Chromium found for the browser tests. Set CHROME_PATH to a Chromium or Chrome binary, ' +
      'install your system\'s chromium package, or run `npx playwright install chromium` (this needs internet).',
  );
  process.exit(1);
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, installed with apt-get when missing (as root), like the test services. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${CHROMIUM} is missing and there is no apt-get to install it: install Chromium and retry`);
  }
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: run as root, or install it: apt-get install -y chromium`);
  const r = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`could not install chromium (exit ${r.status}):\n${(r.stderr || r.stdout || '').slice(-4000)}`);
  }
  return CHROMIUM;
}

/**
 * Headless Chromium with the flags of shared/REAL-SERVICES.md. The fresh profile comes from
 * Playwright itself: `launch()` always starts Chromium with a new temporary --user-data-dir
 * (and refuses one passed in args), removed when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

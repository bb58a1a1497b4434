// Builds the web app (apps/web → apps/web/dist) with Vite when its sources changed since the
// last build, so `npm start` and the browser test always serve the current code and a restart
// without changes costs only a directory walk.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = fileURLToPath(new URL('../apps/web/', import.meta.url));
export const webDist = join(webDir, 'dist');
const contractsSrc = fileURLToPath(new URL('../packages/contracts/src/', import.meta.url));

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/index.html is missing or older than any source, config or public file. */
export function webBuildIsStale() {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(webDir, p)).filter(existsSync);
  inputs.push(contractsSrc);
  return inputs.some((p) => newestMtime(p) > built);
}

/** Runs `vite build` in apps/web; throws with Vite's output when it fails. */
export function buildWeb({ stdio = 'inherit' } = {}) {
  const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
  // NODE_ENV=test (Vitest) or development would give React's development build.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio, encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new Error(`the web build failed (exit ${result.status})${result.stderr ? `:\n${result.stderr.slice(-4000)}` : ''}`);
  }
}

/** Builds only when something changed; returns whether it built. */
export function ensureWebBuild(options) {
  if (!webBuildIsStale()) return false;
  buildWeb(options);
  return true;
}

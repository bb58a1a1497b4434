// `npm start`: builds what changed (TypeScript project references are incremental, so an
// up-to-date tree costs about a second; the web app is rebuilt only when its sources are
// newer than apps/web/dist), then runs the whole platform embedded.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './web-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('meridian: the build failed; see the errors above.');
  process.exit(build.status ?? 1);
}
try {
  ensureWebBuild();
} catch (err) {
  console.error(`meridian: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const { main } = await import('../apps/server/dist/cli.js');
process.exitCode = await main(['start', ...process.argv.slice(2)]);

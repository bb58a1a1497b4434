// `npm run bench`: runs every benchmark in turn (or the ones named: `npm run bench -- http`).
// Each prints its own table; the recorded results live in bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const all = ['http', 'events', 'finance', 'portfolio', 'execution', 'ledger'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of wanted) {
  const file = `bench/${name}.mjs`;
  if (!existsSync(new URL(`../${file}`, import.meta.url))) {
    console.error(`no benchmark ${file}`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ['--conditions=@meridian/source', '--import', 'tsx', file], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

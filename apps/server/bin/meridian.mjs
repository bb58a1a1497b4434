#!/usr/bin/env node
// The `meridian` command. Runs the compiled CLI; `npm run build` (or `npm start`) builds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('meridian: not built yet. Run `npm run build` in the repository root first.');
  process.exit(1);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));

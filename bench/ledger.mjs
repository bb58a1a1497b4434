// Writes into a long history, end to end on the embedded platform (`npm start`'s layout),
// through the gateway: a user imports --activities activities (deposits, buys, sells over
// years) into one account, then records --writes more one at a time (a BUY, then a DEPOSIT,
// dated today), timing each POST /api/transactions/activities. Every write is checked
// against the ledger rules (no position or, in a cash-tracking account, no cash below zero
// on any day). Run for an account that tracks cash and one that does not.
//   node --conditions=@meridian/source --import tsx bench/ledger.mjs [--activities 2000] [--writes 30]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@meridian/platform';
import { startEmbedded } from '../apps/server/src/embedded.ts';
import { apiClient, pct, PLATFORM_ENV, signUp } from './platform.mjs';

const { values: opts } = parseArgs({ options: { activities: { type: 'string', default: '2000' }, writes: { type: 'string', default: '30' } } });
const env = { ...PLATFORM_ENV, MERIDIAN_DEMO: 'false' };
const dir = mkdtempSync(join(os.tmpdir(), 'meridian-bench-ledger-'));
const platform = await startEmbedded({ env, logger: createLogger({ name: 'bench', level: 'warn' }), dataDir: dir, host: '127.0.0.1', port: 0 });
try {
  const call = async (...args) => (await apiClient(platform.url)(...args)).body;
  const n = Number(opts.activities);
  const rows = ['date,type,symbol,quantity,price,amount,currency'];
  // Ten years up to a week ago, several a day when there are many.
  const span = 3650;
  const start = Date.now() - (span + 7) * 86_400_000;
  for (let i = 0; i < n; i++) {
    const d = new Date(start + Math.floor((i * span) / n) * 86_400_000).toISOString().slice(0, 10);
    rows.push(i % 4 === 0 ? `${d},DEPOSIT,,,,1000,USD` : i % 4 === 3 ? `${d},SELL,AAPL,1,100,,USD` : `${d},BUY,AAPL,1,100,,USD`);
  }
  const mapping = { date: 'date', type: 'type', symbol: 'symbol', quantity: 'quantity', unitPrice: 'price', amount: 'amount', currency: 'currency' };
  const table = {};
  for (const trackCash of [true, false]) {
    const token = await signUp(apiClient(platform.url), `bench-${trackCash}-${Date.now()}@example.com`);
    const accountId = (await call('POST', '/transactions/accounts', { name: 'Broker', currency: 'USD', type: 'BROKERAGE', trackCash, costBasisMethod: 'FIFO' }, token)).id;
    const t0 = performance.now();
    await call('POST', '/transactions/imports/csv', { content: rows.join('\n'), accountId, commit: true, mapping }, token);
    const imported = performance.now() - t0;
    const today = new Date().toISOString().slice(0, 10);
    const label = trackCash ? 'tracks cash' : 'no cash tracking';
    for (const [type, body] of [
      ['BUY', { accountId, type: 'BUY', date: today, symbol: 'AAPL', quantity: '1', unitPrice: '100', currency: 'USD' }],
      ['DEPOSIT', { accountId, type: 'DEPOSIT', date: today, amount: '10', currency: 'USD' }],
    ]) {
      const times = [];
      for (let i = 0; i < Number(opts.writes); i++) {
        const t = performance.now();
        await call('POST', '/transactions/activities', body, token);
        times.push(performance.now() - t);
      }
      const first = times[0] ?? 0;
      times.sort((a, b) => a - b);
      table[`${label}: ${type} after ${n}`] = { first: `${first.toFixed(1)} ms`, p50: `${pct(times, 50).toFixed(1)} ms`, p90: `${pct(times, 90).toFixed(1)} ms` };
    }
    table[`${label}: import of ${n}`] = { first: '', p50: `${imported.toFixed(0)} ms`, p90: '' };
  }
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.table(table);
} finally {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}

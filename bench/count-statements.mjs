// Preload that counts and times PGlite statements per schema and table while
// `globalThis.__qtime` is true (bench/execution.mjs sets it around its latency phase):
//   node --conditions=@meridian/source --import tsx --import ./bench/count-statements.mjs bench/execution.mjs
import { PGlite } from '@electric-sql/pglite';
const stats = new Map();
const orig = PGlite.prototype.query;
PGlite.prototype.query = async function (sql, params, opts) {
  const t = performance.now();
  try { return await orig.call(this, sql, params, opts); }
  finally { if (globalThis.__qtime) { const d = performance.now() - t; const m = /"(\w+)"\."(\w+)"/.exec(sql); const verb = sql.split(' ')[0]; const k = m ? `${verb} ${m[1]}.${m[2]}` : sql.slice(0, 30); const s = stats.get(k) ?? { n: 0, t: 0 }; s.n++; s.t += d; stats.set(k, s); } }
};
process.on('exit', () => {
  const by = new Map(); let n = 0;
  for (const [k, s] of stats) { const schema = (/ (\w+)\./.exec(k) ?? [, 'txn'])[1]; const b = by.get(schema) ?? { n: 0, t: 0 }; b.n += s.n; b.t += s.t; by.set(schema, b); n += s.n; }
  process.stderr.write([...by].map(([k, s]) => `${k}: ${s.n} statements, ${s.t.toFixed(0)} ms`).join('\n') + `\ntotal ${n}\n`);
  for (const [k, s] of [...stats].sort((a, b) => b[1].n - a[1].n).slice(0, 60)) process.stderr.write(`${String(s.n).padStart(6)} ${k}\n`);
});

import type { ImportReport } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, PageHeader, SelectField } from '../components/ui';
import { api } from '../lib/api';
import { useAccounts } from '../lib/queries';
import { Link } from '../lib/router';

const PRESETS: Array<[string, string]> = [
  ['auto', 'Detect automatically'],
  ['generic', 'Generic (map the columns)'],
  ['meridian', 'Meridian export'],
  ['ibkr-flex', 'Interactive Brokers Flex'],
  ['ibkr-activity', 'Interactive Brokers activity statement'],
  ['degiro', 'DEGIRO transactions'],
  ['schwab', 'Charles Schwab'],
  ['fidelity', 'Fidelity'],
];
const FIELDS = ['date', 'type', 'symbol', 'quantity', 'unitPrice', 'amount', 'fee', 'tax', 'currency', 'account', 'notes'] as const;

/** First line of a CSV split into column names (quotes respected), for the mapping step. */
export function csvHeader(text: string): string[] {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [';', '\t', '|', ','].find((d) => line.includes(d)) ?? ',';
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((c) => c !== '');
}

/** Guesses which column holds which field by its name. */
export function guessMapping(columns: string[]): Partial<Record<(typeof FIELDS)[number], string>> {
  const mapping: Partial<Record<(typeof FIELDS)[number], string>> = {};
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
  const synonyms: Record<(typeof FIELDS)[number], string[]> = {
    date: ['date', 'tradedate', 'day'],
    type: ['type', 'action', 'activity', 'transactiontype'],
    symbol: ['symbol', 'ticker', 'isin', 'instrument'],
    quantity: ['quantity', 'qty', 'shares', 'units'],
    unitPrice: ['unitprice', 'price', 'priceper'],
    amount: ['amount', 'total', 'value'],
    fee: ['fee', 'fees', 'commission'],
    tax: ['tax', 'taxes', 'withholding'],
    currency: ['currency', 'ccy'],
    account: ['account', 'accountname'],
    notes: ['notes', 'note', 'description', 'memo'],
  };
  for (const field of FIELDS) {
    const hit = columns.find((c) => synonyms[field].includes(norm(c)));
    if (hit) mapping[field] = hit;
  }
  return mapping;
}

type Step = 'upload' | 'preview' | 'done';

export default function ImportCsv() {
  const client = useQueryClient();
  const accounts = useAccounts();
  const open = (accounts.data ?? []).filter((a) => !a.archived);
  const [step, setStep] = useState<Step>('upload');
  const [content, setContent] = useState('');
  const [fileName, setFileName] = useState<string | undefined>();
  const [accountId, setAccountId] = useState('');
  const [preset, setPreset] = useState('auto');
  const [mapping, setMapping] = useState<Partial<Record<(typeof FIELDS)[number], string>>>({});
  const [force, setForce] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const columns = content ? csvHeader(content) : [];
  const target = accountId || open[0]?.id || '';

  const run = async (commit: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        content,
        preset,
        ...(target ? { accountId: target } : {}),
        ...(fileName ? { fileName } : {}),
        ...(preset === 'generic' ? { mapping: Object.fromEntries(Object.entries(mapping).filter(([, v]) => v)) } : {}),
        commit,
        force,
      };
      const result = await api<ImportReport>('/transactions/imports/csv', { method: 'POST', body });
      setReport(result);
      if (commit) {
        await client.invalidateQueries({ queryKey: ['transactions'] });
        await client.invalidateQueries({ queryKey: ['portfolio'] });
        setStep('done');
      } else setStep('preview');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Import activities from CSV" />
      <ol className="mb-4 flex gap-4 text-sm" aria-label="Steps">
        {(['upload', 'preview', 'done'] as Step[]).map((s, i) => (
          <li key={s} aria-current={step === s ? 'step' : undefined} className={step === s ? 'font-semibold text-brand-700 dark:text-brand-500' : 'text-slate-500'}>
            {i + 1}. {s === 'upload' ? 'Choose the file' : s === 'preview' ? 'Check the preview' : 'Imported'}
          </li>
        ))}
      </ol>
      {step === 'upload' && (
        <Card>
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <label htmlFor="csv-file" className="mb-1 block text-sm font-medium">
                CSV file
              </label>
              <input
                id="csv-file"
                type="file"
                accept=".csv,text/csv,text/plain"
                className="block w-full text-sm"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (!file) return;
                  setFileName(file.name);
                  void file.text().then((text) => {
                    setContent(text);
                    setMapping(guessMapping(csvHeader(text)));
                  });
                }}
              />
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Or paste the file below. Nothing is saved until you confirm.</p>
              <label htmlFor="csv-text" className="sr-only">
                CSV text
              </label>
              <textarea
                id="csv-text"
                className="mt-2 h-32 w-full rounded-md border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-900"
                value={content}
                placeholder="date,type,symbol,quantity,unitPrice"
                onChange={(e) => {
                  setContent(e.target.value);
                  setMapping(guessMapping(csvHeader(e.target.value)));
                }}
              />
            </div>
            <SelectField label="Into account" value={target} onChange={(e) => setAccountId(e.target.value)} hint="For rows that do not name an account.">
              {open.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </SelectField>
            <SelectField label="Format" value={preset} onChange={(e) => setPreset(e.target.value)}>
              {PRESETS.map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </SelectField>
            {preset === 'generic' && columns.length > 0 && (
              <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-3">
                <legend className="mb-2 text-sm font-medium">Which column holds what</legend>
                {FIELDS.map((f) => (
                  <SelectField key={f} label={f} value={mapping[f] ?? ''} onChange={(e) => setMapping((m) => ({ ...m, [f]: e.target.value || undefined }))}>
                    <option value="">(none)</option>
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </SelectField>
                ))}
              </fieldset>
            )}
          </div>
          <div className="mt-4">
            <ErrorNote error={error} title="The file could not be read" />
          </div>
          <Button className="mt-4" busy={busy} disabled={!content.trim()} onClick={() => void run(false)}>
            Preview
          </Button>
        </Card>
      )}
      {step === 'preview' && report && (
        <Card title="Preview (nothing saved yet)">
          <Summary report={report} />
          <RowsTable report={report} />
          {report.summary.duplicates > 0 && (
            <label className="mt-3 flex items-center gap-2 text-sm">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
              Import the {report.summary.duplicates} duplicate rows as well
            </label>
          )}
          <div className="mt-3">
            <ErrorNote error={error} title="Nothing was imported" />
          </div>
          <div className="mt-4 flex gap-2">
            <Button busy={busy} disabled={report.summary.errors > 0 || report.summary.new + (force ? report.summary.duplicates : 0) === 0} onClick={() => void run(true)}>
              Import {report.summary.new + (force ? report.summary.duplicates : 0)} activities
            </Button>
            <Button variant="secondary" onClick={() => setStep('upload')}>
              Back
            </Button>
          </div>
          {report.summary.errors > 0 && <p className="mt-2 text-sm text-rose-700 dark:text-rose-400">Fix the rows with errors in the file (or the column mapping) and preview again: an import is all or nothing.</p>}
        </Card>
      )}
      {step === 'done' && report && (
        <Card title="Imported">
          <p className="text-sm" data-testid="import-done">
            {report.summary.created} activities imported{report.summary.skipped ? `, ${report.summary.skipped} rows skipped` : ''}.
          </p>
          <div className="mt-3 flex gap-2">
            <Link to="/activities" className="text-brand-700 underline dark:text-brand-500">
              See activities
            </Link>
            <Button
              variant="secondary"
              onClick={() => {
                setContent('');
                setReport(null);
                setStep('upload');
              }}
            >
              Import another file
            </Button>
          </div>
        </Card>
      )}
    </>
  );
}

function Summary({ report }: { report: ImportReport }) {
  const s = report.summary;
  return (
    <p className="mb-3 text-sm" data-testid="import-summary">
      {s.rows} rows read as <strong>{report.preset}</strong>: {s.new} new, {s.duplicates} duplicates, {s.errors} with errors, {s.skipped} skipped.
    </p>
  );
}

function RowsTable({ report }: { report: ImportReport }) {
  return (
    <div className="max-h-96 overflow-auto">
      <table className="w-full text-left text-sm">
        <thead className="sticky top-0 bg-white dark:bg-slate-900">
          <tr>
            <th scope="col" className="p-1">Line</th>
            <th scope="col" className="p-1">Status</th>
            <th scope="col" className="p-1">Date</th>
            <th scope="col" className="p-1">Type</th>
            <th scope="col" className="p-1">Symbol</th>
            <th scope="col" className="p-1 text-right">Quantity</th>
            <th scope="col" className="p-1 text-right">Price / amount</th>
            <th scope="col" className="p-1">Problem</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.row} className={r.status === 'error' ? 'bg-rose-50 dark:bg-rose-950' : ''}>
              <td className="p-1 tabular-nums">{r.row}</td>
              <td className="p-1">{r.status}</td>
              <td className="p-1">{r.activity?.date ?? ''}</td>
              <td className="p-1">{r.activity?.type ?? ''}</td>
              <td className="p-1">{r.activity?.symbol ?? ''}</td>
              <td className="p-1 text-right tabular-nums">{r.activity?.quantity ?? ''}</td>
              <td className="p-1 text-right tabular-nums">{r.activity?.unitPrice ?? r.activity?.amount ?? ''}</td>
              <td className="p-1 text-rose-700 dark:text-rose-400">{[...r.errors.map((e) => `${e.field}: ${e.message}`), r.message].filter(Boolean).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

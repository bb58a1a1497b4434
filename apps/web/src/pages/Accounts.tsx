import type { AccountDto, BalancesDto } from '@meridian/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Card, EmptyState, ErrorNote, Loading, PageHeader, SelectField, TextField } from '../components/ui';
import { api, ApiError } from '../lib/api';
import { formatMoney, formatNumber } from '../lib/format';
import { useAccounts } from '../lib/queries';
import { setSearchParams, useLocation } from '../lib/router';

const TYPES: Array<[AccountDto['type'], string]> = [
  ['BROKERAGE', 'Brokerage'],
  ['BANK', 'Bank'],
  ['RETIREMENT', 'Retirement'],
  ['CRYPTO_WALLET', 'Crypto wallet'],
  ['REAL_ESTATE', 'Real estate'],
  ['OTHER', 'Other'],
];

export default function Accounts() {
  const { search } = useLocation();
  const [showArchived, setShowArchived] = useState(false);
  const accounts = useAccounts(showArchived);
  const [editing, setEditing] = useState<AccountDto | null>(null);
  const creating = search.get('new') === '1';

  return (
    <>
      <PageHeader title="Accounts">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
          Show archived
        </label>
        <Button onClick={() => setSearchParams({ new: '1' })}>New account</Button>
      </PageHeader>
      {(creating || editing) && (
        <Card title={editing ? `Edit ${editing.name}` : 'New account'} className="mb-4">
          <AccountForm
            key={editing?.id ?? 'new'}
            account={editing}
            onDone={() => {
              setEditing(null);
              setSearchParams({ new: undefined });
            }}
          />
        </Card>
      )}
      {accounts.isPending ? (
        <Loading />
      ) : accounts.isError ? (
        <ErrorNote error={accounts.error} title="Could not load accounts" />
      ) : accounts.data.length === 0 ? (
        !creating && (
          <EmptyState title="No accounts yet" action={<Button onClick={() => setSearchParams({ new: '1' })}>Create an account</Button>}>
            An account is where holdings and cash sit: a brokerage, a bank, a pension, a wallet.
          </EmptyState>
        )
      ) : (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {accounts.data.map((a) => (
            <AccountCard key={a.id} account={a} onEdit={() => setEditing(a)} />
          ))}
        </div>
      )}
    </>
  );
}

function AccountCard({ account, onEdit }: { account: AccountDto; onEdit: () => void }) {
  const client = useQueryClient();
  const balances = useQuery({
    queryKey: ['transactions', 'balances', account.id],
    queryFn: () => api<BalancesDto>(`/transactions/accounts/${account.id}/balances`),
  });
  const [error, setError] = useState<unknown>(null);
  const archive = async (archived: boolean) => {
    setError(null);
    try {
      if (archived) await api(`/transactions/accounts/${account.id}`, { method: 'DELETE' });
      else await api(`/transactions/accounts/${account.id}`, { method: 'PATCH', body: { archived: false } });
      await client.invalidateQueries({ queryKey: ['transactions'] });
      await client.invalidateQueries({ queryKey: ['portfolio'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card
      title={
        <span>
          {account.name}
          {account.archived && <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-normal dark:bg-slate-700">archived</span>}
        </span>
      }
      actions={
        <div className="flex gap-2">
          <Button variant="ghost" onClick={onEdit} aria-label={`Edit ${account.name}`}>
            Edit
          </Button>
          <Button variant="ghost" onClick={() => void archive(!account.archived)}>
            {account.archived ? 'Reopen' : 'Archive'}
          </Button>
        </div>
      }
    >
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {TYPES.find(([t]) => t === account.type)?.[1]} · {account.currency} · cost basis {account.costBasisMethod === 'FIFO' ? 'first in, first out' : 'average cost'}
        {account.institution ? ` · ${account.institution}` : ''}
        {account.trackCash ? ' · tracks cash' : ''}
      </p>
      <ErrorNote error={error} />
      {balances.isPending ? (
        <Loading className="mt-3" />
      ) : balances.isError ? (
        <ErrorNote error={balances.error} />
      ) : (
        <div className="mt-3 grid grid-cols-2 gap-3 text-sm">
          <div>
            <p className="font-medium">Cash</p>
            {balances.data.cash.length === 0 ? (
              <p className="text-slate-500">—</p>
            ) : (
              balances.data.cash.map((c) => (
                <p key={c.currency} className="tabular-nums">
                  {formatMoney(c.balance, c.currency)}
                </p>
              ))
            )}
          </div>
          <div>
            <p className="font-medium">Positions</p>
            {balances.data.positions.length === 0 ? (
              <p className="text-slate-500">—</p>
            ) : (
              balances.data.positions.map((p) => (
                <p key={p.symbol} className="tabular-nums">
                  {formatNumber(p.quantity)} {p.symbol}
                </p>
              ))
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

function AccountForm({ account, onDone }: { account: AccountDto | null; onDone: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState(account?.name ?? '');
  const [currency, setCurrency] = useState(account?.currency ?? 'USD');
  const [type, setType] = useState<AccountDto['type']>(account?.type ?? 'BROKERAGE');
  const [institution, setInstitution] = useState(account?.institution ?? '');
  const [trackCash, setTrackCash] = useState(account?.trackCash ?? false);
  const [costBasisMethod, setCostBasisMethod] = useState<AccountDto['costBasisMethod']>(account?.costBasisMethod ?? 'FIFO');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = 'Give the account a name.';
    if (!/^[A-Za-z]{3}$/.test(currency.trim())) next.currency = 'Use a three-letter currency code, like USD or EUR.';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    const body = { name: name.trim(), currency: currency.trim().toUpperCase(), type, institution: institution.trim() || null, trackCash, costBasisMethod };
    try {
      if (account) await api(`/transactions/accounts/${account.id}`, { method: 'PATCH', body });
      else await api('/transactions/accounts', { method: 'POST', body });
      await client.invalidateQueries({ queryKey: ['transactions'] });
      await client.invalidateQueries({ queryKey: ['portfolio'] });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        const mapped: Record<string, string> = {};
        for (const i of err.issues) mapped[i.path.split('.').pop() || 'form'] ??= i.message;
        setErrors(mapped);
      } else setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="grid gap-3 sm:grid-cols-2" onSubmit={(e) => void submit(e)} noValidate aria-label={account ? 'Edit account' : 'New account'}>
      <TextField label="Name" name="name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} placeholder="My broker" />
      <TextField label="Currency" name="currency" value={currency} error={errors.currency} onChange={(e) => setCurrency(e.target.value)} maxLength={3} />
      <SelectField label="Type" value={type} error={errors.type} onChange={(e) => setType(e.target.value as AccountDto['type'])}>
        {TYPES.map(([t, label]) => (
          <option key={t} value={t}>
            {label}
          </option>
        ))}
      </SelectField>
      <TextField label="Institution (optional)" value={institution} error={errors.institution} onChange={(e) => setInstitution(e.target.value)} />
      <SelectField
        label="Cost basis"
        value={costBasisMethod}
        error={errors.costBasisMethod}
        onChange={(e) => setCostBasisMethod(e.target.value as AccountDto['costBasisMethod'])}
        hint="How the cost of what you sell is counted: the oldest lots first, or the average cost of all."
      >
        <option value="FIFO">First in, first out</option>
        <option value="AVERAGE">Average cost</option>
      </SelectField>
      <label className="flex items-center gap-2 self-end pb-2 text-sm">
        <input type="checkbox" checked={trackCash} onChange={(e) => setTrackCash(e.target.checked)} />
        Track cash (trades and income move it; it may not go below zero)
      </label>
      <div className="sm:col-span-2">
        <ErrorNote error={errors.form ? new Error(errors.form) : null} />
      </div>
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" busy={busy}>
          {account ? 'Save' : 'Create account'}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

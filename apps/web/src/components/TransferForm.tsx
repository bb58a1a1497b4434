import type { AccountDto, BankTransferDto } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { riskReasons } from '../features/tradeTicket';
import { api, ApiError, errorMessage } from '../lib/api';
import { formatMoney, parseDecimalInput } from '../lib/format';
import { Button, SelectField, TextField } from './ui';

type Errors = Partial<Record<'accountId' | 'amount' | 'currency' | 'form', string>>;

/** Deposit into or withdraw from an account through the bank (`POST /execution/transfers`), with the API's errors inline. */
export function TransferForm({ accounts }: { accounts: AccountDto[] }) {
  const client = useQueryClient();
  const open = accounts.filter((a) => !a.archived);
  const [accountId, setAccountId] = useState(open[0]?.id ?? '');
  const [direction, setDirection] = useState<'deposit' | 'withdrawal'>('deposit');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState<BankTransferDto | null>(null);
  const [busy, setBusy] = useState(false);
  const currency = open.find((a) => a.id === accountId)?.currency ?? 'USD';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const parsed = parseDecimalInput(amount.trim() || 'x');
    if (!accountId) return setErrors({ accountId: 'Choose an account.' });
    if (!amount.trim()) return setErrors({ amount: 'Amount is required.' });
    if ('error' in parsed) return setErrors({ amount: `Amount ${parsed.error}.` });
    setBusy(true);
    try {
      const transfer = await api<BankTransferDto>('/execution/transfers', { method: 'POST', body: { accountId, direction, amount: parsed.value, currency } });
      setDone(transfer);
      setAmount('');
      await Promise.all([client.invalidateQueries({ queryKey: ['transactions'] }), client.invalidateQueries({ queryKey: ['portfolio'] })]);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') {
        const next: Errors = {};
        for (const issue of err.issues) {
          const key = issue.path.split(/[./]/).filter(Boolean).pop() ?? '';
          const field = key === 'amount' || key === 'currency' || key === 'accountId' ? key : 'form';
          next[field] ??= issue.message[0]!.toUpperCase() + issue.message.slice(1);
        }
        setErrors(Object.keys(next).length ? next : { form: err.message });
      } else if (err instanceof ApiError && err.status === 422) {
        setErrors({ amount: riskReasons(err.details).join(' ') || err.message });
      } else setErrors({ form: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="grid gap-3 sm:grid-cols-3" onSubmit={(e) => void submit(e)} noValidate aria-label="Bank transfer">
      <SelectField label="Account" value={accountId} error={errors.accountId} onChange={(e) => (setAccountId(e.target.value), setErrors({}))}>
        {open.length === 0 && <option value="">No open account</option>}
        {open.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.currency})
          </option>
        ))}
      </SelectField>
      <SelectField label="Direction" value={direction} onChange={(e) => (setDirection(e.target.value as typeof direction), setErrors({}))}>
        <option value="deposit">Deposit</option>
        <option value="withdrawal">Withdrawal</option>
      </SelectField>
      <TextField label={`Amount (${currency})`} name="amount" inputMode="decimal" value={amount} error={errors.amount ?? errors.currency} onChange={(e) => (setAmount(e.target.value), setErrors({}))} />
      {errors.form && (
        <p role="alert" className="text-sm text-rose-700 sm:col-span-3 dark:text-rose-400">
          {errors.form}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
        <Button type="submit" busy={busy}>
          {direction === 'deposit' ? 'Deposit' : 'Withdraw'}
        </Button>
        {done && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="transfer-done">
            {done.direction === 'deposit' ? 'Deposit' : 'Withdrawal'} of {formatMoney(done.amount, done.currency)} {done.status}.
          </p>
        )}
      </div>
    </form>
  );
}

import type { AccountDto, ActivityDto, ActivityType } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { activityToValues, emptyActivity, FIELDS_BY_TYPE, issuesToErrors, LABELS, validateActivity, type ActivityFormValues, type FieldName, type FormErrors } from '../features/activityForm';
import { api, ApiError } from '../lib/api';
import { TYPE_LABELS } from './ActivityList';
import { Button, ErrorNote, SelectField, TextField } from './ui';

interface Props {
  accounts: AccountDto[];
  activity?: ActivityDto | null;
  onDone: (saved: ActivityDto | null) => void;
}

/** Add or edit one activity; shows the API's own validation and ledger errors next to their fields. */
export function ActivityForm({ accounts, activity, onDone }: Props) {
  const client = useQueryClient();
  const open = accounts.filter((a) => !a.archived);
  const [values, setValues] = useState<ActivityFormValues>(() => (activity ? activityToValues(activity) : emptyActivity(open[0]?.id ?? '')));
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const spec = FIELDS_BY_TYPE[values.type];
  const set = (field: keyof ActivityFormValues) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    setErrors((er) => ({ ...er, [field]: undefined, form: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateActivity(values);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    try {
      const saved = activity
        ? await api<ActivityDto>(`/transactions/activities/${activity.id}`, { method: 'PATCH', body: checked.body })
        : await api<ActivityDto>('/transactions/activities', { method: 'POST', body: dropNulls(checked.body), headers: { 'idempotency-key': crypto.randomUUID() } });
      await Promise.all([client.invalidateQueries({ queryKey: ['transactions'] }), client.invalidateQueries({ queryKey: ['portfolio'] })]);
      onDone(saved);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'validation_failed' || err.status === 422)) setErrors(issuesToErrors(err.issues, err.message));
      else setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!activity || !window.confirm('Delete this activity? Holdings and performance are recomputed without it.')) return;
    setBusy(true);
    try {
      await api(`/transactions/activities/${activity.id}`, { method: 'DELETE' });
      await Promise.all([client.invalidateQueries({ queryKey: ['transactions'] }), client.invalidateQueries({ queryKey: ['portfolio'] })]);
      onDone(null);
    } catch (err) {
      setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  const field = (name: FieldName, extra: { placeholder?: string; hint?: string } = {}) =>
    spec.show.includes(name) && (
      <TextField
        key={name}
        label={`${LABELS[name]}${spec.required.includes(name) ? '' : ' (optional)'}`}
        name={name}
        inputMode={name === 'symbol' || name === 'ratio' ? 'text' : 'decimal'}
        value={values[name]}
        error={errors[name]}
        onChange={set(name)}
        placeholder={extra.placeholder}
        hint={extra.hint}
      />
    );

  return (
    <form className="grid gap-3 sm:grid-cols-2" onSubmit={(e) => void submit(e)} noValidate aria-label={activity ? 'Edit activity' : 'Add activity'}>
      <SelectField label="Account" name="accountId" value={values.accountId} error={errors.accountId} onChange={set('accountId')}>
        {open.length === 0 && <option value="">No open account</option>}
        {open.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.currency})
          </option>
        ))}
      </SelectField>
      <SelectField label="Type" name="type" value={values.type} error={errors.type} onChange={set('type')}>
        {(Object.keys(FIELDS_BY_TYPE) as ActivityType[]).map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </SelectField>
      <TextField label="Date" name="date" type="date" value={values.date} error={errors.date} onChange={set('date')} />
      {field('symbol', { placeholder: 'AAPL', hint: 'Ticker or ISIN' })}
      {field('quantity')}
      {field('unitPrice')}
      {field('amount', { hint: values.type === 'FEE' || values.type === 'TAX' ? 'A negative amount is a refund.' : undefined })}
      {field('fee')}
      {field('tax')}
      {field('ratio', { placeholder: '2:1' })}
      <TextField label="Currency (optional)" name="currency" value={values.currency} error={errors.currency} onChange={set('currency')} placeholder="Account's currency" maxLength={3} />
      <TextField label="Notes (optional)" name="notes" value={values.notes} error={errors.notes} onChange={set('notes')} className="sm:col-span-2" />
      <div className="sm:col-span-2">
        <ErrorNote error={errors.form ? new Error(errors.form) : null} />
      </div>
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <Button type="submit" busy={busy}>
          {activity ? 'Save changes' : 'Add activity'}
        </Button>
        <Button variant="secondary" onClick={() => onDone(null)}>
          Cancel
        </Button>
        {activity && (
          <Button variant="danger" className="ml-auto" onClick={() => void remove()}>
            Delete
          </Button>
        )}
      </div>
    </form>
  );
}

function dropNulls(body: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => e[1] !== null));
}

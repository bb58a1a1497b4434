import type { AccountDto, OrderDto, OrderPreviewDto, OrderSide, OrderType } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import {
  canUseNotional,
  emptyTicket,
  riskReasons,
  ticketIssuesToErrors,
  timeInForceFor,
  TYPE_LABELS,
  validateTicket,
  visibleFields,
  type TicketErrors,
  type TicketValues,
} from '../features/tradeTicket';
import { api, ApiError, errorMessage } from '../lib/api';
import { formatMoney, formatNumber } from '../lib/format';
import { PriceFields, TimeInForceField } from './OrderFields';
import { Button, cx, Problem, SelectField, TextField } from './ui';

interface Props {
  accounts: AccountDto[];
  onPlaced?: (order: OrderDto) => void;
}

/**
 * The order ticket: fields for the chosen type only, then a review with the execution
 * service's pre-trade risk checks and a cost estimate (`POST /orders/preview`), then confirm.
 */
export function TradeTicket({ accounts, onPlaced }: Props) {
  const client = useQueryClient();
  const open = accounts.filter((a) => !a.archived);
  const [values, setValues] = useState<TicketValues>(() => emptyTicket(open[0]?.id ?? ''));
  const [errors, setErrors] = useState<TicketErrors>({});
  const [refusal, setRefusal] = useState<string[]>([]);
  const [preview, setPreview] = useState<{ body: Record<string, string>; answer: OrderPreviewDto } | null>(null);
  const [busy, setBusy] = useState(false);
  const clientOrderId = useRef<string | null>(null);
  const shown = visibleFields(values);
  const account = open.find((a) => a.id === values.accountId);
  const currency = preview?.answer.currency ?? account?.currency ?? 'USD';

  const update = (patch: Partial<TicketValues>) => {
    setValues((v) => {
      const next = { ...v, ...patch };
      if (!timeInForceFor(next.type).includes(next.timeInForce)) next.timeInForce = 'day';
      return next;
    });
    setErrors((er) => {
      const copy = { ...er, form: undefined };
      for (const k of Object.keys(patch)) delete copy[k as keyof TicketValues];
      return copy;
    });
    setRefusal([]);
    setPreview(null);
  };
  const set = (field: keyof TicketValues) => (e: { target: { value: string } }) => update({ [field]: e.target.value });

  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'validation_failed') setErrors(ticketIssuesToErrors(err.issues, err.message));
    else if (err instanceof ApiError && err.status === 422 && riskReasons(err.details).length) setRefusal(riskReasons(err.details));
    else setErrors({ form: errorMessage(err) });
  };

  const review = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateTicket(values);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    try {
      const answer = await api<OrderPreviewDto>('/execution/orders/preview', { method: 'POST', body: checked.body });
      clientOrderId.current = crypto.randomUUID();
      setPreview({ body: checked.body, answer });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const order = await api<OrderDto>('/execution/orders', { method: 'POST', body: { ...preview.body, clientOrderId: clientOrderId.current ?? crypto.randomUUID() } });
      setPreview(null);
      setValues((v) => ({ ...v, quantity: '', notional: '', limitPrice: '', stopPrice: '', trail: '' }));
      await client.invalidateQueries({ queryKey: ['execution'] });
      onPlaced?.(order);
    } catch (err) {
      setPreview(null);
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="grid gap-3 sm:grid-cols-2" onSubmit={(e) => void review(e)} noValidate aria-label="Order ticket">
      <SelectField label="Account" name="accountId" value={values.accountId} error={errors.accountId} onChange={set('accountId')}>
        {open.length === 0 && <option value="">No open account</option>}
        {open.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.currency})
          </option>
        ))}
      </SelectField>
      <TextField label="Symbol" name="symbol" value={values.symbol} error={errors.symbol} onChange={set('symbol')} placeholder="AAPL or BTC-USD" autoCapitalize="characters" />
      <fieldset className="sm:col-span-2">
        <legend className="mb-1 text-sm font-medium">Side</legend>
        <div className="inline-flex rounded-md border border-slate-300 dark:border-slate-600" role="radiogroup" aria-label="Side">
          {(['buy', 'sell'] as OrderSide[]).map((side) => (
            <label
              key={side}
              className={cx(
                'cursor-pointer px-4 py-2 text-sm font-medium first:rounded-l-md last:rounded-r-md has-[:focus-visible]:outline has-[:focus-visible]:outline-2',
                values.side === side ? (side === 'buy' ? 'bg-emerald-700 text-white' : 'bg-rose-700 text-white') : 'bg-white text-slate-800 dark:bg-slate-900 dark:text-slate-100',
              )}
            >
              <input type="radio" name="side" value={side} checked={values.side === side} onChange={() => update({ side })} className="sr-only" />
              {side === 'buy' ? 'Buy' : 'Sell'}
            </label>
          ))}
        </div>
      </fieldset>
      <SelectField label="Order type" name="type" value={values.type} error={errors.type} onChange={(e) => update({ type: e.target.value as OrderType })}>
        {(Object.keys(TYPE_LABELS) as OrderType[]).map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </SelectField>
      <TimeInForceField type={values.type} value={values.timeInForce} error={errors.timeInForce} onChange={(timeInForce) => update({ timeInForce })} />
      {canUseNotional(values) && (
        <SelectField label="Size by" name="sizeBy" value={values.sizeBy} onChange={(e) => update({ sizeBy: e.target.value as TicketValues['sizeBy'] })}>
          <option value="quantity">Quantity</option>
          <option value="notional">Amount ({account?.currency ?? 'cash'})</option>
        </SelectField>
      )}
      {shown.includes('quantity') && <TextField label="Quantity" name="quantity" inputMode="decimal" value={values.quantity} error={errors.quantity} onChange={set('quantity')} hint="Fractions allowed" />}
      {shown.includes('notional') && <TextField label="Amount" name="notional" inputMode="decimal" value={values.notional} error={errors.notional} onChange={set('notional')} />}
      <PriceFields shown={shown} values={values} errors={errors} onChange={update} />
      {(errors.form || refusal.length > 0) && (
        <Problem className="sm:col-span-2">
          {errors.form && <p>{errors.form}</p>}
          {refusal.length > 0 && (
            <>
              <p className="font-medium">Refused by the risk checks</p>
              <ul className="list-disc pl-5">
                {refusal.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          )}
        </Problem>
      )}
      {preview ? (
        <section className="rounded-md border border-slate-300 p-3 text-sm sm:col-span-2 dark:border-slate-600" aria-label="Order review" data-testid="order-review">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 tabular-nums">
            <dt>Quote</dt>
            <dd className="text-right">{formatMoney(preview.answer.quote, preview.answer.quoteCurrency)}</dd>
            <dt>Quantity</dt>
            <dd className="text-right">{preview.answer.estimatedQuantity ? `${preview.body.notional ? '≈ ' : ''}${formatNumber(preview.answer.estimatedQuantity)}` : '—'}</dd>
            <dt>Quote × quantity</dt>
            <dd className="text-right">{formatMoney(preview.answer.grossAmount, currency)}</dd>
            <dt>Commission</dt>
            <dd className="text-right">{formatMoney(preview.answer.estimatedCommission, currency)}</dd>
            <dt className="font-semibold">{preview.body.side === 'buy' ? 'Estimated cost' : 'Estimated proceeds'}</dt>
            <dd className="text-right font-semibold" data-testid="estimated-total">
              {formatMoney(preview.answer.estimatedTotal, currency)}
            </dd>
            <dt>Buying power</dt>
            <dd className="text-right">{formatMoney(preview.answer.buyingPower, currency)}</dd>
          </dl>
          {preview.answer.approved ? (
            <p className="mt-2 text-emerald-700 dark:text-emerald-400" data-testid="risk-result">
              ✓ Passes the pre-trade risk checks
            </p>
          ) : (
            <div className="mt-2 text-rose-700 dark:text-rose-400" data-testid="risk-result" role="alert">
              <p className="font-medium">The risk checks would refuse this order:</p>
              <ul className="list-disc pl-5">
                {preview.answer.reasons.map((r) => (
                  <li key={r.code + r.message}>{r.message[0]!.toUpperCase() + r.message.slice(1)}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={() => void confirm()} busy={busy} disabled={!preview.answer.approved}>
              Confirm {preview.body.side === 'buy' ? 'buy' : 'sell'}
            </Button>
            <Button variant="secondary" onClick={() => setPreview(null)}>
              Edit
            </Button>
          </div>
        </section>
      ) : (
        <div className="sm:col-span-2">
          <Button type="submit" busy={busy}>
            Review order
          </Button>
        </div>
      )}
    </form>
  );
}

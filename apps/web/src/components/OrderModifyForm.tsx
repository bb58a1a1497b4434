import type { OrderDto } from '@meridian/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { modifyErrors, modifyFields, modifyValues, validateModify, type ModifyErrors, type ModifyValues } from '../features/orderModify';
import { api } from '../lib/api';
import { formatMoney, formatNumber } from '../lib/format';
import { executionKeys } from '../lib/queries';
import { PriceFields, TimeInForceField } from './OrderFields';
import { Button, Problem, TextField } from './ui';

interface Props {
  order: OrderDto;
  /** The replacement the API answered (201); the order shown is now `replaced`. */
  onReplaced: (replacement: OrderDto) => void;
  onClose: () => void;
  id?: string;
}

/**
 * Changes a working order (`PATCH /execution/orders/{id}`): its size, the prices its type takes
 * and its time in force, prefilled with what it has now. The service answers with a new order
 * that replaces this one. Escape closes the form.
 */
export function OrderModifyForm({ order, onReplaced, onClose, id }: Props) {
  const client = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<ModifyValues>(() => modifyValues(order));
  const [errors, setErrors] = useState<ModifyErrors>({});
  const [busy, setBusy] = useState(false);
  // Bumped on each refused submit, to move the focus to what needs fixing.
  const [refusals, setRefusals] = useState(0);
  const fields = modifyFields(order);

  useEffect(() => {
    // Opening lands on the first input; a refusal on the first field in error, or on the form's problem.
    form.current?.querySelector<HTMLElement>(refusals === 0 ? 'input, select' : '[aria-invalid="true"], [tabindex="-1"]')?.focus();
  }, [refusals]);

  const update = (patch: Partial<ModifyValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setErrors((er) => {
      const copy: ModifyErrors = { ...er, form: undefined };
      for (const k of Object.keys(patch)) delete copy[k as keyof ModifyErrors];
      return copy;
    });
  };
  const refuse = (found: ModifyErrors) => {
    setErrors(found);
    setRefusals((n) => n + 1);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateModify(order, values);
    if ('errors' in checked) return refuse(checked.errors);
    setBusy(true);
    try {
      const replacement = await api<OrderDto>(`/execution/orders/${encodeURIComponent(order.id)}`, { method: 'PATCH', body: checked.body });
      // Hand over first: refreshed, this order turns `replaced` and the form would close under the user.
      onReplaced(replacement);
      void client.invalidateQueries({ queryKey: executionKeys.all });
    } catch (err) {
      refuse(modifyErrors(err));
      // A refusal may mean the order moved on (filled, canceled): show what it is now.
      await client.invalidateQueries({ queryKey: executionKeys.order(order.id) });
    } finally {
      setBusy(false);
    }
  };

  const sizeHint = order.notional
    ? `Leave empty to keep the amount of ${formatMoney(order.notional, order.currency)}`
    : Number(order.filledQuantity) > 0
      ? `${formatNumber(order.filledQuantity)} already filled`
      : undefined;

  return (
    <form
      ref={form}
      id={id}
      aria-label="Modify order"
      noValidate
      className="mt-4 grid gap-3 border-t border-slate-200 pt-4 sm:grid-cols-2 dark:border-slate-700"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <p className="text-sm text-slate-600 sm:col-span-2 dark:text-slate-400">A new order with these values replaces this one; what has filled stays filled.</p>
      {fields.includes('quantity') && <TextField label="Quantity" name="quantity" inputMode="decimal" value={values.quantity} error={errors.quantity} onChange={(e) => update({ quantity: e.target.value })} hint={sizeHint} />}
      <PriceFields shown={fields} values={values} errors={errors} onChange={update} />
      <TimeInForceField type={order.type} value={values.timeInForce} error={errors.timeInForce} onChange={(timeInForce) => update({ timeInForce })} />
      {errors.form && (
        <Problem className="sm:col-span-2">
          <p tabIndex={-1}>{errors.form}</p>
        </Problem>
      )}
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <Button type="submit" busy={busy}>
          Save changes
        </Button>
        <Button variant="secondary" onClick={onClose}>
          Discard
        </Button>
      </div>
    </form>
  );
}

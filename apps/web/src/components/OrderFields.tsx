import type { OrderType, TimeInForce } from '@meridian/contracts';
import { TIF_LABELS, timeInForceFor, type PriceField } from '../features/tradeTicket';
import { SelectField, TextField } from './ui';

// Inputs the order ticket and the modify form share.

export interface PriceValues {
  limitPrice: string;
  stopPrice: string;
  trailBy: 'percent' | 'price';
  trail: string;
}

interface Props {
  /** The price fields of the order's type (`PRICE_FIELDS`). */
  shown: readonly string[];
  values: PriceValues;
  errors: Partial<Record<PriceField, string>>;
  onChange: (patch: Partial<PriceValues>) => void;
}

/** The stop price, limit price and trail inputs an order type takes, for the ticket and the modify form. */
export function PriceFields({ shown, values, errors, onChange }: Props) {
  const set = (field: 'limitPrice' | 'stopPrice' | 'trail') => (e: { target: { value: string } }) => onChange({ [field]: e.target.value });
  return (
    <>
      {shown.includes('stopPrice') && <TextField label="Stop price" name="stopPrice" inputMode="decimal" value={values.stopPrice} error={errors.stopPrice} onChange={set('stopPrice')} />}
      {shown.includes('limitPrice') && <TextField label="Limit price" name="limitPrice" inputMode="decimal" value={values.limitPrice} error={errors.limitPrice} onChange={set('limitPrice')} />}
      {shown.includes('trail') && (
        <>
          <SelectField label="Trail by" name="trailBy" value={values.trailBy} onChange={(e) => onChange({ trailBy: e.target.value as PriceValues['trailBy'] })}>
            <option value="percent">Percent</option>
            <option value="price">Amount</option>
          </SelectField>
          <TextField label={values.trailBy === 'percent' ? 'Trail percent' : 'Trail amount'} name="trail" inputMode="decimal" value={values.trail} error={errors.trail} onChange={set('trail')} />
        </>
      )}
    </>
  );
}

/** The time-in-force choices of an order type (ioc and fok only for market and limit orders). */
export function TimeInForceField({ type, value, error, onChange }: { type: OrderType; value: TimeInForce; error: string | undefined; onChange: (value: TimeInForce) => void }) {
  return (
    <SelectField label="Time in force" name="timeInForce" value={value} error={error} onChange={(e) => onChange(e.target.value as TimeInForce)}>
      {timeInForceFor(type).map((t) => (
        <option key={t} value={t}>
          {TIF_LABELS[t]}
        </option>
      ))}
    </SelectField>
  );
}

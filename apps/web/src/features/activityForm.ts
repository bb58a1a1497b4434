import type { ActivityDto, ActivityType } from '@meridian/contracts';
import { parseDecimalInput, today } from '../lib/format';

/** Which fields each activity type takes (services/transactions/README.md), and which of them it needs. */
export const FIELDS_BY_TYPE: Record<ActivityType, { show: FieldName[]; required: FieldName[] }> = {
  BUY: { show: ['symbol', 'quantity', 'unitPrice', 'fee', 'tax'], required: ['symbol', 'quantity', 'unitPrice'] },
  SELL: { show: ['symbol', 'quantity', 'unitPrice', 'fee', 'tax'], required: ['symbol', 'quantity', 'unitPrice'] },
  DIVIDEND: { show: ['symbol', 'amount', 'fee', 'tax'], required: ['amount'] },
  INTEREST: { show: ['symbol', 'amount', 'fee', 'tax'], required: ['amount'] },
  FEE: { show: ['symbol', 'amount'], required: ['amount'] },
  TAX: { show: ['symbol', 'amount'], required: ['amount'] },
  DEPOSIT: { show: ['amount'], required: ['amount'] },
  WITHDRAWAL: { show: ['amount'], required: ['amount'] },
  TRANSFER_IN: { show: ['symbol', 'quantity', 'unitPrice', 'amount'], required: [] },
  TRANSFER_OUT: { show: ['symbol', 'quantity', 'amount'], required: [] },
  SPLIT: { show: ['symbol', 'ratio'], required: ['symbol', 'ratio'] },
  VALUATION: { show: ['symbol', 'unitPrice'], required: ['symbol', 'unitPrice'] },
};

export type FieldName = 'symbol' | 'quantity' | 'unitPrice' | 'amount' | 'fee' | 'tax' | 'ratio';
const DECIMAL_FIELDS: FieldName[] = ['quantity', 'unitPrice', 'amount', 'fee', 'tax'];

export interface ActivityFormValues {
  accountId: string;
  type: ActivityType;
  date: string;
  symbol: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  fee: string;
  tax: string;
  currency: string;
  ratio: string;
  notes: string;
}

export type FormErrors = Partial<Record<keyof ActivityFormValues | 'form', string>>;

export function emptyActivity(accountId: string): ActivityFormValues {
  return { accountId, type: 'BUY', date: today(), symbol: '', quantity: '', unitPrice: '', amount: '', fee: '', tax: '', currency: '', ratio: '', notes: '' };
}

export function activityToValues(a: ActivityDto): ActivityFormValues {
  const zeroIsEmpty = (v: string) => (Number(v) === 0 ? '' : v);
  return {
    accountId: a.accountId,
    type: a.type,
    date: a.date,
    symbol: a.symbol ?? '',
    quantity: a.quantity ?? '',
    unitPrice: a.unitPrice ?? '',
    amount: a.amount ?? '',
    fee: zeroIsEmpty(a.fee),
    tax: zeroIsEmpty(a.tax),
    currency: a.currency,
    ratio: a.ratio ?? '',
    notes: a.notes ?? '',
  };
}

/**
 * Checks the form the way the API will, so most mistakes show before a round trip, and
 * builds the request body. Fields a type does not take are sent as null (an edit clears them).
 */
export function validateActivity(v: ActivityFormValues, { todayIs = today() } = {}): { body: Record<string, string | null> } | { errors: FormErrors } {
  const errors: FormErrors = {};
  const spec = FIELDS_BY_TYPE[v.type];
  const body: Record<string, string | null> = { accountId: v.accountId, type: v.type, date: v.date };
  if (!v.accountId) errors.accountId = 'Choose an account.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) errors.date = 'Enter a date.';
  else if (v.date > todayIs) errors.date = 'The date cannot be in the future.';
  else if (v.date < '1900-01-01') errors.date = 'The date cannot be before 1900.';
  for (const field of ['symbol', 'quantity', 'unitPrice', 'amount', 'fee', 'tax', 'ratio'] as const) {
    const raw = v[field].trim();
    if (!spec.show.includes(field)) {
      body[field] = null;
      continue;
    }
    if (raw === '') {
      if (spec.required.includes(field)) errors[field] = `${LABELS[field]} is required for this type.`;
      body[field] = null;
      continue;
    }
    if (DECIMAL_FIELDS.includes(field)) {
      const parsed = parseDecimalInput(raw);
      if ('error' in parsed) errors[field] = `${LABELS[field]} ${parsed.error}.`;
      else if ((field === 'quantity' || field === 'unitPrice') && Number(parsed.value) <= 0 && v.type !== 'TRANSFER_IN') errors[field] = `${LABELS[field]} must be more than zero.`;
      else if ((field === 'fee' || field === 'tax') && Number(parsed.value) < 0) errors[field] = `${LABELS[field]} cannot be negative.`;
      else body[field] = parsed.value;
    } else if (field === 'ratio') {
      if (!/^\d+(\.\d+)?\s*[:/]\s*\d+(\.\d+)?$/.test(raw)) errors.ratio = 'Ratio must look like 2:1 (new shares : old shares).';
      else body.ratio = raw.replace(/\s+/g, '');
    } else {
      body.symbol = raw.toUpperCase();
    }
  }
  if ((v.type === 'TRANSFER_IN' || v.type === 'TRANSFER_OUT') && !body.amount && !(body.symbol && body.quantity)) {
    errors.amount = 'Give an amount (cash) or a symbol and a quantity (securities).';
  }
  if (v.currency.trim()) {
    if (!/^[A-Za-z]{3}$/.test(v.currency.trim())) errors.currency = 'Currency must be a three-letter code like USD.';
    else body.currency = v.currency.trim().toUpperCase();
  }
  body.notes = v.notes.trim() || null;
  if (Object.keys(errors).length) return { errors };
  return { body };
}

export const LABELS: Record<FieldName, string> = {
  symbol: 'Symbol',
  quantity: 'Quantity',
  unitPrice: 'Price per unit',
  amount: 'Amount',
  fee: 'Fee',
  tax: 'Tax',
  ratio: 'Split ratio',
};

/** Maps the API's field issues (`quantity`, `body.quantity`, `/quantity`) to form fields; the rest go to `form`. */
export function issuesToErrors(issues: Array<{ path: string; message: string }>, fallback: string): FormErrors {
  const errors: FormErrors = {};
  const fields = new Set(['accountId', 'type', 'date', 'symbol', 'quantity', 'unitPrice', 'amount', 'fee', 'tax', 'currency', 'ratio', 'notes']);
  for (const issue of issues) {
    const key = issue.path.split(/[./]/).filter(Boolean).pop() ?? '';
    if (fields.has(key)) errors[key as keyof ActivityFormValues] ??= capitalise(issue.message);
    else errors.form ??= capitalise(issue.message);
  }
  if (Object.keys(errors).length === 0) errors.form = fallback;
  return errors;
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

import type { EventHandlers } from '@meridian/platform';
import { Decimal } from '@meridian/finance';
import { requireOpenAccount } from './accounts.service.js';
import { fieldsFromInput, recordActivities, rejectIssues, validateFields } from './activities.service.js';
import type { TransactionsDeps } from './deps.js';
import { assertLedger } from './ledger.service.js';
import { runWriteIn, type Trx } from './writes.js';

/**
 * Books what the execution service did in the linked account, through the same validation and
 * ledger rules as any write and with the user's next version:
 * `execution.order.filled` → BUY or SELL (commission as fee), `execution.transfer.completed` →
 * DEPOSIT or WITHDRAWAL. The activity's id is the fill's (or transfer's) id, so a fill is booked
 * exactly once even if it were published twice. A fill the ledger refuses is retried, then parked.
 */
export function executionConsumers(deps: TransactionsDeps): EventHandlers {
  const book = async (
    trx: Trx,
    userId: string,
    id: string,
    accountId: string,
    input: { type: 'BUY' | 'SELL' | 'DEPOSIT' | 'WITHDRAWAL'; date: string; symbol?: string; quantity?: string; unitPrice?: string; amount?: string; fee?: string; currency: string; notes: string },
  ) => {
    const exists = await trx.selectFrom('activities').select('id').where('id', '=', id).executeTakeFirst();
    if (exists) return;
    await runWriteIn(deps, trx, userId, async (w) => {
      const account = await requireOpenAccount(trx, userId, accountId);
      const fields = fieldsFromInput({ accountId, ...input }, account);
      rejectIssues(validateFields(fields, w.now));
      await assertLedger(trx, w, [account], { add: [{ id, ...fields }] });
      await recordActivities(deps, trx, w, [{ id, fields, transferId: null, source: 'EXECUTION', importId: null }]);
    });
  };
  return {
    'execution.order.filled': async (event, trx) => {
      const d = event.data;
      await book(trx, d.userId, d.fillId, d.accountId, {
        type: d.side === 'buy' ? 'BUY' : 'SELL',
        date: d.filledAt.slice(0, 10),
        symbol: d.symbol,
        quantity: d.quantity,
        unitPrice: d.price,
        fee: Decimal.from(d.commission).toString(),
        currency: d.currency,
        notes: `${d.broker} order ${d.clientOrderId}`,
      });
    },
    'execution.transfer.completed': async (event, trx) => {
      const d = event.data;
      await book(trx, d.userId, d.transferId, d.accountId, {
        type: d.direction === 'deposit' ? 'DEPOSIT' : 'WITHDRAWAL',
        date: d.completedAt.slice(0, 10),
        amount: d.amount,
        currency: d.currency,
        notes: `bank transfer (${d.provider})`,
      });
    },
  };
}

import type { PriceFlags } from '../lib/types';

/** Says, above the figures, which prices are not fresh market prices. */
export function PriceNotice({ prices }: { prices: PriceFlags | undefined }) {
  if (!prices) return null;
  const notes: string[] = [];
  if (prices.simulated) notes.push('Prices are simulated: no market data provider is configured on this server.');
  if (prices.stale.length) notes.push(`Stale prices (older than the last trading session): ${prices.stale.join(', ')}.`);
  if (prices.manual.length) notes.push(`Manual prices you entered: ${prices.manual.join(', ')}.`);
  if (prices.backfilled?.length) notes.push(`Back-filled closes, not live quotes: ${prices.backfilled.join(', ')}.`);
  if (notes.length === 0) return null;
  return (
    <div className="mb-4 rounded-md border border-violet-300 bg-violet-50 p-3 text-sm text-violet-900 dark:border-violet-800 dark:bg-violet-950 dark:text-violet-100" data-testid="price-notice">
      {notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
    </div>
  );
}

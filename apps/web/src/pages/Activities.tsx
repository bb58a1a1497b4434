import type { ActivityDto } from '@meridian/contracts';
import { useState } from 'react';
import { ActivityForm } from '../components/ActivityForm';
import { ActivityRows, TYPE_LABELS } from '../components/ActivityList';
import { Button, Card, EmptyState, ErrorNote, Loading, PageHeader, SelectField, TextField } from '../components/ui';
import { useAccounts, useActivities } from '../lib/queries';
import { navigate, setSearchParams, useLocation } from '../lib/router';

export default function Activities() {
  const { search } = useLocation();
  const accounts = useAccounts(true);
  const filters = {
    accountId: search.get('accountId') ?? undefined,
    type: search.get('type') ?? undefined,
    q: search.get('q') ?? undefined,
    from: search.get('from') ?? undefined,
    to: search.get('to') ?? undefined,
  };
  const activities = useActivities(filters);
  const [editing, setEditing] = useState<ActivityDto | null>(null);
  const adding = search.get('new') === '1';
  const [q, setQ] = useState(filters.q ?? '');
  const items = activities.data?.pages.flatMap((p) => p.items) ?? [];
  const hasAccounts = (accounts.data ?? []).some((a) => !a.archived);

  return (
    <>
      <PageHeader title="Activities">
        <Button variant="secondary" onClick={() => navigate('/activities/import')}>
          Import CSV
        </Button>
        <Button onClick={() => setSearchParams({ new: '1' })} disabled={!hasAccounts}>
          Add activity
        </Button>
      </PageHeader>
      {(adding || editing) && accounts.data && (
        <Card title={editing ? 'Edit activity' : 'New activity'} className="mb-4">
          <ActivityForm
            key={editing?.id ?? 'new'}
            accounts={accounts.data}
            activity={editing}
            onDone={() => {
              setEditing(null);
              setSearchParams({ new: undefined });
            }}
          />
        </Card>
      )}
      <Card className="mb-4">
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearchParams({ q: q.trim() || undefined });
          }}
        >
          <TextField label="Search symbol or notes" value={q} onChange={(e) => setQ(e.target.value)} onBlur={() => setSearchParams({ q: q.trim() || undefined })} />
          <SelectField label="Account" value={filters.accountId ?? ''} onChange={(e) => setSearchParams({ accountId: e.target.value || undefined })}>
            <option value="">All accounts</option>
            {accounts.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.archived ? ' (archived)' : ''}
              </option>
            ))}
          </SelectField>
          <SelectField label="Type" value={filters.type ?? ''} onChange={(e) => setSearchParams({ type: e.target.value || undefined })}>
            <option value="">All types</option>
            <option value="BUY,SELL">Trades</option>
            <option value="DIVIDEND,INTEREST">Income</option>
            <option value="DEPOSIT,WITHDRAWAL,TRANSFER_IN,TRANSFER_OUT">Cash movements</option>
            {Object.entries(TYPE_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </SelectField>
          <TextField label="From" type="date" value={filters.from ?? ''} onChange={(e) => setSearchParams({ from: e.target.value || undefined })} />
          <TextField label="To" type="date" value={filters.to ?? ''} onChange={(e) => setSearchParams({ to: e.target.value || undefined })} />
        </form>
      </Card>
      <Card>
        {activities.isPending ? (
          <Loading />
        ) : activities.isError ? (
          <ErrorNote error={activities.error} title="Could not load activities" />
        ) : items.length === 0 ? (
          Object.values(filters).some(Boolean) ? (
            <EmptyState title="No activity matches these filters" action={<Button variant="secondary" onClick={() => navigate('/activities')}>Clear filters</Button>} />
          ) : (
            <EmptyState
              title="No activities yet"
              action={hasAccounts ? <Button onClick={() => setSearchParams({ new: '1' })}>Add your first activity</Button> : <Button onClick={() => navigate('/accounts?new=1')}>Create an account first</Button>}
            >
              Buys, sells, dividends, deposits: everything that changed what you own.
            </EmptyState>
          )
        ) : (
          <>
            <ActivityRows items={items} accounts={accounts.data} onEdit={(a) => setEditing(a)} />
            {activities.hasNextPage && (
              <Button variant="secondary" className="mt-3" busy={activities.isFetchingNextPage} onClick={() => void activities.fetchNextPage()}>
                Show older
              </Button>
            )}
          </>
        )}
      </Card>
    </>
  );
}

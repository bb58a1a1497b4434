import type { ApiKeyDto, SessionDto } from '@meridian/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Card, ErrorNote, Loading, PageHeader, QueryProblem, SelectField, TextField } from '../components/ui';
import { api, apiResponse } from '../lib/api';
import { useAuth } from '../lib/auth';
import { formatInstant } from '../lib/format';
import { useMe, usePortfolioSettings } from '../lib/queries';
import { navigate } from '../lib/router';

export default function Settings() {
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-4 xl:grid-cols-2">
        <Profile />
        <BaseCurrency />
        <Password />
        <TwoFactor />
        <Sessions />
        <ApiKeys />
        <Export />
        <DeleteAccount />
      </div>
    </>
  );
}

/** Runs an action with busy/error/success state for a small settings form. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await fn();
      if (message) setDone(message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run };
}

function Done({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-400">
      {children}
    </p>
  );
}

function Profile() {
  const me = useMe();
  return (
    <Card title="Your account">
      {me.isPending ? (
        <Loading />
      ) : me.isError ? (
        <ErrorNote error={me.error} />
      ) : (
        <dl className="grid grid-cols-2 gap-2 text-sm">
          <dt>Email</dt>
          <dd>{me.data.email}</dd>
          <dt>Member since</dt>
          <dd>{formatInstant(me.data.createdAt)}</dd>
          <dt>Two-factor</dt>
          <dd>{me.data.twoFactorEnabled ? 'On' : 'Off'}</dd>
        </dl>
      )}
    </Card>
  );
}

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'NZD', 'SGD', 'HKD'];

function BaseCurrency() {
  const settings = usePortfolioSettings();
  const client = useQueryClient();
  const [value, setValue] = useState<string | null>(null);
  const action = useAction();
  const current = value ?? settings.data?.baseCurrency ?? 'USD';
  return (
    <Card title="Reporting currency">
      {settings.isError ? (
        <QueryProblem error={settings.error} what="Portfolio settings" />
      ) : (
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await api('/portfolio/settings', { method: 'PUT', body: { baseCurrency: current } });
              await client.invalidateQueries({ queryKey: ['portfolio'] });
              return `Figures are now shown in ${current}.`;
            });
          }}
        >
          <SelectField label="Show values in" value={current} onChange={(e) => setValue(e.target.value)} className="flex-1">
            {[...new Set([current, ...CURRENCIES])].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </SelectField>
          <Button type="submit" busy={action.busy}>
            Save
          </Button>
        </form>
      )}
      <ErrorNote error={action.error} />
      {action.done && <Done>{action.done}</Done>}
    </Card>
  );
}

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('/auth/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      return 'Password changed. Your other sessions were signed out.';
    });
  };
  return (
    <Card title="Password">
      <form className="grid gap-3" onSubmit={submit}>
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        <TextField label="New password" type="password" autoComplete="new-password" hint="At least 12 characters." value={next} onChange={(e) => setNext(e.target.value)} />
        <ErrorNote error={action.error} />
        <Button type="submit" busy={action.busy} disabled={!current || !next}>
          Change password
        </Button>
      </form>
      {action.done && <Done>{action.done}</Done>}
    </Card>
  );
}

function TwoFactor() {
  const me = useMe();
  const client = useQueryClient();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [enrollment, setEnrollment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const action = useAction();
  const enabled = me.data?.twoFactorEnabled ?? false;

  return (
    <Card title="Two-factor sign-in">
      {recovery ? (
        <div>
          <p className="text-sm font-medium">Two-factor is on. Keep these recovery codes somewhere safe; each works once, and they are shown only now:</p>
          <ul className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm">
            {recovery.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <Button className="mt-3" variant="secondary" onClick={() => setRecovery(null)}>
            I have saved them
          </Button>
        </div>
      ) : enabled ? (
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await api('/auth/totp/disable', { body: { password, code } });
              await client.invalidateQueries({ queryKey: ['auth'] });
              return 'Two-factor is off.';
            });
          }}
        >
          <p className="text-sm">Two-factor is on. To turn it off, confirm with your password and a current code.</p>
          <TextField label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <TextField label="Code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <Button type="submit" variant="danger" busy={action.busy}>
            Turn off two-factor
          </Button>
        </form>
      ) : enrollment ? (
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              const r = await api<{ recoveryCodes: string[] }>('/auth/totp/confirm', { body: { code } });
              setRecovery(r.recoveryCodes);
              setEnrollment(null);
              setCode('');
              await client.invalidateQueries({ queryKey: ['auth'] });
            });
          }}
        >
          <p className="text-sm">
            Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.
          </p>
          <p className="break-all rounded bg-slate-100 p-2 font-mono text-sm dark:bg-slate-800">{enrollment.secret}</p>
          <a className="text-sm text-brand-700 underline dark:text-brand-500" href={enrollment.otpauthUri}>
            Open in authenticator app
          </a>
          <TextField label="Code from the app" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <Button type="submit" busy={action.busy}>
            Confirm
          </Button>
        </form>
      ) : (
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              setEnrollment(await api<{ secret: string; otpauthUri: string }>('/auth/totp/enroll', { body: { password } }));
              setPassword('');
            });
          }}
        >
          <p className="text-sm">Ask for a code from an authenticator app at each sign-in.</p>
          <TextField label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <Button type="submit" busy={action.busy}>
            Set up two-factor
          </Button>
        </form>
      )}
      <ErrorNote error={action.error} />
      {action.done && <Done>{action.done}</Done>}
    </Card>
  );
}

function Sessions() {
  const sessions = useQuery({ queryKey: ['auth', 'sessions'], queryFn: () => api<{ sessions: SessionDto[] }>('/auth/sessions') });
  const client = useQueryClient();
  const action = useAction();
  return (
    <Card title="Signed-in sessions">
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorNote error={sessions.error} />
      ) : (
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {sessions.data.sessions.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2 py-2">
              <span className="min-w-0">
                <span className="block truncate">{s.userAgent ?? 'Unknown device'}</span>
                <span className="text-xs text-slate-500">
                  last used {formatInstant(s.lastUsedAt)} {s.ip ? `· ${s.ip}` : ''}
                </span>
              </span>
              {s.current ? (
                <span className="text-xs font-medium">This session</span>
              ) : (
                <Button
                  variant="secondary"
                  onClick={() =>
                    void action.run(async () => {
                      await api(`/auth/sessions/${s.id}`, { method: 'DELETE' });
                      await client.invalidateQueries({ queryKey: ['auth', 'sessions'] });
                    })
                  }
                >
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={action.error} />
    </Card>
  );
}

function ApiKeys() {
  const keys = useQuery({ queryKey: ['auth', 'api-keys'], queryFn: () => api<{ apiKeys: ApiKeyDto[] }>('/auth/api-keys') });
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  return (
    <Card title="API keys">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const r = await api<{ key: string }>('/auth/api-keys', { body: { name: name.trim(), scopes: write ? ['read', 'write'] : ['read'] } });
            setCreated(r.key);
            setName('');
            await client.invalidateQueries({ queryKey: ['auth', 'api-keys'] });
          });
        }}
      >
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} className="flex-1" />
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> may write
        </label>
        <Button type="submit" busy={action.busy} disabled={!name.trim()}>
          Create key
        </Button>
      </form>
      {created && (
        <p className="mt-2 break-all rounded bg-amber-50 p-2 font-mono text-xs dark:bg-amber-950" role="status">
          {created}
          <span className="mt-1 block font-sans">Copy it now: it will not be shown again.</span>
        </p>
      )}
      <ErrorNote error={action.error} />
      {keys.isSuccess && (
        <ul className="mt-3 divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {keys.data.apiKeys.map((k) => (
            <li key={k.id} className="flex items-center justify-between py-2">
              <span>
                {k.name} <span className="font-mono text-xs text-slate-500">{k.prefix}…</span> · {k.scopes.join(', ')}
              </span>
              <Button
                variant="ghost"
                onClick={() =>
                  void action.run(async () => {
                    await api(`/auth/api-keys/${k.id}`, { method: 'DELETE' });
                    await client.invalidateQueries({ queryKey: ['auth', 'api-keys'] });
                  })
                }
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Export() {
  const action = useAction();
  const download = (path: string, query: Record<string, string>, fileName: string) =>
    void action.run(async () => {
      const res = await apiResponse(path, { query });
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  return (
    <Card title="Export your data">
      <p className="mb-3 text-sm">Every account and activity, in a file you can import again here or open in a spreadsheet.</p>
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" busy={action.busy} onClick={() => download('/transactions/export', { format: 'csv' }, 'meridian-export.csv')}>
          Download CSV
        </Button>
        <Button variant="secondary" busy={action.busy} onClick={() => download('/transactions/export', { format: 'json' }, 'meridian-export.json')}>
          Download JSON
        </Button>
        <Button variant="secondary" busy={action.busy} onClick={() => download('/portfolio/realized-gains', { format: 'csv' }, 'meridian-realised-gains.csv')}>
          Realised gains (CSV)
        </Button>
      </div>
      <ErrorNote error={action.error} />
    </Card>
  );
}

function DeleteAccount() {
  const { signOut } = useAuth();
  const me = useMe();
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const action = useAction();
  return (
    <Card title="Delete your account">
      <form
        className="grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!window.confirm('Delete your account and all its data for good?')) return;
          void action.run(async () => {
            await api('/auth/me', { method: 'DELETE', body: { password, ...(totp ? { totp } : {}) } });
            await signOut();
            navigate('/signin');
          });
        }}
      >
        <p className="text-sm">This erases your accounts, activities and settings. Export them first if you may want them back.</p>
        <TextField label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {me.data?.twoFactorEnabled && <TextField label="Two-factor code" value={totp} onChange={(e) => setTotp(e.target.value)} />}
        <ErrorNote error={action.error} />
        <Button type="submit" variant="danger" busy={action.busy} disabled={!password}>
          Delete my account
        </Button>
      </form>
    </Card>
  );
}

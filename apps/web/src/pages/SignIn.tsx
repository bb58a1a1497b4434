import { useState, type FormEvent } from 'react';
import { AuthFrame } from '../components/AuthFrame';
import { Button, ErrorNote, TextField } from '../components/ui';
import { ApiError } from '../lib/api';
import { useAuth } from '../lib/auth';
import { Link, navigate, useLocation } from '../lib/router';

export default function SignIn() {
  const { signIn } = useAuth();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password, needTotp ? totp.trim() : undefined);
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        if (needTotp && totp) setError(new Error('That code did not work. Enter the current code from your authenticator app, or a recovery code.'));
        setNeedTotp(true);
      } else if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setError(new Error('The email or the password is not right.'));
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Sign in to Meridian">
      <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {needTotp && (
          <TextField
            label="Two-factor code"
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
            value={totp}
            onChange={(e) => setTotp(e.target.value)}
          />
        )}
        <ErrorNote error={error} />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-sm">
        New here?{' '}
        <Link to="/signup" className="font-medium text-brand-700 underline dark:text-brand-500">
          Create an account
        </Link>
      </p>
    </AuthFrame>
  );
}

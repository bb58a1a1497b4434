import { useState, type FormEvent } from 'react';
import { AuthFrame } from '../components/AuthFrame';
import { Button, ErrorNote, TextField } from '../components/ui';
import { ApiError } from '../lib/api';
import { useAuth } from '../lib/auth';
import { Link, navigate } from '../lib/router';

export default function SignUp() {
  const { signUp } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: unknown }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) next.email = 'Enter an email address, like you@example.com.';
    if ([...password.normalize('NFKC')].length < 12) next.password = 'Use at least 12 characters; a few unrelated words work well.';
    setErrors(next);
    if (next.email || next.password) return;
    setBusy(true);
    try {
      await signUp(email.trim(), password);
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ email: 'An account with this email exists already. Sign in instead.' });
      else if (err instanceof ApiError && err.status === 422) setErrors({ password: err.message });
      else if (err instanceof ApiError && err.code === 'validation_failed') {
        const issues = err.issues;
        setErrors({
          email: issues.find((i) => i.path === 'email')?.message,
          password: issues.find((i) => i.path === 'password')?.message,
          form: issues.length ? undefined : err,
        });
      } else setErrors({ form: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Create your Meridian account">
      <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Email" type="email" autoComplete="email" value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          error={errors.password}
          hint="At least 12 characters. Common passwords are refused."
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNote error={errors.form} />
        <Button type="submit" busy={busy}>
          Create account
        </Button>
      </form>
      <p className="mt-6 text-sm">
        Have an account?{' '}
        <Link to="/signin" className="font-medium text-brand-700 underline dark:text-brand-500">
          Sign in
        </Link>
      </p>
    </AuthFrame>
  );
}

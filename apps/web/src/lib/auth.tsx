import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, toTokens } from './api';
import { onTokensChange, readTokens, tokenClaims, writeTokens, type Tokens } from './session';

interface AuthState {
  signedIn: boolean;
  email: string | null;
  signIn: (email: string, password: string, totp?: string) => Promise<void>;
  signUp: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [tokens, setTokens] = useState<Tokens | null>(() => readTokens());
  const client = useQueryClient();
  useEffect(() => onTokensChange(setTokens), []);
  useEffect(() => {
    // Another user's data must never show: drop every cached answer when the session ends.
    if (!tokens) client.clear();
  }, [tokens, client]);

  const value = useMemo<AuthState>(() => {
    const signIn = async (email: string, password: string, totp?: string) => {
      const pair = await api<{ accessToken: string; refreshToken: string; expiresIn: number }>('/auth/login', {
        body: { email, password, ...(totp ? { totp } : {}) },
        anonymous: true,
      });
      client.clear();
      writeTokens(toTokens(pair));
    };
    return {
      signedIn: tokens !== null,
      email: tokens ? (tokenClaims(tokens.accessToken).email ?? null) : null,
      signIn,
      async signUp(email, password) {
        await api('/auth/register', { body: { email, password }, anonymous: true });
        await signIn(email, password);
      },
      async signOut() {
        const current = readTokens();
        if (current) {
          await api('/auth/logout', { body: { refreshToken: current.refreshToken }, anonymous: true }).catch(() => undefined);
        }
        writeTokens(null);
      },
    };
  }, [tokens, client]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { validTokens } from './api';
import { keys } from './queries';
import type { LiveMessage } from './types';

export type LiveState =
  | { status: 'connecting' }
  | { status: 'open'; version: number | null; reason: string | null; at: Date | null; updates: number }
  | { status: 'offline'; retryInMs: number };

const LiveContext = createContext<LiveState>({ status: 'connecting' });
export const useLive = () => useContext(LiveContext);

/** Parses one message of `/api/portfolio/live`; null for anything else. */
export function parseLiveMessage(data: unknown): LiveMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const msg = JSON.parse(data) as Partial<LiveMessage>;
    if ((msg.type === 'snapshot' || msg.type === 'update') && typeof msg.version === 'number' && msg.summary) {
      return { type: msg.type, version: msg.version, reason: typeof msg.reason === 'string' ? msg.reason : '', summary: msg.summary };
    }
  } catch {
    // ignore: not one of ours
  }
  return null;
}

/**
 * Keeps a WebSocket to the portfolio's live feed while signed in: each message replaces the
 * cached summary and marks every other portfolio answer stale (the visible ones refetch), so
 * the dashboard follows prices and activities without a reload. Reconnects with back-off,
 * with a fresh access token each time.
 */
export function LiveProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>({ status: 'connecting' });

  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    let updates = 0;

    const connect = async () => {
      const tokens = await validTokens();
      if (stopped || !tokens) return;
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const url = `${scheme}://${window.location.host}/api/portfolio/live?access_token=${encodeURIComponent(tokens.accessToken)}`;
      setState({ status: 'connecting' });
      const ws = new WebSocket(url);
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        setState({ status: 'open', version: null, reason: null, at: null, updates });
      };
      ws.onmessage = (event) => {
        const msg = parseLiveMessage(event.data);
        if (!msg) return;
        client.setQueryData(keys.summary, msg.summary);
        if (msg.type === 'update') {
          updates += 1;
          void client.invalidateQueries({ queryKey: keys.portfolio, predicate: (q) => q.queryKey[1] !== 'summary' });
          // Accounts and activities change only with a ledger change, not with prices.
          if (msg.reason === 'activity' || msg.reason === 'account') {
            void client.invalidateQueries({ queryKey: ['transactions'] });
            // A fill or a transfer lands in the ledger: the orders blotter follows it.
            void client.invalidateQueries({ queryKey: ['execution'] });
          }
        }
        setState({ status: 'open', version: msg.version, reason: msg.reason, at: new Date(), updates });
      };
      ws.onclose = () => {
        if (stopped) return;
        const delay = Math.min(30_000, 1000 * 2 ** attempt);
        attempt += 1;
        setState({ status: 'offline', retryInMs: delay });
        timer = setTimeout(() => void connect(), delay);
      };
    };
    void connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
  }, [enabled, client]);

  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, send, setUnauthorizedHandler, tokenStore, type Schemas } from './api';

/** The permission a non-administrator's role needs to use webhooks ("User Marketing-Reach Marketing-Webhook"). */
export const WEBHOOK_PERMISSION = 'marketing.reach.webhook';

interface Auth {
  token: string | null;
  me: Schemas['Me'] | undefined;
  loading: boolean;
  error: unknown;
  /** Checks the token with GET /me, then keeps it. */
  signIn(token: string): Promise<Schemas['Me']>;
  signOut(): void;
}

const AuthContext = createContext<Auth | null>(null);

/** Holds the API token and the member it belongs to. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const me = useQuery({ queryKey: ['me', token], queryFn: () => api('get', '/api/v1/me'), enabled: token !== null, retry: false });

  const signOut = useCallback(() => {
    tokenStore.clear();
    setToken(null);
    client.clear();
  }, [client]);

  useEffect(() => setUnauthorizedHandler(signOut), [signOut]);

  const signIn = useCallback(async (candidate: string) => {
    const response = await send('GET', '/api/v1/me', undefined, candidate);
    const member = (await response.json()) as Schemas['Me'];
    tokenStore.set(candidate);
    client.clear();
    client.setQueryData(['me', candidate], member);
    setToken(candidate);
    return member;
  }, [client]);

  const value = useMemo<Auth>(() => ({ token, me: me.data, loading: token !== null && me.isPending, error: me.error, signIn, signOut }), [token, me.data, me.isPending, me.error, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The signed-in member and the sign-in/out actions. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** Whether the signed-in member is an administrator (configuration screens and actions). */
export function useIsAdmin(): boolean {
  return useAuth().me?.admin === true;
}

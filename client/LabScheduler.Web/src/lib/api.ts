// The typed API client (openapi-fetch over the generated schema) with the bearer token and a
// problem reader. Problems come back as values: { ok: false, problem }.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../api/schema';
import { session } from './session.svelte';

export interface Problem { status: number; code: string; title?: string; detail?: string; [k: string]: unknown }

const auth: Middleware = {
  onRequest({ request }) {
    if (session.token) request.headers.set('Authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && session.token) session.signOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '/api/v1' });
api.use(auth);

/** Turns an openapi-fetch answer into data or a problem with a stable code. */
export function problemOf(error: unknown, response: Response | undefined): Problem {
  const e = (error ?? {}) as Partial<Problem>;
  return { ...e, status: response?.status ?? 0, code: e.code ?? (response ? `http.${response.status}` : 'network') };
}

/** A new Idempotency-Key (one per dialog, so a double click books once). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/** A loosely typed call for endpoints that the committed schema may not have yet. */
export async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string,
  init: { query?: Record<string, string | number | undefined>; body?: unknown; headers?: Record<string, string> } = {}): Promise<Result<T>> {
  try {
    const fn = (api as any)[method] as (p: string, o: unknown) => Promise<{ data?: T; error?: unknown; response: Response }>;
    const query = Object.fromEntries(Object.entries(init.query ?? {}).filter(([, v]) => v !== undefined && v !== ''));
    const { data, error, response } = await fn(path, { params: { query }, body: init.body, headers: init.headers });
    if (response.ok) return { ok: true, data: data as T };
    return { ok: false, problem: problemOf(error, response) };
  } catch {
    return { ok: false, problem: { status: 0, code: 'network' } };
  }
}

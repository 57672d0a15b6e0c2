import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, readSession } from '../auth/session';
import type { components, paths } from './schema';
import { ApiProblem, type ProblemBody } from './problem';

export type Schemas = components['schemas'];
export type Order = Schemas['OrderResponse'];
export type Product = Schemas['ProductResponse'];
export type Agent = Schemas['AgentResponse'];
export type Task = Schemas['TaskResponse'];
export type WorkItem = Schemas['WorkItemView'];
export type PlaceOrderBody = Schemas['PlaceOrderDto'];

/** Where a 401 sends the user (the app sets it to its router's navigate). */
let onUnauthorized: () => void = () => window.location.assign('/sign-in');
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = readSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ request, response }) {
    // A wrong password is a 401 too: only an expired or revoked token ends the session.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/')) {
      clearSession();
      onUnauthorized();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The data of a call, or an ApiProblem carrying the problem+json the API answered. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body: ProblemBody =
    error && typeof error === 'object'
      ? (error as ProblemBody)
      : {
          title: response.statusText || `HTTP ${response.status}`,
          detail: typeof error === 'string' ? error : undefined,
        };
  throw new ApiProblem(response.status, body);
}

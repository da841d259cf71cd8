import type { components, paths } from './api-types';

/** Named schemas of the server's OpenAPI document. */
export type Schemas = components['schemas'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
/** The 200 or 201 JSON body of an operation (undefined for 204). */
type Success<O> = 200 extends keyof Responses<O> ? JsonOf<Responses<O>[200]> : 201 extends keyof Responses<O> ? JsonOf<Responses<O>[201]> : undefined;
type Body<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Params<O> = O extends { parameters: infer P } ? P : never;
type PathParams<O> = Params<O> extends { path: infer X } ? (X extends Record<string, unknown> ? X : never) : never;
type QueryParams<O> = Params<O> extends { query?: infer Q } ? Q : never;

/** Options of one call: path parameters, query and JSON body, typed from the OpenAPI document. */
export type CallOptions<P extends keyof paths, M extends Method> = {
  path?: PathParams<Operation<P, M>>;
  query?: QueryParams<Operation<P, M>>;
  body?: Body<Operation<P, M>>;
  headers?: Record<string, string>;
};

/** One field error of a VALIDATION answer: `path` like `parameters[0].name`. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error answer of the API: `{"error": {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'hookreach.token';

/** The API token of the signed-in member (kept in localStorage so a reload keeps the session). */
export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized: () => void = () => {};
/** Called when the API answers 401 (token revoked or wrong): the console signs out. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function buildUrl(template: string, path: Record<string, unknown> | undefined, query: Record<string, unknown> | undefined): string {
  const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(path?.[name] ?? '')));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${url}?${text}` : url;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: FieldError[] } };
    return new ApiError(response.status, body.error?.code ?? 'HTTP_ERROR', body.error?.message ?? response.statusText, body.error?.details ?? []);
  } catch {
    return new ApiError(response.status, 'HTTP_ERROR', `${response.status} ${response.statusText}`);
  }
}

/** Sends one request with the stored token; the raw response when it succeeded, an ApiError otherwise. */
export async function send(method: string, url: string, body?: unknown, token = tokenStore.get(), headers: Record<string, string> = {}): Promise<Response> {
  const allHeaders: Record<string, string> = { ...headers };
  if (token) allHeaders.authorization = `Bearer ${token}`;
  if (body !== undefined) allHeaders['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method, headers: allHeaders, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && token) onUnauthorized();
    throw error;
  }
  return response;
}

/** Calls one operation of the API; paths, parameters, bodies and answers are typed from the OpenAPI document. */
export async function api<P extends keyof paths, M extends Method>(method: M, path: P, options: CallOptions<P, M> = {}): Promise<Success<Operation<P, M>>> {
  const url = buildUrl(path as string, options.path as Record<string, unknown> | undefined, options.query as Record<string, unknown> | undefined);
  const response = await send(method.toUpperCase(), url, options.body, tokenStore.get(), options.headers);
  if (response.status === 204) return undefined as Success<Operation<P, M>>;
  return (await response.json()) as Success<Operation<P, M>>;
}

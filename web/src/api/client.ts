import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The API, typed from its OpenAPI document; same origin, so the session cookie rides along. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/** An error the API answered (its envelope), or a failure to reach it at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Enveloped<T> {
  data: T;
}

interface ErrorEnvelopeLike {
  error?: { code?: unknown; message?: unknown; details?: unknown } | null;
  metadata?: { requestId?: unknown } | null;
}

type FetchResult<T> = Promise<{ data?: Enveloped<T>; error?: unknown; response: Response }>;

function errorOf(body: unknown, response: Response): ApiError {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as ErrorEnvelopeLike;
  const error = envelope.error ?? null;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : response.statusText;
  const requestId =
    typeof envelope.metadata?.requestId === 'string'
      ? envelope.metadata.requestId
      : response.headers.get('x-request-id');
  return new ApiError(response.status, code, message, error?.details ?? null, requestId);
}

/**
 * The `data` of a successful answer, or an ApiError: the envelope's code and
 * message, or NETWORK when the server could not be reached at all.
 */
export async function unwrap<T>(call: FetchResult<T>): Promise<T> {
  let result: Awaited<FetchResult<T>>;
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (result.response.ok && result.data !== undefined) {
    return result.data.data;
  }
  throw errorOf(result.error, result.response);
}

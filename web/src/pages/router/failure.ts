import { ApiError } from '../../api/client';

/**
 * The title over a failed change: `notDone` ("The rates were not changed."), except
 * after a timeout, when nobody knows whether the router made the change.
 */
export function failureTitle(error: unknown, notDone: string): string {
  return error instanceof ApiError && error.code === 'ROUTER_TIMEOUT'
    ? 'The router did not confirm the change.'
    : notDone;
}

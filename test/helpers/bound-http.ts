import { request } from 'node:http';

export interface BoundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => { success: boolean; data: any; error: { code: string } | null }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A JSON request from a chosen loopback address (`from`: 127.0.0.x), so the
 * server sees a different client address per simulated attacker, as it would
 * on a real network: the socket's address, not a header.
 */
export function requestFrom(
  from: string,
  url: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<BoundResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        localAddress: from,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text) as ReturnType<BoundResponse['json']>,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `name=value` of a cookie in a response's set-cookie headers, or null. */
export function cookiePair(
  res: { headers: Record<string, string | string[] | number | undefined> },
  name: string,
) {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const found = list.find((c) => c.startsWith(`${name}=`));
  return found ? (found.split(';')[0] ?? null) : null;
}

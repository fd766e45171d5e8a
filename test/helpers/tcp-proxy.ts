import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL in the reliability tests) that
 * can fail on command, synchronously, at an exact point of a test:
 *
 * - `cut()` drops every connection at once and drops new ones as they arrive,
 *   as a crashed server or a broken network does;
 * - `freeze()` keeps connections open but forwards nothing, as a hung server
 *   or a network black hole does (the kernel still accepts connections);
 * - `restore()` forwards again (data held while frozen is delivered).
 *
 * Because `cut()` is synchronous, a test can call it from a query hook and know
 * that the statement about to be sent never reaches the server.
 */
export interface FaultyProxy {
  readonly port: number;
  /** The given postgres:// URL with host and port replaced by the proxy's. */
  urlFor(target: string): string;
  cut(): void;
  freeze(): void;
  restore(): void;
  readonly state: 'open' | 'cut' | 'frozen';
  /** Connections currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  held: { to: Socket; chunk: Buffer }[];
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  let state: FaultyProxy['state'] = 'open';
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const forward = (pair: Pair, from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (state === 'frozen') {
        pair.held.push({ to, chunk });
      } else if (!to.destroyed) {
        to.write(chunk);
      }
    });
    from.on('close', () => drop(pair));
    from.on('error', () => drop(pair));
  };

  const server: Server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    throw new Error('proxy has no address');
  }
  const port = address.port;

  const proxy: FaultyProxy = {
    port,
    urlFor(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      state = 'cut';
      for (const pair of [...pairs]) {
        drop(pair);
      }
    },
    freeze() {
      state = 'frozen';
    },
    restore() {
      state = 'open';
      for (const pair of pairs) {
        for (const { to, chunk } of pair.held.splice(0)) {
          if (!to.destroyed) {
            to.write(chunk);
          }
        }
      }
    },
    get state() {
      return state;
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      state = 'cut';
      for (const pair of [...pairs]) {
        drop(pair);
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

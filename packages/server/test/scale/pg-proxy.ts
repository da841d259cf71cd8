import net from 'node:net';

/** A TCP proxy in front of PostgreSQL that can fake a server restart. */
export interface PgProxy {
  /** `baseUrl` with the proxy's host and port. */
  url: string;
  /** Connections currently proxied. */
  readonly connections: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops every proxied connection and refuses new ones (the port is closed) for `ms`, then accepts again. */
  restart(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and pipes each connection to the PostgreSQL server of `databaseUrl`. */
export async function pgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: url.toString(),
    get connections() {
      return sockets.size / 2;
    },
    get accepted() {
      return accepted;
    },
    async restart(ms) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, ms));
      await listen(port);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      await closed;
    },
  };
}

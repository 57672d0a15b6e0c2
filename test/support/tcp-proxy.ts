import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL) that a test can cut, so an outage is simulated without
 * touching the shared server: `start()` listens on a free port and forwards every connection;
 * `drop()` cuts every open connection and refuses new ones (the port stays taken, connections are
 * closed at once) until `restore()`; `stop()` closes everything. `url(databaseUrl)` rewrites a URL to
 * go through the proxy.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private dropped = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A proxy for the host and port of a `postgres://` URL. */
  static forUrl(databaseUrl: string): TcpProxy {
    const u = new URL(databaseUrl);
    return new TcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  }

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.dropped) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** The same database URL, through this proxy. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Cuts every open connection and refuses new ones until `restore()`. */
  drop(): void {
    this.dropped = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.dropped = false;
  }

  async stop(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

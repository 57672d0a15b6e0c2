import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@campus/testing';
import { freePort } from './replicas';

export interface LocalPgBouncer {
  port: number;
  version: string;
  /** `url` with its host and port replaced by the pooler's. */
  through: (url: string) => string;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Debian's `pgbouncer` in transaction mode in front of the test PostgreSQL: its own config, user list
 * and log in a temporary directory, its own port. Few server connections per database, so client
 * transactions really do move between server connections. PgBouncer refuses to run as root; then it
 * runs as the `postgres` user.
 */
export async function startPgBouncer(
  target: string,
  opts: { poolSize?: number } = {},
): Promise<LocalPgBouncer> {
  const version = /PgBouncer (\S+)/.exec(execFileSync('pgbouncer', ['--version']).toString())?.[1] ?? '?';
  const server = new URL(target);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'campus-pgbouncer-'));
  const user = decodeURIComponent(server.username || 'postgres');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 3}`,
      'max_client_conn = 200',
      // Parameters node-postgres may send at start-up that PgBouncer does not track.
      'ignore_startup_parameters = extra_float_digits,options,statement_timeout,idle_in_transaction_session_timeout,lock_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      'admin_users = postgres',
      '',
    ].join('\n'),
  );
  const args = [join(dir, 'pgbouncer.ini')];
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chmodSync(dir, 0o755);
    for (const f of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid);
    args.unshift('-u', 'postgres');
  }
  let out = '';
  const child: ChildProcess = spawn('pgbouncer', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const log = () => {
    try {
      return out + readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return out;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => /listening on 127\.0\.0\.1:\d+/.test(log()), 15_000);
  } catch (err) {
    const text = log();
    await stop();
    throw new Error(`pgbouncer did not start: ${(err as Error).message}\n${text}`);
  }
  return {
    port,
    version,
    log,
    stop,
    through: (url) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
  };
}

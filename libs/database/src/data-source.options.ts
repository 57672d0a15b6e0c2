import type { DataSourceOptions, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy';

export interface DatabaseSettings {
  databaseUrl: string;
  dbPoolSize: number;
  /** Per-connection limits (issue 17.8); unset for the migration CLI and scripts. */
  timeouts?: DatabaseTimeouts;
}

/**
 * The statement classes: every statement of a process runs under `statementMs` (the API's requests,
 * or the worker's jobs: each process passes its own), report queries under the longer
 * `reportStatementMs` (`Db.reportTimeoutMs`, set per transaction), and no connection may sit idle
 * inside a transaction longer than `idleInTransactionMs` (PostgreSQL ends the session).
 */
export interface DatabaseTimeouts {
  statementMs: number;
  reportStatementMs: number;
  idleInTransactionMs: number;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = MixedList<Function | string>;

/**
 * The one set of connection options, used by the app (TypeOrmModule) and by the migration CLI
 * (migrations/data-source.ts). The schema changes only through migrations.
 */
export function dataSourceOptions(settings: DatabaseSettings, migrations: MigrationList): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    // Failed queries are thrown and logged once, masked, by whoever handles them; TypeORM's own console
    // logger would print their parameters (phone numbers, password hashes) unmasked.
    logging: false,
    extra: {
      max: settings.dbPoolSize,
      // A request that cannot get a connection within 10 s fails instead of hanging.
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'campus-orders',
      // Sent as start-up parameters: no statement per connection or per request.
      ...(settings.timeouts
        ? {
            statement_timeout: settings.timeouts.statementMs,
            idle_in_transaction_session_timeout: settings.timeouts.idleInTransactionMs,
          }
        : {}),
    },
  };
}

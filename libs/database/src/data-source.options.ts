import type { DataSourceOptions, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy';

export interface DatabaseSettings {
  databaseUrl: string;
  dbPoolSize: number;
  /** Named statements on the hot paths (default on); off behind a pooler that cannot keep them. */
  dbPreparedStatements?: boolean;
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
    },
  };
}

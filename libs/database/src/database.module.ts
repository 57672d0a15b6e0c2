import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Db, DB_PREPARED_STATEMENTS } from './db.service';
import { dataSourceOptions, DatabaseSettings } from './data-source.options';

/** The one TypeORM DataSource of the process, and the transaction helper. */
@Global()
@Module({})
export class DatabaseModule {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  static forRoot(settings: DatabaseSettings, migrations: (Function | string)[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(settings, migrations),
          autoLoadEntities: true,
        }),
      ],
      providers: [Db, { provide: DB_PREPARED_STATEMENTS, useValue: settings.dbPreparedStatements !== false }],
      exports: [Db],
    };
  }
}

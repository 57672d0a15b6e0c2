import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Db } from './db.service';
import { dataSourceOptions, DatabaseSettings, DatabaseTimeouts } from './data-source.options';
import { DB_TIMEOUTS } from './db.service';

/** The one TypeORM DataSource of the process, and the transaction helper. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(
    settings: DatabaseSettings,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    migrations: (Function | string)[],
    timeouts?: DatabaseTimeouts,
  ): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ ...settings, timeouts: timeouts ?? settings.timeouts }, migrations),
          autoLoadEntities: true,
        }),
      ],
      providers: [Db, { provide: DB_TIMEOUTS, useValue: timeouts ?? settings.timeouts ?? null }],
      exports: [Db],
    };
  }
}

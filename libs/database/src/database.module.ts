import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Db } from './db.service';
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
      providers: [Db],
      exports: [Db],
    };
  }
}

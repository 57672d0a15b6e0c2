export * from './naming.strategy';
export * from './data-source.options';
export * from './db.service';
export * from './database.module';
export * from './sql';
export * from './role-scope';

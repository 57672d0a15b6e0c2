import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { loadConfig } from '@campus/core';
import { dataSourceOptions } from '@campus/database';
import { ALL_MIGRATIONS } from './index';

loadDotenv({ quiet: true });

/** For the TypeORM CLI (`npx typeorm -d dist/migrations/data-source.js migration:show`). */
export default new DataSource(dataSourceOptions(loadConfig(), ALL_MIGRATIONS));

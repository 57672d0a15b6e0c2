import 'reflect-metadata';
// Global setup runs outside Jest's module mapping: resolve the @campus/* aliases from tsconfig.json.
import 'tsconfig-paths/register';
import { createTemplateDatabase } from '@campus/testing';
import { ALL_MIGRATIONS } from '../../migrations';

/** Migrations run once, into a template database every test file copies. */
export default async function globalSetup(): Promise<void> {
  const { template, runId } = await createTemplateDatabase(ALL_MIGRATIONS);
  process.env.CAMPUS_TEST_TEMPLATE = template;
  process.env.CAMPUS_TEST_RUN = runId;
}

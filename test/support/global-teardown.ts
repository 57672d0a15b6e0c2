import 'tsconfig-paths/register';
import { dropTestDatabases } from '@campus/testing';

export default async function globalTeardown(): Promise<void> {
  if (process.env.CAMPUS_TEST_RUN) await dropTestDatabases(process.env.CAMPUS_TEST_RUN);
}

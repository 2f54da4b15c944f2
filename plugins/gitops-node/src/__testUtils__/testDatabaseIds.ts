/*
 * Which databases the backend tests run on: SQLite always, PostgreSQL 15 as well when the test
 * runner found one (it sets BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING when PostgreSQL
 * answers on 127.0.0.1:5432). Tests never start database containers themselves.
 */
import type { TestDatabaseId } from '@backstage/backend-test-utils';

export function testDatabaseIds(
  env: NodeJS.ProcessEnv = process.env,
): TestDatabaseId[] {
  return env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
    ? ['SQLITE_3', 'POSTGRES_15']
    : ['SQLITE_3'];
}

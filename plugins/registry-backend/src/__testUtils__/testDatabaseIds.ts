/*
 * The databases the plugin's database tests run on: SQLite always, PostgreSQL 15 as well when
 * the test runner found one (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING).
 */
import type { TestDatabaseId } from '@backstage/backend-test-utils';

export function testDatabaseIds(
  env: NodeJS.ProcessEnv = process.env,
): TestDatabaseId[] {
  return env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
    ? ['SQLITE_3', 'POSTGRES_15']
    : ['SQLITE_3'];
}

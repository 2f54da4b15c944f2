import { testDatabaseIds } from './testDatabaseIds';

describe('testDatabaseIds', () => {
  it('is SQLite alone without a PostgreSQL connection string', () => {
    expect(testDatabaseIds({})).toEqual(['SQLITE_3']);
  });

  it('adds PostgreSQL 15 when the runner found one', () => {
    expect(
      testDatabaseIds({
        BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:
          'postgresql://postgres@127.0.0.1:5432',
      }),
    ).toEqual(['SQLITE_3', 'POSTGRES_15']);
  });
});

import { KINDS } from '../kinds/kinds';
import { KIND_SCHEMAS } from './schemas';

describe('KIND_SCHEMAS', () => {
  it('holds, for every kind, the schema file KINDS names', () => {
    expect(Object.keys(KIND_SCHEMAS).sort()).toEqual(
      KINDS.map(k => k.kind).sort(),
    );
    for (const kind of KINDS) {
      const schema = KIND_SCHEMAS[kind.kind] as {
        $id?: string;
        properties?: any;
      };
      expect(schema.$id).toMatch(
        new RegExp(`/${kind.schemaFile.replace(/\./g, '\\.')}$`),
      );
      expect(schema.properties.kind.const).toBe(kind.kind);
      expect(schema.properties.apiVersion.const).toBe(kind.apiVersion);
    }
  });
});

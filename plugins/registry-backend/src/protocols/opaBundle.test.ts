import { bundleRoots, regoPackages } from './opaBundle';

describe('OPA bundle roots and packages', () => {
  it('reads package names, ignoring tests', () => {
    expect(
      regoPackages([
        { path: 'a.rego', content: Buffer.from('# c\npackage keeper.a\n') },
        {
          path: 'a_test.rego',
          content: Buffer.from('package keeper.a_test\n'),
        },
        { path: 'b.rego', content: Buffer.from('package data.keeper.b.c\n') },
      ]),
    ).toEqual(['keeper.a', 'keeper.b.c']);
  });

  it('reduces paths to non-overlapping roots', () => {
    expect(bundleRoots(['keeper/a', 'keeper/a/b', 'other'])).toEqual([
      'keeper/a',
      'other',
    ]);
    expect(bundleRoots(['keeper/ab', 'keeper/a'])).toEqual([
      'keeper/a',
      'keeper/ab',
    ]);
    expect(bundleRoots(['x', ''])).toEqual(['']);
  });
});

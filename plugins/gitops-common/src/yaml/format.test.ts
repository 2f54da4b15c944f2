import { parseDocument } from 'yaml';
import { detectPrintOptions, quoteAmbiguousStrings } from './format';

describe('detectPrintOptions', () => {
  it('reads the indentation and the sequence style of a file', () => {
    expect(detectPrintOptions('a:\n  b: 1\n  c:\n    - x\n')).toMatchObject({
      indent: 2,
      indentSeq: true,
    });
    expect(detectPrintOptions('a:\n    b: 1\nc:\n- x\n')).toMatchObject({
      indent: 4,
      indentSeq: false,
    });
  });

  it('skips comments and block scalars and falls back to 2 / indented', () => {
    expect(detectPrintOptions('# x:\n#   y\ns: |\n      text\n')).toMatchObject(
      {
        indent: 2,
        indentSeq: true,
        lineWidth: 0,
      },
    );
  });
});

describe('quoteAmbiguousStrings', () => {
  it('quotes strings a YAML 1.1 reader would take for something else', () => {
    const doc = parseDocument('{}');
    doc.contents = doc.createNode({
      a: 'no',
      b: 'on',
      c: '0777',
      d: '1_000',
      e: '12:30',
      f: 'plain',
      g: 'y',
    }) as any;
    quoteAmbiguousStrings(doc);
    expect(doc.toString()).toBe(
      'a: "no"\nb: "on"\nc: "0777"\nd: "1_000"\ne: "12:30"\nf: plain\ng: "y"\n',
    );
  });
});

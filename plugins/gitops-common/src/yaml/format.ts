/*
 * How the codec prints YAML: never fold long lines (a changed value stays one line), keep the
 * file's own indentation, and quote strings that YAML 1.1 readers (kubectl, many editors) would
 * take for booleans or numbers, so `no` stays the string "no" everywhere.
 */
import {
  isScalar,
  visit,
  type Document,
  type Node,
  type ToStringOptions,
} from 'yaml';

/** Print options for new files: 2 spaces, sequences indented under their key. */
export const DEFAULT_PRINT_OPTIONS: ToStringOptions = {
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
};

/**
 * The print options that reproduce an existing file's indentation: the width of one level and
 * whether `- ` items are indented under their key (`kubectl` style is not).
 */
export function detectPrintOptions(text: string): ToStringOptions {
  const lines = text
    .split(/\r?\n/)
    .map(line => ({ indent: line.search(/\S/), line }))
    .filter(
      ({ indent, line }) => indent >= 0 && !line.trimStart().startsWith('#'),
    );
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  for (
    let i = 0;
    i + 1 < lines.length && (indent === undefined || indentSeq === undefined);
    i++
  ) {
    const parent = lines[i];
    const child = lines[i + 1];
    // only a `key:` line with nothing after it opens a nested block
    if (
      !/^\s*[^\s#-][^#]*:\s*(#.*)?$/.test(parent.line) ||
      /[|>][-+0-9]*\s*$/.test(parent.line)
    ) {
      continue;
    }
    if (child.line.trimStart().startsWith('- ')) {
      indentSeq ??= child.indent > parent.indent;
    } else if (child.indent > parent.indent) {
      indent ??= Math.min(child.indent - parent.indent, 8);
    }
  }
  return {
    ...DEFAULT_PRINT_OPTIONS,
    indent: indent ?? 2,
    indentSeq: indentSeq ?? true,
  };
}

// Strings a YAML 1.1 reader resolves to something else: booleans, null, octal and sexagesimal
// numbers, numbers with underscores.
const YAML11_NON_STRING =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?|[-+]?0b[01_]+|[-+]?0x[0-9a-fA-F_]+)$/;

/** Marks plain strings of a (new) node that a YAML 1.1 reader would misread to be quoted. */
export function quoteAmbiguousStrings(node: Node | Document): void {
  visit(node, {
    Scalar(_key, scalar) {
      if (
        isScalar(scalar) &&
        typeof scalar.value === 'string' &&
        !scalar.type &&
        YAML11_NON_STRING.test(scalar.value)
      ) {
        scalar.type = 'QUOTE_DOUBLE';
      }
    },
  });
}

/*
 * Safe parsing of one resource file. Files come from anyone who can push a branch, so the
 * parser must stay fast and bounded on hostile input: the size is checked before anything else,
 * nesting is bounded while lexing (yaml composes recursively and a megabyte of "[" would exhaust
 * the stack and memory), aliases are refused before they could expand, and every problem comes
 * back as an issue with a line and column instead of an exception.
 */
import {
  Composer,
  Document,
  Lexer,
  LineCounter,
  Parser,
  YAMLError,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  isPair,
  type Node,
  type ParsedNode,
  type CST,
} from 'yaml';
import type { ValidationIssue } from '../kinds/types';
import { locateInDocument, type SourcePosition } from './locate';

// Control characters are exactly what this looks for: they hide text in reviews and editors.
/* eslint-disable no-control-regex */
const CONTROL_CHARACTER =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/* eslint-enable no-control-regex */

/** Largest file accepted by default: 1 MiB. Resource files are a few KiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Deepest nesting accepted. Real resources stay below 15 levels; the bound keeps every
 * recursive step after parsing (composing, schema validation) far from the stack limit.
 */
export const MAX_NESTING_DEPTH = 64;

/** At most this many issues are reported for a file that does not parse. */
const MAX_PARSE_ISSUES = 20;

/** Options of {@link parseResourceYaml}. */
export interface YamlParseOptions {
  /** largest accepted file in bytes (UTF-8); default {@link DEFAULT_MAX_BYTES} */
  maxBytes?: number;
}

/** A successfully parsed resource file. */
export interface ParsedYaml {
  /** the YAML document, with source ranges; its top level is a mapping */
  readonly document: Document.Parsed;
  /** the document as plain data (mapping keys are strings) */
  readonly value: Record<string, unknown>;
  /**
   * 1-based line and column of the node at a JSON Pointer, or of its nearest existing parent.
   * `target: 'key'` points at the mapping key of the last segment instead of its value.
   */
  locate(pointer: string, target?: 'key' | 'value'): SourcePosition;
  /** 1-based line and column of a character offset */
  positionOf(offset: number): SourcePosition;
}

/** Result of {@link parseResourceYaml}: the parsed file, or why it was refused. */
export type YamlParseResult =
  | { ok: true; yaml: ParsedYaml }
  | { ok: false; issues: ValidationIssue[] };

/** How yaml reads a resource file; the codec edits files read the same way. */
const YAML_PARSE_OPTIONS = {
  // YAML 1.2 core schema: `yes`/`no` are strings, no timestamps, no `<<` merges.
  version: '1.2',
  schema: 'core',
  merge: false,
  // Checked after composing, in linear time: yaml's own check is quadratic in the map size.
  uniqueKeys: false,
  // Keys are strings, as in JSON and Kubernetes; collections as keys are an error.
  stringKeys: true,
  strict: true,
  prettyErrors: false,
  maxAliasCount: 0,
} as const;

// Marks the yaml lexer puts between lexemes (see yaml's CST.tokenType); they are not source text.
const LEXER_DOCUMENT_MARK = '\u0002';
const LEXER_SCALAR_MARK = '\u001f';
const LEXER_FLOW_END_MARK = '\u0018';

class NestingTooDeep extends Error {
  constructor(readonly offset: number) {
    super('nesting too deep');
  }
}

/**
 * Parses the text of one resource file.
 *
 * @remarks
 * Refuses, each with a located issue: files over the size limit (without parsing them),
 * control characters, YAML syntax errors, duplicate keys, tabs used for indentation, unknown
 * tags, more than one document, aliases, nesting deeper than {@link MAX_NESTING_DEPTH}, empty
 * files, and a top level that is not a mapping. Never throws.
 */
export function parseResourceYaml(
  text: string,
  options: YamlParseOptions = {},
): YamlParseResult {
  try {
    return parseUnsafe(text, options);
  } catch (error) {
    // Nothing above is expected to throw; if the parser still does, report it, never crash.
    return failure(
      '',
      { line: 1, column: 1 },
      `could not parse the file: ${String(error)}`,
    );
  }
}

function parseUnsafe(text: string, options: YamlParseOptions): YamlParseResult {
  if (typeof text !== 'string') {
    return failure('', { line: 1, column: 1 }, 'file content must be text');
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Every UTF-16 unit is at least one and at most three UTF-8 bytes: a long string is refused,
  // and a short one (every resource file) accepted, without a scan.
  if (
    text.length > maxBytes ||
    (text.length * 3 > maxBytes && utf8Length(text) > maxBytes)
  ) {
    return failure(
      '',
      { line: 1, column: 1 },
      `file is ${formatBytes(utf8Length(text))}; the limit is ${formatBytes(
        maxBytes,
      )}`,
    );
  }

  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0]
      .charCodeAt(0)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0');
    return failure(
      '',
      positionInText(text, control.index),
      `control character U+${code} is not allowed in YAML`,
    );
  }

  const lineCounter = new LineCounter();
  // Parser.parse() would register the first line itself; feeding lexemes one by one does not.
  lineCounter.addNewLine(0);
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { line, column: col };
  };

  let docs: Document.Parsed[];
  try {
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer(YAML_PARSE_OPTIONS);
    // Each stage runs to the end before the next, in plain loops: every generator a token passes
    // through costs a resumption per token, and these stages are most of the time a file takes.
    const tokens: CST.Token[] = [];
    for (const lexeme of guardNesting(text)) {
      for (const token of parser.next(lexeme)) tokens.push(token);
    }
    for (const token of parser.end()) tokens.push(token);
    docs = Array.from(composer.compose(tokens, true, text.length));
  } catch (error) {
    if (error instanceof NestingTooDeep) {
      return failure(
        '',
        positionInText(text, error.offset),
        `nesting is deeper than ${MAX_NESTING_DEPTH} levels`,
      );
    }
    throw error;
  }

  const issues: ValidationIssue[] = [];
  const [doc, second] = docs;
  for (const error of [...doc.errors, ...doc.warnings]) {
    const issue = yamlErrorIssue(error, text, positionOf);
    // one error per line: the rest of a line's errors follow from the first
    if (!issues.some(i => i.line === issue.line)) issues.push(issue);
  }
  if (second) {
    issues.push({
      path: '',
      ...positionOf(second.range[0]),
      message:
        'a second YAML document starts here; a file holds exactly one resource (remove the "---" and what follows, or move it to its own file)',
    });
  }
  if (issues.length > 0) {
    return { ok: false, issues: issues.slice(0, MAX_PARSE_ISSUES) };
  }

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return failure(
      '',
      { line: 1, column: 1 },
      'file is empty; expected one resource with apiVersion, kind, metadata and spec',
    );
  }
  if (!isMap(contents)) {
    return failure(
      '',
      positionOf(contents.range[0]),
      `the top level must be a mapping with apiVersion, kind, metadata and spec; found ${describeNode(
        contents,
      )}`,
    );
  }

  let aliases = 0;
  inspectNodes(contents, 1, (node, message) => {
    if (isAlias(node)) {
      // one issue for all aliases: a bomb holds thousands, and one is enough to refuse the file
      aliases++;
      if (aliases > 1) return;
    }
    if (issues.length < MAX_PARSE_ISSUES) {
      issues.push({ path: '', ...positionOf(node.range?.[0] ?? 0), message });
    }
  });
  const aliasIssue = issues.find(i => i.message.startsWith('YAML alias'));
  if (aliasIssue && aliases > 1) {
    aliasIssue.message += ` (${aliases} aliases in this file)`;
  }
  if (issues.length > 0) {
    return { ok: false, issues };
  }

  const value = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  return {
    ok: true,
    yaml: {
      document: doc,
      value,
      positionOf,
      locate: (pointer, target = 'value') =>
        positionOf(locateInDocument(doc, pointer, target)),
    },
  };
}

/**
 * The lexemes of the text, stopping as soon as flow collections (`[`, `{`) or compact block
 * collections on one line (`- - - x`) nest deeper than the limit.
 */
function guardNesting(text: string): string[] {
  const lexemes: string[] = [];
  let offset = 0;
  let flowDepth = 0;
  let lineDepth = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (scalarNext) {
      // The lexeme after the scalar mark is a scalar's source, whatever characters it holds.
      scalarNext = false;
    } else if (lexeme === '[' || lexeme === '{') {
      flowDepth++;
      if (flowDepth > MAX_NESTING_DEPTH) throw new NestingTooDeep(offset);
    } else if (lexeme === ']' || lexeme === '}') {
      flowDepth = Math.max(0, flowDepth - 1);
    } else if (lexeme === '\n' || lexeme === '\r\n') {
      lineDepth = 0;
    } else if (flowDepth === 0 && (lexeme === '-' || lexeme === '?')) {
      lineDepth++;
      if (lineDepth > MAX_NESTING_DEPTH) throw new NestingTooDeep(offset);
    }
    lexemes.push(lexeme);
    // The lexer's marks for document, scalar and flow-error end are not part of the source.
    if (lexeme === LEXER_SCALAR_MARK) scalarNext = true;
    else if (lexeme !== LEXER_DOCUMENT_MARK && lexeme !== LEXER_FLOW_END_MARK) {
      offset += lexeme.length;
    }
  }
  return lexemes;
}

/**
 * Walks the composed document once and reports what the composer lets through: aliases (they
 * could expand exponentially, and a resource has no use for them), duplicate keys and nesting
 * deeper than the limit (block nesting is bounded only by the file size).
 */
function inspectNodes(
  node: unknown,
  depth: number,
  report: (node: Node, message: string) => void,
): void {
  if (isAlias(node)) {
    report(
      node,
      `YAML alias "*${node.source}" is not allowed in resource files; write the value out`,
    );
    return;
  }
  if (isPair(node)) {
    inspectNodes(node.value, depth, report);
    return;
  }
  if (!isCollection(node)) {
    return;
  }
  if (depth > MAX_NESTING_DEPTH) {
    report(node, `nesting is deeper than ${MAX_NESTING_DEPTH} levels`);
    return;
  }
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (isAlias(pair.key)) {
        inspectNodes(pair.key, depth, report);
      } else if (isScalar(pair.key)) {
        const key = String(pair.key.value);
        if (seen.has(key)) {
          report(
            pair.key,
            `duplicate key ${JSON.stringify(
              key,
            )}: a key may appear only once in a mapping`,
          );
        }
        seen.add(key);
      }
      inspectNodes(pair.value, depth + 1, report);
    }
  } else {
    for (const item of node.items) {
      inspectNodes(item, depth + 1, report);
    }
  }
}

/** Readable messages for the errors people make most; yaml's own text for the rest. */
function yamlErrorIssue(
  error: YAMLError,
  text: string,
  positionOf: (offset: number) => SourcePosition,
): ValidationIssue {
  const [start, end] = error.pos;
  const position = start >= 0 ? positionOf(start) : { line: 1, column: 1 };
  const source = start >= 0 ? text.slice(start, Math.min(end, start + 60)) : '';
  let message: string;
  switch (error.code) {
    case 'TAB_AS_INDENT':
      message = 'tab used for indentation; YAML allows spaces only';
      break;
    case 'TAG_RESOLVE_FAILED':
      message = `unknown YAML tag ${source.trim()}; resource files use plain values without tags`;
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
      message =
        'YAML syntax error: a mapping cannot start inside this value (quote a value that contains ": ", and check the indentation of the next line)';
      break;
    case 'MULTILINE_IMPLICIT_KEY':
      message =
        'YAML syntax error: a key must fit on one line (check the indentation of the next line)';
      break;
    case 'BAD_SCALAR_START':
      message = `YAML syntax error: ${lowerFirst(
        error.message,
      )} (quote the value)`;
      break;
    default:
      message = `YAML syntax error: ${lowerFirst(error.message)}`;
  }
  return { path: '', ...position, message };
}

function describeNode(node: ParsedNode): string {
  if (isSeq(node)) return 'a sequence (list)';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    return `a single ${node.value === null ? 'null' : typeof node.value} value`;
  }
  return 'something else';
}

function failure(
  path: string,
  position: SourcePosition,
  message: string,
): YamlParseResult {
  return { ok: false, issues: [{ path, ...position, message }] };
}

/** 1-based position of an offset, counted directly (used before a LineCounter exists). */
function positionInText(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (
    let i = text.indexOf('\n');
    i !== -1 && i < offset;
    i = text.indexOf('\n', i + 1)
  ) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024)
    return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/*
 * The IDE path: the real yaml-language-server (what the VS Code YAML extension and most
 * editors run), spoken to over LSP stdio, configured the way repo-layouts/*\/.vscode does it
 * but with the schemas as local files, since tests have no network. Every wait is bounded, so
 * a misbehaving server fails the test instead of hanging it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { REPO_LAYOUTS } from '../testing/cliHarness';

const WAIT_MS = 20_000;
const LAYOUT = path.join(REPO_LAYOUTS, 'platform');
const SCHEMAS = path.dirname(
  require.resolve('@butler-portal/schemas/package.json'),
);
const MODELINE = /^# yaml-language-server: \$schema=.*\r?\n/;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)),
      WAIT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Copies a checkout, dropping the examples' modelines so that yaml.schemas alone decides. */
function copyCheckout(from: string, to: string): string[] {
  const copied: string[] = [];
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(target);
      copied.push(...copyCheckout(source, target));
    } else if (entry.isFile()) {
      const text = fs.readFileSync(source, 'utf8');
      const isResource = /\.ya?ml$/.test(entry.name) && MODELINE.test(text);
      fs.writeFileSync(target, isResource ? text.replace(MODELINE, '') : text);
      if (isResource) copied.push(target);
    }
  }
  return copied;
}

/** A yaml-language-server child process and the diagnostics it publishes, per document. */
class LanguageServer {
  private readonly diagnostics = new Map<string, Diagnostic[][]>();
  private readonly waiters = new Set<() => void>();
  private readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, params => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params.diagnostics);
      this.diagnostics.set(params.uri, list);
      this.waiters.forEach(wake => wake());
    });
    child.stderr!.on('data', chunk => this.stderr.push(String(chunk)));
  }

  static start(cwd: string): LanguageServer {
    const bin = path.join(
      path.dirname(require.resolve('yaml-language-server/package.json')),
      'bin',
      'yaml-language-server',
    );
    const child = spawn(process.execPath, [bin, '--stdio'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    return new LanguageServer(child, connection);
  }

  /** Resolves with the `count`-th diagnostics publication for `uri`. */
  publication(uri: string, count: number): Promise<Diagnostic[]> {
    return withTimeout(
      new Promise<Diagnostic[]>(resolve => {
        const check = () => {
          const list = this.diagnostics.get(uri) ?? [];
          if (list.length >= count) {
            this.waiters.delete(check);
            resolve(list[count - 1]);
          }
        };
        this.waiters.add(check);
        check();
      }),
      `diagnostics #${count} for ${uri} (server stderr: ${this.stderr.join(
        '',
      )})`,
    );
  }

  publishedCount(uri: string): number {
    return this.diagnostics.get(uri)?.length ?? 0;
  }

  async stop(): Promise<void> {
    try {
      await withTimeout(
        this.connection.sendRequest(ShutdownRequest.type, undefined),
        'shutdown',
      );
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // the server is killed below either way
    }
    this.connection.dispose();
    if (this.child.exitCode === null) {
      const exited = new Promise(resolve => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await withTimeout(exited, 'the server to exit');
    }
  }
}

/** Inserts an undeclared field right under `spec:`; returns the text and its 0-based line. */
function withUndeclaredSpecField(text: string): { text: string; line: number } {
  const lines = text.split('\n');
  const spec = lines.findIndex(l => l === 'spec:');
  expect(spec).toBeGreaterThanOrEqual(0);
  lines.splice(spec + 1, 0, '  notASpecField: true');
  return { text: lines.join('\n'), line: spec + 1 };
}

describe('yaml-language-server with the repo-layouts settings', () => {
  let dir: string;
  let server: LanguageServer;
  let resources: string[];
  const schemas: Record<string, string | string[]> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-ide-'));
    resources = copyCheckout(LAYOUT, dir);

    // The same glob per kind as the checkout's .vscode/settings.json, pointing at the local
    // schema files instead of the portal's endpoint.
    const vscodeSettings = JSON.parse(
      fs.readFileSync(path.join(LAYOUT, '.vscode', 'settings.json'), 'utf8'),
    );
    for (const [url, globs] of Object.entries<string | string[]>(
      vscodeSettings['yaml.schemas'],
    )) {
      const file = path.basename(new URL(url).pathname).replace(/\.json$/, '');
      const kind = KINDS.find(k => k.kind.toLowerCase() === file);
      if (!kind) throw new Error(`settings name an unknown schema: ${url}`);
      schemas[pathToFileURL(path.join(SCHEMAS, kind.schemaFile)).href] = globs;
    }

    // The editor's settings, as the server pulls them (workspace/configuration) by section.
    const settings: Record<string, unknown> = {
      yaml: {
        validate: true,
        schemas,
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
      },
      http: {},
    };

    server = LanguageServer.start(dir);
    server.connection.onRequest(ConfigurationRequest.type, params =>
      params.items.map(item => settings[item.section ?? ''] ?? null),
    );
    await withTimeout(
      server.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(dir).href,
        workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'checkout' }],
        capabilities: { workspace: { configuration: true } },
      }),
      'initialize',
    );
    await server.connection.sendNotification(InitializedNotification.type, {});
    await server.connection.sendNotification(
      DidChangeConfigurationNotification.type,
      { settings: null },
    );
  }, WAIT_MS * 2);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, WAIT_MS * 2);

  it('maps every kind and finds an example resource for each', () => {
    expect(Object.keys(schemas)).toHaveLength(KINDS.length);
    const folders = new Set(
      resources.map(file => path.relative(dir, file).split(path.sep)[0]),
    );
    expect([...folders].sort()).toEqual(KINDS.map(k => k.folder).sort());
  });

  it(
    'reports nothing for each valid example and the undeclared field once it is added',
    async () => {
      for (const file of resources) {
        const uri = pathToFileURL(file).href;
        const text = fs.readFileSync(file, 'utf8');
        await server.connection.sendNotification(
          DidOpenTextDocumentNotification.type,
          { textDocument: { uri, languageId: 'yaml', version: 1, text } },
        );
        const onOpen = await server.publication(uri, 1);
        expect({ file: path.relative(dir, file), diagnostics: onOpen }).toEqual(
          {
            file: path.relative(dir, file),
            diagnostics: [],
          },
        );

        // The empty result only means something if the schema applies to this file: the same
        // document with one undeclared field must get a diagnostic on exactly that line.
        const broken = withUndeclaredSpecField(text);
        const seen = server.publishedCount(uri);
        await server.connection.sendNotification(
          DidChangeTextDocumentNotification.type,
          {
            textDocument: { uri, version: 2 },
            contentChanges: [{ text: broken.text }],
          },
        );
        const onChange = await server.publication(uri, seen + 1);
        expect(onChange.length).toBeGreaterThan(0);
        expect(onChange.map(d => d.range.start.line)).toContain(broken.line);
        expect(
          onChange.find(d => d.range.start.line === broken.line)?.message,
        ).toMatch(/notASpecField/);
      }
    },
    WAIT_MS * 6,
  );

  it(
    'reports a wrong value type at its line in an opened file',
    async () => {
      const workspace = resources.find(f =>
        path.relative(dir, f).startsWith(`workspaces${path.sep}`),
      )!;
      const lines = fs.readFileSync(workspace, 'utf8').split('\n');
      const image = lines.findIndex(l => /^ {2}image:/.test(l));
      expect(image).toBeGreaterThanOrEqual(0);
      lines[image] = '  image: 42';
      const file = path.join(path.dirname(workspace), 'broken-image.yaml');
      const uri = pathToFileURL(file).href;
      await server.connection.sendNotification(
        DidOpenTextDocumentNotification.type,
        {
          textDocument: {
            uri,
            languageId: 'yaml',
            version: 1,
            text: lines.join('\n'),
          },
        },
      );
      const diagnostics = await server.publication(uri, 1);
      expect(diagnostics.map(d => d.range.start.line)).toEqual([image]);
      expect(diagnostics[0].message).toMatch(/string/i);
    },
    WAIT_MS * 2,
  );
});

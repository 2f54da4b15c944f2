/*
 * Git smart HTTP for the local provider's repositories, so that the real `git` client can clone,
 * fetch and push. It runs `git http-backend` (git's own CGI program) per request: git keeps doing
 * the protocol, pack negotiation and ref locking, and the repository's pre-receive hook (installed
 * by ensureLocalRepository) decides which refs a push may touch.
 *
 * Mount it on an express router (authentication happens around it):
 *   router.use('/git', (req, res) => handler(req, res, { remoteUser }))
 * It must see the raw request body: mount it before any body parser.
 */
import { spawn } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import { IncomingMessage, ServerResponse } from 'http';
import path from 'path';
import zlib from 'zlib';
import { Writable } from 'stream';
import { LoggerService } from '@backstage/backend-plugin-api';
import { RefStore } from './refStore';
import { PushedRef } from './LocalGitProvider';

export interface SmartHttpOptions {
  /** the bare repository folder of a repository name from the URL, undefined when unknown */
  resolveRepoDir(
    name: string,
  ): string | undefined | Promise<string | undefined>;
  /** called after a push with the refs it actually changed (wire LocalGitProvider.handlePush) */
  onPush?(
    repo: string,
    updatedRefs: PushedRef[],
    pusher: string | undefined,
  ): void | Promise<void>;
  /**
   * the source branches of open change requests, for the pre-receive hook: only a change's
   * author may push to its branch, fast-forward only unless `allowForcePush`
   */
  pushRules?(repo: string): Promise<PushRules>;
  logger?: LoggerService;
  /** the git executable (default `git` from PATH) */
  gitBinary?: string;
  /** largest pack a push may send, in bytes (git's receive.maxInputSize; default unlimited) */
  maxPushBytes?: number;
}

const ROUTE =
  /^\/([A-Za-z0-9][A-Za-z0-9._-]*)\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export interface PushRules {
  changeBranches: Array<{ branch: string; number: number; author: string }>;
  allowForcePush: boolean;
}

/** What a smart HTTP request asks for, read from the decoded path and one `service` value. */
export interface GitRequest {
  /** repository name from the URL, without `.git` */
  name: string;
  endpoint: 'info/refs' | 'git-upload-pack' | 'git-receive-pack';
  service: 'git-upload-pack' | 'git-receive-pack';
}

/**
 * Reads a request the way the handler serves it: the path decoded once, the service from the
 * endpoint or from exactly one `service` parameter. Authorization must use this same answer
 * (a push is `service === 'git-receive-pack'`), never the raw path.
 */
export function classifyGitRequest(
  rawUrl: string | undefined,
): GitRequest | { error: string; status: 400 | 403 | 404 } {
  const url = new URL(rawUrl ?? '/', 'http://localhost');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, error: 'the URL is not validly %-encoded' };
  }
  const route = pathname.match(ROUTE);
  const name = route?.[1].replace(/\.git$/, '');
  if (!route || !name || name.includes('..')) {
    return { status: 404, error: 'not a git smart HTTP URL' };
  }
  const endpoint = route[2] as GitRequest['endpoint'];
  const services = url.searchParams.getAll('service');
  if (services.length > 1) {
    return { status: 400, error: 'one service parameter, please' };
  }
  const service = endpoint === 'info/refs' ? services[0] : endpoint;
  if (service !== 'git-upload-pack' && service !== 'git-receive-pack') {
    return { status: 403, error: 'only the smart HTTP protocol is served' };
  }
  return { name, endpoint, service };
}

export type SmartHttpHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  options?: { remoteUser?: string },
) => Promise<void>;

const ZERO = '0'.repeat(40);

interface PushCommand {
  ref: string;
  before?: string;
  after?: string;
}

/**
 * Reads the command list at the start of a receive-pack request (`<old> <new> <ref>` pkt-lines up
 * to the first flush packet) while the body streams through to git unchanged.
 */
class PushCommandParser extends Writable {
  readonly commands: PushCommand[] = [];
  private buffer = Buffer.alloc(0);
  private done = false;

  _write(chunk: Buffer, _encoding: string, callback: () => void) {
    if (!this.done) {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    }
    callback();
  }

  private parse() {
    while (!this.done && this.buffer.length >= 4) {
      const length = parseInt(this.buffer.subarray(0, 4).toString('ascii'), 16);
      if (Number.isNaN(length)) {
        this.done = true;
      } else if (length === 0) {
        this.done = true; // flush: the pack data follows
      } else if (this.buffer.length < length) {
        if (this.buffer.length > 1 << 20) this.done = true; // not a command list
        return;
      } else {
        const line = this.buffer
          .subarray(4, length)
          .toString('utf8')
          .split('\0')[0]
          .trim();
        this.buffer = this.buffer.subarray(length);
        const m = line.match(/^([0-9a-f]{40}) ([0-9a-f]{40}) (\S+)$/);
        if (m) {
          this.commands.push({
            ref: m[3],
            before: m[1] === ZERO ? undefined : m[1],
            after: m[2] === ZERO ? undefined : m[2],
          });
        }
      }
    }
  }
}

/** splits CGI output into status, headers and the start of the body */
function parseCgiHeaders(
  head: Buffer,
): { status: number; headers: [string, string][]; rest: Buffer } | undefined {
  let end = head.indexOf('\r\n\r\n');
  let sepLength = 4;
  const lf = head.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sepLength = 2;
  }
  if (end < 0) return undefined;
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, rest: head.subarray(end + sepLength) };
}

/** reports the commands that really changed their ref: the hook may have refused some or all */
async function reportPush(
  name: string,
  repoDir: string,
  commands: PushCommand[],
  options: SmartHttpOptions,
  pusher: string | undefined,
) {
  const refs = new RefStore(repoDir);
  const updated: PushedRef[] = [];
  for (const command of commands) {
    if ((await refs.read(command.ref)) === command.after) updated.push(command);
  }
  if (updated.length === 0) return;
  try {
    await options.onPush!(name, updated, pusher);
  } catch (e) {
    options.logger?.error(
      `push handler for ${name} failed: ${(e as Error).message}`,
    );
  }
}

export function createSmartHttpHandler(
  options: SmartHttpOptions,
): SmartHttpHandler {
  const git = options.gitBinary ?? 'git';

  return async (req, res, handlerOptions) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fail = (status: number, message: string) => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${message}\n`);
    };
    const request = classifyGitRequest(req.url);
    if ('error' in request) {
      fail(request.status, request.error);
      return;
    }
    const { name, endpoint } = request;
    if ((endpoint === 'info/refs') !== (req.method === 'GET')) {
      fail(405, `${req.method} is not allowed on ${endpoint}`);
      return;
    }
    const repoDir = await options.resolveRepoDir(name);
    if (!repoDir) {
      fail(404, `repository '${name}' not found`);
      return;
    }
    const absDir = path.resolve(repoDir);

    const header = (h: string) => {
      const v = req.headers[h];
      return Array.isArray(v) ? v.join(', ') : v ?? '';
    };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_PROJECT_ROOT: path.dirname(absDir),
      PATH_INFO: `/${path.basename(absDir)}/${endpoint}`,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: header('content-type'),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      HTTP_GIT_PROTOCOL: header('git-protocol'),
      REMOTE_USER: handlerOptions?.remoteUser ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
      // the repository's own hook, even if a global core.hooksPath points elsewhere
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'core.hooksPath',
      GIT_CONFIG_VALUE_0: path.join(absDir, 'hooks'),
      // git refuses a larger pack before it moves any ref, and tells the client why (0 = no limit)
      GIT_CONFIG_KEY_1: 'receive.maxInputSize',
      GIT_CONFIG_VALUE_1: String(options.maxPushBytes ?? 0),
    };
    if (req.headers['content-length'])
      env.CONTENT_LENGTH = header('content-length');
    // the hook's view of open changes, fresh for this push (a file: the list may be long)
    let rulesFile: string | undefined;
    if (endpoint === 'git-receive-pack' && options.pushRules) {
      const rules = await options.pushRules(name);
      rulesFile = path.join(
        os.tmpdir(),
        `butler-push-rules-${process.pid}-${crypto.randomBytes(6).toString('hex')}`,
      );
      await fs.promises.writeFile(
        rulesFile,
        rules.changeBranches
          .map(b => `${b.branch}\t${b.number}\t${b.author}\n`)
          .join(''),
        { mode: 0o600 },
      );
      env.BUTLER_CHANGE_BRANCHES_FILE = rulesFile;
      env.BUTLER_ALLOW_FORCE_PUSH = rules.allowForcePush ? 'true' : 'false';
    }

    const child = spawn(git, ['http-backend'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const parser =
      endpoint === 'git-receive-pack' ? new PushCommandParser() : undefined;
    if (parser) {
      if (header('content-encoding') === 'gzip') {
        req
          .pipe(zlib.createGunzip())
          .on('error', () => undefined)
          .pipe(parser);
      } else {
        req.pipe(parser);
      }
    }
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // git may stop reading early; its answer says why
    req.on('close', () => {
      if (!req.complete) child.kill('SIGTERM');
    });

    let stderr = '';
    child.stderr.on('data', d => {
      stderr = (stderr + d.toString()).slice(-4096);
    });

    let head: Buffer = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const parsed = parseCgiHeaders(head);
      if (!parsed) return;
      headersSent = true;
      res.statusCode = parsed.status;
      for (const [k, v] of parsed.headers) res.setHeader(k, v);
      if (parsed.rest.length) res.write(parsed.rest);
    });

    const exitCode = await new Promise<number>(resolve => {
      child.on('error', e => {
        options.logger?.error(`git http-backend could not start: ${e.message}`);
        resolve(-1);
      });
      child.on('close', code => resolve(code ?? -1));
    });
    if (rulesFile) await fs.promises.rm(rulesFile, { force: true });
    if (!headersSent) {
      options.logger?.warn(
        `git http-backend failed for ${name} (${exitCode}): ${stderr}`,
      );
      fail(500, 'git http-backend failed');
      return;
    }
    if (stderr && exitCode !== 0) {
      options.logger?.warn(
        `git http-backend for ${name} exited with ${exitCode}: ${stderr}`,
      );
    }
    // the push is recorded before the client hears it finished, so a `git push` that returned
    // is already reflected in the change requests
    if (parser && options.onPush && parser.commands.length > 0) {
      await reportPush(name, absDir, parser.commands, options, handlerOptions?.remoteUser);
    }
    res.end();
  };
}

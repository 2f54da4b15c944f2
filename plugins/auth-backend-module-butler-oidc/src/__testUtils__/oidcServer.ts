/*
 * Runs testServer/oidcServer.mjs (the oidc-provider package, an ES module) in a child process
 * and hands back its issuer URL.
 */
import { execFileSync, spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import https from 'https';
import path from 'path';

export interface OidcServerOptions {
  clients: Array<{
    client_id: string;
    client_secret: string;
    redirect_uris: string[];
  }>;
  accounts: Record<string, { email: string; groups?: string[] }>;
  tls?: { key: string; cert: string };
}

/** A self-signed certificate for 127.0.0.1 (openssl), for the https the CRD requires. */
export function selfSignedCertificate(dir: string): {
  key: string;
  cert: string;
} {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
  };
}

export async function startOidcServer(options: OidcServerOptions) {
  const child = spawn(
    process.execPath,
    [
      path.resolve(__dirname, '../../testServer/oidcServer.mjs'),
      JSON.stringify(options),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line).issuer);
    });
    child.on('exit', code =>
      reject(new Error(`the OIDC test server exited (${code})`)),
    );
  });
  return {
    issuer,
    async stop() {
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
    },
  };
}

export interface Reply {
  status: number;
  location?: string;
  setCookies: string[];
  body: string;
}

/** One HTTP(S) request trusting `ca`, without following redirects (the browser's part). */
export function browserRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    ca?: string;
  } = {},
): Promise<Reply> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.ca && { ca: options.ca }),
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', d => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location && { location: res.headers.location }),
            setCookies: ([] as string[]).concat(
              res.headers['set-cookie'] ?? [],
            ),
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

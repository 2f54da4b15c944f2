/*
 * An answer computed once per merged revision, with its strong ETag computed once too. Sent
 * with the ETag already set, Express neither hashes the body again on every request nor misses
 * a 304 for a client that sends If-None-Match.
 */
import crypto from 'crypto';
import type { Request, Response } from 'express';

export interface CachedBody {
  body: Buffer;
  etag: string;
}

export function cachedBody(body: Buffer): CachedBody {
  return {
    body,
    etag: `"${crypto.createHash('sha256').update(body).digest('base64url')}"`,
  };
}

/**
 * Sends a cached answer with plain node http calls: these are the hot paths of every client's
 * polling, and Express' send() would look the MIME type up and check freshness again each time.
 */
export function sendCached(
  req: Request,
  res: Response,
  contentType: string,
  cached: CachedBody,
) {
  res.setHeader('ETag', cached.etag);
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some(t => t.trim() === cached.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', cached.body.length);
  res.end(req.method === 'HEAD' ? undefined : cached.body);
}

/*
 * Request bodies as the apiserver reads them: JSON, or YAML where a YAML media type is sent
 * (server-side apply takes either). Bodies over 3 MiB are refused like the apiserver does.
 */
import { IncomingMessage } from 'http';
import YAML from 'yaml';
import { badRequest, KubeStatusError } from '../api/status';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new KubeStatusError(
        413,
        'RequestEntityTooLarge',
        `Request entity too large: limit is ${MAX_BODY_BYTES}`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The media type without parameters, lower-cased (`application/json`). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function parseBody(text: string, contentType: string): unknown {
  if (text.trim() === '') throw badRequest('the request body is empty');
  const yaml = contentType.includes('yaml');
  try {
    // clients (client-node, kubectl) send apply configurations as JSON even under the YAML
    // media type; JSON is YAML, and JSON.parse reads it in a fraction of the YAML parser's time
    if (yaml && /^\s*\{/.test(text)) {
      try {
        return JSON.parse(text);
      } catch {
        // not JSON after all: the YAML parser decides
      }
    }
    return yaml ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `error decoding ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
}

export function parseObjectBody(
  text: string,
  contentType: string,
): Record<string, any> {
  const value = parseBody(text, contentType);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the request body must be an object');
  }
  return value as Record<string, any>;
}

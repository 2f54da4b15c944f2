/*
 * The `registry:` section of app-config, read once at start; mistakes name their key.
 */
import crypto from 'crypto';
import type { RootConfigService } from '@backstage/backend-plugin-api';

export interface RegistryConfig {
  /** protocol routes answer without credentials (read only) */
  allowAnonymousRead: boolean;
  /** lifetime of the signed archive URLs Terraform/OpenTofu fetch */
  signedUrlTtlSeconds: number;
  /** HMAC key of the signed URLs; random per process when not configured */
  signingSecret: string;
  /** without a Git event, the merged head is looked up again after this long */
  headRefreshSeconds: number;
}

export class RegistryConfigError extends Error {
  constructor(key: string, message: string) {
    super(`registry.${key}: ${message}`);
    this.name = 'RegistryConfigError';
  }
}

export function readRegistryConfig(root: RootConfigService): RegistryConfig {
  const config = root.getOptionalConfig('registry');
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = config?.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RegistryConfigError(
        key,
        `must be a whole number from ${min} to ${max}, got ${value}`,
      );
    }
    return value;
  };
  const secret = config?.getOptionalString('signingSecret');
  if (secret !== undefined && secret.length < 32) {
    throw new RegistryConfigError(
      'signingSecret',
      'must be at least 32 characters long',
    );
  }
  return {
    allowAnonymousRead:
      config?.getOptionalBoolean('allowAnonymousRead') ?? false,
    signedUrlTtlSeconds: number('signedUrlTtlSeconds', 300, 10, 86400),
    // several replicas need one configured secret; a single process can make its own
    signingSecret: secret ?? crypto.randomBytes(32).toString('hex'),
    headRefreshSeconds: number('headRefreshSeconds', 30, 1, 3600),
  };
}

export interface Config {
  /** Keeper, the artifact registry (plugins/registry-backend/README.md) */
  registry?: {
    /**
     * Protocol routes (terraform, tofu, helm, OPA) answer without a token. Read only.
     * Default false.
     */
    allowAnonymousRead?: boolean;
    /** Lifetime of the signed archive URLs Terraform/OpenTofu fetch, in seconds. Default 300. */
    signedUrlTtlSeconds?: number;
    /**
     * HMAC key of the signed archive URLs, at least 32 characters; the same on every replica.
     * Default: random per process.
     * @visibility secret
     */
    signingSecret?: string;
    /**
     * Without a Git event, the merged heads are looked up again after this many seconds.
     * Default 30.
     */
    headRefreshSeconds?: number;
  };
}

/*
 * Errors that carry their HTTP status; each protocol router renders them in its own shape
 * (Terraform's {"errors": [...]}, plain text for Helm, {code, message} for OPA).
 */
export class RegistryError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export const notFound = (message: string) => new RegistryError(404, message);
export const badRequest = (message: string) => new RegistryError(400, message);

export {
  validate,
  createSchemaCompiler,
  ResourceValidator,
  type ValidateOptions,
} from './validate';
export { KIND_SCHEMAS } from './schemas';
export { formatIssue } from './formatIssue';
export {
  ACCEPTED_SSH_KEY_TYPES,
  MIN_RSA_BITS,
  checkSshPublicKey,
  looksLikePrivateKey,
  sshPublicKeyIssues,
  type SshPublicKeyCheck,
  type SshPublicKeyType,
} from './sshPublicKeys';
// building blocks for kinds with rules of their own (Herald's pipeline validation)
export { schemaIssues } from './schemaIssues';
export { findSecrets } from './secrets';
export { checkResourceLocation } from './portalRules';

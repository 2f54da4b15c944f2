/** The command line itself is wrong (unknown option, missing path): exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

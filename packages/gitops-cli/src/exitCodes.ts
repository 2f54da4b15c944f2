/** Exit codes of every command, as documented in the README. */
export const EXIT_OK = 0;
/** at least one file is invalid (and, for render, nothing was rendered) */
export const EXIT_INVALID = 1;
/** the command line is wrong: unknown option or kind, missing path */
export const EXIT_USAGE = 2;

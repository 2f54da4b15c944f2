/** Where the program reads and writes: the process's own streams in the bin, buffers in tests. */
export interface CliIo {
  /** the directory relative paths are resolved from */
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/*
 * Validation of many files is CPU work (YAML parsing above all): on a machine with more than one
 * core, the single-file build splits a large batch between the main thread and worker threads
 * started from the build's own file. Below a few hundred files, or where there is no file to
 * start a worker from (`curl ... | node -`, the sources under test), it validates in the main
 * thread: a worker costs a second load of the CLI, which only pays off on a large batch.
 * BUTLER_GITOPS_THREADS=<n> sets the number of threads (1: main thread only).
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  isMainThread,
  parentPort,
  Worker,
  workerData,
} from 'node:worker_threads';
import type { ValidationResult } from '@butler-portal/plugin-gitops-common';
import { isPipelineFile } from './pipelineCheck';
import { validateFile, type ValidationJob } from './validateFile';

export type { ValidationJob } from './validateFile';

/** the key of a worker's workerData; see runValidationWorker */
export const WORKER_JOBS = 'butlerGitopsValidationJobs';
/** a worker gets at least this many files, or none is started */
const MIN_FILES_PER_THREAD = 150;
const MAX_THREADS = 4;

/** Set by the single-file build's banner to its own URL (scripts/buildBundle.js). */
declare const __butlerBundleUrl: string | undefined;

/** The file a worker can start from: the single-file build, when it runs from a file. */
function workerEntry(): string | undefined {
  if (typeof __butlerBundleUrl === 'undefined') return undefined;
  try {
    const file = fileURLToPath(__butlerBundleUrl);
    // from stdin the URL names no file (`[eval1]`)
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How many threads (main thread included) share `jobs` files: one per core, at most
 * MAX_THREADS, and at most one per MIN_FILES_PER_THREAD files. BUTLER_GITOPS_THREADS=<n> sets
 * the number (1: main thread only). The load average is not consulted: on the shared 2-core
 * development machine at a load of 11, 1,000 files took a median 1.4 s in 2 threads against
 * 2.7 s in one (scripts/benchmark.js), a busy machine's scheduler sharing by thread.
 */
export function threadCount(
  jobs: number,
  hasEntry = !!workerEntry(),
  cores = typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length,
): number {
  if (!hasEntry) return 1;
  const asked = Number(process.env.BUTLER_GITOPS_THREADS);
  const wanted = asked > 0 ? asked : cores;
  return Math.max(
    1,
    Math.min(wanted, MAX_THREADS, Math.floor(jobs / MIN_FILES_PER_THREAD)),
  );
}

function validateJobs(jobs: readonly ValidationJob[]): ValidationResult[] {
  return jobs.map(validateFile);
}

function inWorker(
  entry: string,
  jobs: readonly ValidationJob[],
): Promise<ValidationResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { [WORKER_JOBS]: jobs } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', code => {
      if (code !== 0) reject(new Error(`validation worker exited ${code}`));
    });
  });
}

/**
 * Rough cost of validating a job, in units of an ordinary resource file. A Pipeline costs more
 * (Herald's rules), and the first one in a thread far more: pipeline-common compiles the Vector
 * component schemas it needs with Ajv, once per thread (about 400 ms in scripts/benchmark.js).
 */
const PIPELINE_COST = 5;
const PIPELINE_SET_UP_COST = 400;

/**
 * Splits the jobs (by index) between the threads: every Pipeline to the main thread, so the
 * Vector schemas are compiled once, then the other files so that the estimated costs even out.
 */
export function planThreads(
  jobs: readonly ValidationJob[],
  threads: number,
): number[][] {
  const pipelines: number[] = [];
  const others: number[] = [];
  jobs.forEach((job, i) =>
    (isPipelineFile(job.text) ? pipelines : others).push(i),
  );
  const pipelineCost =
    pipelines.length > 0
      ? PIPELINE_SET_UP_COST + pipelines.length * PIPELINE_COST
      : 0;
  const target = (pipelineCost + others.length) / threads;
  const ownOthers = Math.max(0, Math.round(target - pipelineCost));
  const own = [...pipelines, ...others.slice(0, ownOthers)].sort(
    (a, b) => a - b,
  );
  const rest = others.slice(ownOthers);
  const size = Math.ceil(rest.length / (threads - 1));
  return [
    own,
    ...Array.from({ length: threads - 1 }, (_, i) =>
      rest.slice(i * size, (i + 1) * size),
    ),
  ].filter((chunk, i) => i === 0 || chunk.length > 0);
}

/** Validates every job; results in the order of `jobs`, as `validate()` gives them. */
export async function validateInParallel(
  jobs: readonly ValidationJob[],
): Promise<ValidationResult[]> {
  const entry = workerEntry();
  const threads = entry ? threadCount(jobs.length, true) : 1;
  if (!entry || threads === 1) return validateJobs(jobs);
  const [own, ...shares] = planThreads(jobs, threads).map(indexes => ({
    indexes,
    jobs: indexes.map(i => jobs[i]),
  }));
  // workers first, so they load while the main thread validates its own share
  const others = shares.map(share =>
    inWorker(entry, share.jobs).catch(error => {
      // never a reason to give no answer: say so (on stderr) and do the share here
      process.emitWarning(
        `butler-gitops: a validation worker failed (${error}); validating in the main thread`,
      );
      return validateJobs(share.jobs);
    }),
  );
  const results = new Array<ValidationResult>(jobs.length);
  const place = (indexes: number[], outcomes: ValidationResult[]) =>
    indexes.forEach((index, k) => {
      results[index] = outcomes[k];
    });
  place(own.indexes, validateJobs(own.jobs));
  (await Promise.all(others)).forEach((outcomes, k) =>
    place(shares[k].indexes, outcomes),
  );
  return results;
}

/**
 * The worker side: when this thread was started by validateInParallel, validates its jobs,
 * posts the results and returns true; otherwise returns false (the CLI runs as usual).
 */
export function runValidationWorker(): boolean {
  const jobs = (workerData as Record<string, ValidationJob[]> | undefined)?.[
    WORKER_JOBS
  ];
  if (isMainThread || !parentPort || !jobs) return false;
  parentPort.postMessage(validateJobs(jobs));
  return true;
}

/*
 * Who holds a lock, precisely enough to survive PID reuse: the PID alone names another process
 * after a container restart (PIDs start again from 1), so an owner is also its boot (the kernel's
 * boot id) and its start time (field 22 of /proc/<pid>/stat, clock ticks since boot). Where /proc
 * is not there (macOS, say) both are empty and only the PID is compared.
 */
import fs from 'fs';

export interface ProcessIdentity {
  pid: number;
  boot: string;
  start: string;
}

let bootId: string | undefined;

export function currentBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = '';
    }
  }
  return bootId;
}

/** start time of a process in clock ticks since boot, '' when it cannot be read */
export function startTimeOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, boot: currentBootId(), start: startTimeOf(process.pid) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote `owner` still runs: same boot, PID alive, and (where known)
 * the same start time. A lock written before a restart, or by a PID now reused, is not alive.
 */
export function isSameLiveProcess(owner: ProcessIdentity): boolean {
  if (owner.boot && currentBootId() && owner.boot !== currentBootId()) return false;
  if (!pidAlive(owner.pid)) return false;
  if (owner.start) {
    const now = startTimeOf(owner.pid);
    if (now && now !== owner.start) return false;
  }
  return true;
}

/*
 * The install lock of scripts/portal.js: two `npm test` runs in one checkout must not run
 * `yarn install` at once.
 *
 * The lock is a directory (mkdir is atomic) holding owner.json: the holder's PID, the kernel's
 * boot id and the process's start time. A PID alone is not enough: after a container restart
 * (or a reboot) the PIDs start again from 1, so the PID of a dead holder is soon reused, quite
 * possibly by the very `npm test` now waiting for the lock, which would then wait forever. The
 * holder counts as alive only when a process with that PID exists, on the same boot, and
 * started at the recorded time; anything else is a stale lock and is taken over.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const OWNER_FILE = 'owner.json';
/** lock folders from before owner.json existed hold a bare PID */
const LEGACY_PID_FILE = 'pid';
/** a lock whose owner never got to write its record (killed right after mkdir) is stale after this */
const UNWRITTEN_GRACE_MS = 10000;

function bootId() {
  try {
    return (
      fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() ||
      undefined
    );
  } catch {
    return undefined; // not Linux: PID and start time (where available) have to do
  }
}

/**
 * Field 22 of /proc/<pid>/stat (starttime: clock ticks after boot). The command name (field 2)
 * may hold spaces and parentheses, so the fields are counted after its closing parenthesis.
 */
function processStartTime(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 3 is fields[0]
  } catch {
    return undefined;
  }
}

/** what the lock records about its holder */
function ownerRecord(pid = process.pid) {
  return { pid, bootId: bootId(), startTime: processStartTime(pid) };
}

function pidExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Whether the process a lock record names still holds it.
 * @returns {{ alive: boolean, reason: string }}
 */
function holderState(record) {
  const pid = Number(record?.pid);
  if (!Number.isInteger(pid) || pid <= 0)
    return { alive: false, reason: 'the lock names no valid PID' };
  if (!record.startTime && pid === process.pid) {
    // a bare-PID lock naming this very process: written by a previous life of the PID
    return {
      alive: false,
      reason: `PID ${pid} is this process, which did not take the lock`,
    };
  }
  if (!pidExists(pid))
    return { alive: false, reason: `PID ${pid} is not running` };
  const boot = bootId();
  if (record.bootId && boot && record.bootId !== boot) {
    return {
      alive: false,
      reason: `PID ${pid} was recorded before a restart (boot id ${record.bootId}, now ${boot})`,
    };
  }
  const started = processStartTime(pid);
  if (record.startTime && started && record.startTime !== started) {
    return {
      alive: false,
      reason: `PID ${pid} now belongs to another process (started at tick ${started}, the holder at ${record.startTime})`,
    };
  }
  return { alive: true, reason: `held by PID ${pid}` };
}

/** the record in a lock folder; undefined while it is being written */
function readRecord(lock) {
  try {
    return JSON.parse(fs.readFileSync(path.join(lock, OWNER_FILE), 'utf8'));
  } catch {
    /* not there (yet), or a legacy lock */
  }
  try {
    const pid = Number(
      fs.readFileSync(path.join(lock, LEGACY_PID_FILE), 'utf8').trim(),
    );
    return pid > 0 ? { pid } : undefined;
  } catch {
    return undefined;
  }
}

function sameRecord(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function tryCreate(lock) {
  try {
    fs.mkdirSync(lock);
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
  // written aside and renamed, so a reader sees the whole record or none
  const tmp = path.join(lock, `${OWNER_FILE}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(ownerRecord()));
  fs.renameSync(tmp, path.join(lock, OWNER_FILE));
  return true;
}

/**
 * Moves a stale lock out of the way. It is renamed first and checked again, so that of two
 * waiters that both found it stale, only one removes it, and a lock taken in between is put back.
 */
function removeStale(lock, judged) {
  const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // someone else moved it first
  }
  if (sameRecord(readRecord(aside), judged)) {
    fs.rmSync(aside, { recursive: true, force: true });
    return;
  }
  try {
    fs.renameSync(aside, lock); // a fresh lock, not the stale one: give it back
  } catch {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` (synchronously) while holding the lock folder `lock`, waiting for a live holder
 * and taking over a stale one.
 *
 * @param {string} lock - the lock folder
 * @param {() => T} fn
 * @param {{ pollMs?: number, timeoutMs?: number, log?: (msg: string) => void }} [options]
 *   timeoutMs: give up waiting for a live holder after this long (default: wait as long as it lives)
 * @returns {T}
 * @throws Error naming the holder when timeoutMs passes
 */
function withInstallLock(lock, fn, options = {}) {
  const { pollMs = 500, timeoutMs = Infinity, log = () => {} } = options;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  while (!tryCreate(lock)) {
    const record = readRecord(lock);
    if (record === undefined) {
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again at once
      }
      if (age > UNWRITTEN_GRACE_MS) {
        log(
          `taking over the install lock ${lock}: its owner never recorded itself`,
        );
        removeStale(lock, undefined);
        continue;
      }
    } else {
      const state = holderState(record);
      if (!state.alive) {
        log(`taking over a stale install lock (${state.reason})`);
        removeStale(lock, record);
        continue;
      }
      if (!announced) {
        log(`waiting for another install (${state.reason}) ...`);
        announced = true;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the install lock ${lock} is ${
          record ? holderState(record).reason : 'being taken'
        }; gave up after ${timeoutMs} ms`,
      );
    }
    sleep(pollMs);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

module.exports = {
  withInstallLock,
  holderState,
  ownerRecord,
  processStartTime,
  bootId,
};

import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { installLock } from './repoScripts';

const { bootId, holderState, ownerRecord, processStartTime, withInstallLock } =
  installLock;

let dir: string;
let lock: string;
/** a live process that is not the lock's owner: the PID a restarted container hands out again */
let foreign: ChildProcess;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-lock-'));
  lock = path.join(dir, 'portal-install.lock');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  foreign = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    stdio: 'ignore',
  });
  await new Promise(resolve => foreign.once('spawn', resolve));
});
afterAll(() => {
  foreign.kill('SIGKILL');
});

function writeLock(record: object | number, file = 'owner.json') {
  fs.mkdirSync(lock);
  fs.writeFileSync(
    path.join(lock, file),
    typeof record === 'number' ? String(record) : JSON.stringify(record),
  );
}

function takeQuickly(): string[] {
  const messages: string[] = [];
  const result = withInstallLock(lock, () => 'ran', {
    pollMs: 20,
    timeoutMs: 2000,
    log: m => messages.push(m),
  });
  expect(result).toBe('ran');
  expect(fs.existsSync(lock)).toBe(false); // released afterwards
  return messages;
}

describe('install lock (scripts/installLock.js)', () => {
  it('records the PID, boot id and start time of its holder', () => {
    let seen: unknown;
    withInstallLock(lock, () => {
      seen = JSON.parse(fs.readFileSync(path.join(lock, 'owner.json'), 'utf8'));
    });
    expect(seen).toEqual({
      pid: process.pid,
      bootId: bootId(),
      startTime: processStartTime(process.pid),
    });
    expect(bootId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
  });

  it('takes over a lock naming a live but foreign PID (reused after a container restart)', () => {
    // the dead holder had this PID; the process now running under it started at another time
    writeLock({ pid: foreign.pid, bootId: bootId(), startTime: '1' });
    expect(
      holderState({ pid: foreign.pid, bootId: bootId(), startTime: '1' }).alive,
    ).toBe(false);
    const messages = takeQuickly();
    expect(messages.join('\n')).toContain(
      `PID ${foreign.pid} now belongs to another process`,
    );
  });

  it('takes over a lock recorded before a reboot, even if its PID is alive now', () => {
    writeLock({
      ...ownerRecord(foreign.pid!),
      bootId: '00000000-0000-0000-0000-000000000000',
    });
    expect(takeQuickly().join('\n')).toContain('was recorded before a restart');
  });

  it('takes over a bare-PID lock (older format) naming this very process', () => {
    writeLock(process.pid, 'pid');
    expect(takeQuickly().join('\n')).toContain(
      `PID ${process.pid} is this process`,
    );
  });

  it('takes over a lock whose holder is gone', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const record = await new Promise<object>(resolve =>
      gone.once('spawn', () => resolve(ownerRecord(gone.pid!))),
    );
    await new Promise(resolve => gone.once('exit', resolve));
    writeLock(record);
    expect(takeQuickly().join('\n')).toContain('is not running');
  });

  it('waits for a live holder and gives up after the timeout, naming it', () => {
    writeLock(ownerRecord(foreign.pid!));
    let ran = false;
    expect(() =>
      withInstallLock(lock, () => (ran = true), { pollMs: 20, timeoutMs: 200 }),
    ).toThrow(
      `the install lock ${lock} is held by PID ${foreign.pid}; gave up after 200 ms`,
    );
    expect(ran).toBe(false);
    // the live holder's lock is left alone
    expect(
      JSON.parse(fs.readFileSync(path.join(lock, 'owner.json'), 'utf8')).pid,
    ).toBe(foreign.pid);
  });

  it('releases the lock when the work throws', () => {
    expect(() =>
      withInstallLock(lock, () => {
        throw new Error('yarn install failed');
      }),
    ).toThrow('yarn install failed');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

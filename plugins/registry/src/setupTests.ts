import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests render whole pages and type into forms. On a busy 2-core CI machine a test
// can take longer than jest's 5 s, and a page longer than testing-library's 1 s to show what
// findBy/waitFor wait for, without anything being wrong: wait longer before calling it failed.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

// @xyflow/react (the artifact page's dependency graph) measures nodes with ResizeObserver and
// reads the viewport transform through DOMMatrixReadOnly, neither of which jsdom has; the same
// stand-ins as Herald's canvas tests (plugins/pipeline/src/setupTests.ts), after React Flow's
// testing guide (https://reactflow.dev/learn/advanced-use/testing), so nodes and edges are drawn.
class ResizeObserverStub {
  callback: ResizeObserverCallback;
  constructor(callback: ResizeObserverCallback) {
    this.callback = callback;
  }
  observe(target: Element) {
    this.callback([{ target } as ResizeObserverEntry], this as any);
  }
  unobserve() {}
  disconnect() {}
}

class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
    this.m22 = scale !== undefined ? +scale : 1;
  }
}

(global as any).ResizeObserver = ResizeObserverStub;
(global as any).DOMMatrixReadOnly = DOMMatrixReadOnlyStub;
Object.defineProperties((global as any).HTMLElement.prototype, {
  offsetHeight: {
    get() {
      return parseFloat(this.style.height) || 1;
    },
  },
  offsetWidth: {
    get() {
      return parseFloat(this.style.width) || 1;
    },
  },
});
(global as any).SVGElement.prototype.getBBox = () => ({
  x: 0,
  y: 0,
  width: 0,
  height: 0,
});

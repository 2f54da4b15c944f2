/*
 * jsdom has no layout: @xyflow/react (Herald's canvas, Keeper's dependency graph) measures nodes
 * with ResizeObserver and offset sizes and reads the viewport transform through
 * DOMMatrixReadOnly. These stand-ins follow React Flow's testing guide
 * (https://reactflow.dev/learn/advanced-use/testing) so that nodes, handles and edges are laid
 * out and drawn in component tests. Call once from a package's setupTests.
 */
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

export function installGraphLayoutStubs() {
  const g = globalThis as any;
  g.ResizeObserver = ResizeObserverStub;
  g.DOMMatrixReadOnly = DOMMatrixReadOnlyStub;
  Object.defineProperties(g.HTMLElement.prototype, {
    offsetHeight: {
      configurable: true,
      get() {
        return parseFloat(this.style.height) || 1;
      },
    },
    offsetWidth: {
      configurable: true,
      get() {
        return parseFloat(this.style.width) || 1;
      },
    },
  });
  g.SVGElement.prototype.getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 });
}

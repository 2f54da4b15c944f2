import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { installGraphLayoutStubs } from '@butler-portal/plugin-gitops-react/testUtils';

// Component tests render whole pages and type into forms. On a busy 2-core CI machine a test
// can take longer than jest's 5 s, and a page longer than testing-library's 1 s to show what
// findBy/waitFor wait for, without anything being wrong: wait longer before calling it failed.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

// @xyflow/react needs layout that jsdom lacks (the graph stand-ins are shared)
installGraphLayoutStubs();

// CodeMirror measures text through Range rectangles, which jsdom does not compute.
const emptyRects = () => {
  const list: any = [];
  list.item = () => null;
  return list;
};
(global as any).Range.prototype.getClientRects = emptyRects;
(global as any).Range.prototype.getBoundingClientRect = () => ({
  x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}),
});

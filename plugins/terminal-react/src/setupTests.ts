import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests render whole pages and type into forms. On a busy 2-core CI machine a test
// can take longer than jest's 5 s, and a page longer than testing-library's 1 s to show what
// findBy/waitFor wait for, without anything being wrong: wait longer before calling it failed.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

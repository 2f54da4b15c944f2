export { headerValue } from './headerValue';
export type { HeaderBag } from './headerValue';

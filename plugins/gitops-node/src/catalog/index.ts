export { userRefByEmail } from './userRefByEmail';
export type { UserRefByEmailOptions } from './userRefByEmail';

/**
 * Butler Portal terminal backend: a WebSocket terminal into a workspace's pod, opened with a
 * single-use ticket, permission-checked, audited.
 *
 * @packageDocumentation
 */
export { terminalPlugin as default } from './plugin';
export {
  TERMINAL_PROTOCOL,
  TICKET_PROTOCOL_PREFIX,
} from './router/createRouter';
export { CLOSE_CODES } from './session/TerminalSession';

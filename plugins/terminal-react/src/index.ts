/**
 * Butler Portal terminal web library: the browser terminal into a workspace's pod or a pod of a
 * tenant cluster (plugins/terminal-backend), one implementation for every page that opens one —
 * `<TerminalView target={...} />`, the connection it uses (`openTerminal`: ticket, WebSocket,
 * read-only mode, why a session ended), and the client of a tenant cluster's pod list.
 *
 * @packageDocumentation
 */
export {
  TERMINAL_PROTOCOL,
  describeClose,
  describeTarget,
  openTerminal,
  terminalResponseError,
  type TerminalConnection,
  type TerminalHandlers,
  type TerminalMode,
  type TerminalTarget,
} from './connection/terminalConnection';
export {
  listClusterPods,
  type ClusterPod,
  type ClusterPods,
} from './pods/clusterPods';
export {
  TerminalView,
  type TerminalViewProps,
} from './components/TerminalView';

/*
 * The workspace page's terminal: the shared browser terminal (plugin-terminal-react) into the
 * workspace's pod, read-only for viewers of the workspace's team.
 */
import { TerminalView } from '@butler-portal/plugin-terminal-react';

export function WorkspaceTerminal(props: { namespace: string; name: string }) {
  return (
    <TerminalView
      target={{
        kind: 'workspace',
        namespace: props.namespace,
        name: props.name,
      }}
      readOnlyReason="your role in the workspace's team is viewer"
    />
  );
}

/*
 * The browser terminal (@xterm/xterm) into a workspace's pod or a pod of a tenant cluster, for
 * the pages that open one. Connection and protocol live in connection/terminalConnection.ts;
 * this draws it: the terminal fitted to its box, a line saying when the session is read-only
 * (the backend drops the keystrokes of viewers), the server's reason when it refuses, and why a
 * session ended. The session closes when the component goes away or the target changes.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { Typography } from '@material-ui/core';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import {
  describeTarget,
  openTerminal,
  type TerminalMode,
  type TerminalTarget,
} from '../connection/terminalConnection';

export interface TerminalViewProps {
  target: TerminalTarget;
  /** why a session is read-only, in the page's words (default: the viewer role of the team) */
  readOnlyReason?: string;
  /** the terminal's height in pixels (default 400) */
  height?: number;
}

export function TerminalView(props: TerminalViewProps) {
  const { readOnlyReason, height = 400 } = props;
  // one session per target: a new object with the same fields is the same target
  const key = JSON.stringify(props.target);
  const target = useMemo(() => JSON.parse(key) as TerminalTarget, [key]);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const box = useRef<HTMLDivElement>(null);
  const [mode, setMode] = useState<TerminalMode>();
  const [ended, setEnded] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!box.current) return undefined;
    setMode(undefined);
    setEnded(undefined);
    setError(undefined);
    const term = new Terminal({ convertEol: false, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current);
    fit.fit();
    let closeConnection = () => {};
    let cancelled = false;
    openTerminal({
      discoveryApi,
      fetchApi,
      target,
      handlers: {
        onOutput: data => term.write(data),
        onClose: message => !cancelled && setEnded(message),
      },
    })
      .then(conn => {
        if (cancelled) {
          conn.close();
          return;
        }
        closeConnection = () => conn.close();
        conn.resize(term.cols, term.rows);
        term.onResize(({ cols, rows }) => conn.resize(cols, rows));
        term.onData(data => conn.send(data));
        conn.mode.then(
          m => !cancelled && setMode(m),
          () => {},
        );
        term.focus();
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    const onWindowResize = () => fit.fit();
    window.addEventListener('resize', onWindowResize);
    return () => {
      cancelled = true;
      window.removeEventListener('resize', onWindowResize);
      closeConnection();
      term.dispose();
    };
  }, [discoveryApi, fetchApi, target]);

  return (
    <div>
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      {mode === 'read-only' && (
        <Typography color="textSecondary">
          {`Read-only: you can watch this session; what you type is not sent (${
            readOnlyReason ?? 'your role in the team is viewer'
          }).`}
        </Typography>
      )}
      <div
        ref={box}
        style={{ height }}
        aria-label={`Terminal of ${describeTarget(target)}`}
      />
      {ended && <Typography variant="body2">{ended}</Typography>}
    </div>
  );
}

/*
 * A terminal into a workspace's pod (@xterm/xterm), for the workspace page. Connection and
 * protocol live in terminalConnection.ts; this draws it: the terminal fitted to its box, a line
 * saying when the session is read-only (the backend drops the keystrokes of viewers), and why it
 * ended. The session closes when the component goes away.
 */
import { useEffect, useRef, useState } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { Typography } from '@material-ui/core';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { openTerminal, type TerminalMode } from './terminalConnection';

export function WorkspaceTerminal(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const box = useRef<HTMLDivElement>(null);
  const [mode, setMode] = useState<TerminalMode>();
  const [ended, setEnded] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!box.current) return undefined;
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
      namespace,
      name,
      handlers: {
        onOutput: data => term.write(data),
        onClose: message => setEnded(message),
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
        conn.mode.then(setMode, () => {});
        term.focus();
      })
      .catch((e: Error) => setError(e.message));
    const onWindowResize = () => fit.fit();
    window.addEventListener('resize', onWindowResize);
    return () => {
      cancelled = true;
      window.removeEventListener('resize', onWindowResize);
      closeConnection();
      term.dispose();
    };
  }, [discoveryApi, fetchApi, namespace, name]);

  return (
    <div>
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      {mode === 'read-only' && (
        <Typography color="textSecondary">
          Read-only: you can watch this session; what you type is not sent (your
          role in the workspace's team is viewer).
        </Typography>
      )}
      <div
        ref={box}
        style={{ height: 400 }}
        aria-label={`Terminal of ${namespace}/${name}`}
      />
      {ended && <Typography variant="body2">{ended}</Typography>}
    </div>
  );
}

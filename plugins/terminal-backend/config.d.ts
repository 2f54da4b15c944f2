export interface Config {
  butler?: {
    /** The workspace terminal (plugins/terminal-backend) */
    terminal?: {
      /** how long a ticket from POST /api/terminal/tickets may wait for its upgrade (default 30) */
      ticketTtlSeconds?: number;
      /** WebSocket ping interval; two unanswered pings end the session (default 20) */
      keepAliveSeconds?: number;
      /** a session with no frame from the browser for this long is closed (default 900) */
      idleTimeoutSeconds?: number;
      /** the longest a session may last (default 28800, 8 h) */
      maxSessionSeconds?: number;
      /** what runs in the pod (default ["/bin/sh"]) */
      command?: string[];
      /** the container of the workspace pod (default "workspace") */
      container?: string;
    };
  };
}

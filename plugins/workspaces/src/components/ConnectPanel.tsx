/*
 * Connect to a workspace: the SSH config entry to add to ~/.ssh/config, and links that open
 * VS Code Remote-SSH or JetBrains Gateway on it, each with a copy button.
 */
import { CopyTextButton } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useWorkspacesConfig } from '../hooks';
import { connectInfo } from '../lib/connect';

const useStyles = makeStyles(theme => ({
  snippet: {
    fontFamily: 'monospace',
    whiteSpace: 'pre',
    background: theme.palette.background.default,
    padding: theme.spacing(1, 2),
    borderRadius: theme.shape.borderRadius,
    overflowX: 'auto',
    margin: 0,
    // scrolls within the card rather than pushing its copy button to a line of its own
    flex: 1,
    minWidth: 0,
  },
  snippetRow: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
    flexWrap: 'wrap',
  },
}));

export interface ConnectPanelProps {
  namespace: string;
  name: string;
  spec: Record<string, any>;
  /** `status.sshEndpoint` as the runtime reports it */
  sshEndpoint?: string;
}

export function ConnectPanel(props: ConnectPanelProps) {
  const classes = useStyles();
  const { sshUser } = useWorkspacesConfig();
  const info = connectInfo({ ...props, user: sshUser });
  return (
    <section aria-label="Connect">
      <Typography variant="body2" gutterBottom>
        Add this to <code>~/.ssh/config</code>, then{' '}
        <code>ssh {info.alias}</code>
        {info.endpoint ? '' : ' once the workspace is running'}:
      </Typography>
      <div className={classes.snippetRow}>
        <pre className={classes.snippet} aria-label="SSH config">
          {info.sshConfig}
        </pre>
        <CopyButton text={info.sshConfig} what="SSH config" />
      </div>
      <div className={classes.row}>
        <OpenButton
          href={info.vscodeUrl}
          label="Open in VS Code"
          what="VS Code link"
        />
        <OpenButton
          href={info.jetbrainsUrl}
          label="Open in JetBrains Gateway"
          what="JetBrains Gateway link"
        />
      </div>
    </section>
  );
}

function CopyButton(props: { text: string; what: string }) {
  return (
    <CopyTextButton
      text={props.text}
      aria-label={`Copy ${props.what}`}
      tooltipText={`${props.what} copied`}
    />
  );
}

/** A link opening an IDE, and a button copying it (for a browser that does not hand it over). */
function OpenButton(props: { href: string; label: string; what: string }) {
  return (
    <>
      <Button variant="outlined" color="primary" href={props.href}>
        {props.label}
      </Button>
      <CopyButton text={props.href} what={props.what} />
    </>
  );
}

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
      <div className={classes.row}>
        <pre className={classes.snippet} aria-label="SSH config">
          {info.sshConfig}
        </pre>
        <CopyTextButton
          text={info.sshConfig}
          aria-label="Copy SSH config"
          tooltipText="SSH config copied"
        />
      </div>
      <div className={classes.row}>
        <Button variant="outlined" color="primary" href={info.vscodeUrl}>
          Open in VS Code
        </Button>
        <CopyTextButton
          text={info.vscodeUrl}
          aria-label="Copy VS Code link"
          tooltipText="VS Code link copied"
        />
        <Button variant="outlined" color="primary" href={info.jetbrainsUrl}>
          Open in JetBrains Gateway
        </Button>
        <CopyTextButton
          text={info.jetbrainsUrl}
          aria-label="Copy JetBrains Gateway link"
          tooltipText="JetBrains Gateway link copied"
        />
      </div>
    </section>
  );
}

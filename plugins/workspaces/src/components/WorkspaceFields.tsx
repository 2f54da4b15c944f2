/*
 * The Workspace fields that are lists — repositories to clone, SSH public keys — as the create
 * form and the edit dialog both show them, so both look and read the same.
 */
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import type { FieldName, RepositoryRow } from '../lib/workspaceForm';

const useStyles = makeStyles(theme => ({
  repo: { display: 'flex', gap: theme.spacing(2), alignItems: 'flex-start' },
}));

export function RepositoriesField<T extends RepositoryRow>(props: {
  /** prefix of the inputs' ids, one per form on the page */
  idPrefix: string;
  rows: T[];
  /** the rows after an edit, and the field edited (none when a row is added) */
  onChange(rows: T[], field?: FieldName): void;
  /** the problem to show at a field, if any */
  error(field: FieldName): string | undefined;
}) {
  const classes = useStyles();
  const { rows, idPrefix } = props;
  return (
    <>
      {rows.map((repo, i) => {
        const urlField = `repositories.${i}.url` as const;
        const branchField = `repositories.${i}.branch` as const;
        const update = (field: FieldName, patch: Partial<RepositoryRow>) =>
          props.onChange(
            rows.map((r, j) => (j === i ? { ...r, ...patch } : r)),
            field,
          );
        return (
          <div className={classes.repo} key={i}>
            <TextField
              id={`${idPrefix}-repository-${i}-url`}
              label={`Repository ${i + 1} URL`}
              value={repo.url}
              onChange={e => update(urlField, { url: e.target.value })}
              error={!!props.error(urlField)}
              helperText={props.error(urlField)}
              margin="dense"
              variant="outlined"
              style={{ flex: 3, minWidth: 0 }}
            />
            <TextField
              id={`${idPrefix}-repository-${i}-branch`}
              label={`Repository ${i + 1} branch`}
              value={repo.branch}
              onChange={e => update(branchField, { branch: e.target.value })}
              error={!!props.error(branchField)}
              helperText={props.error(branchField)}
              placeholder="main"
              margin="dense"
              variant="outlined"
              // room for its label on one line
              style={{ flex: 1, minWidth: 200 }}
            />
            <IconButton
              aria-label={`Remove repository ${i + 1}`}
              onClick={() =>
                props.onChange(
                  rows.filter((_, j) => j !== i),
                  urlField,
                )
              }
            >
              <DeleteIcon />
            </IconButton>
          </div>
        );
      })}
      <Button
        size="small"
        onClick={() => props.onChange([...rows, { url: '', branch: '' } as T])}
      >
        Add repository
      </Button>
    </>
  );
}

export function SshPublicKeysField(props: {
  id: string;
  /** one public key per line */
  value: string;
  onChange(value: string): void;
  error?: string;
}) {
  return (
    <TextField
      id={props.id}
      label="SSH public keys"
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      error={!!props.error}
      helperText={
        props.error ??
        'One per line: ssh-ed25519, ecdsa-sha2-nistp256/384/521, or ssh-rsa of at least 3072 bits. Public keys only.'
      }
      multiline
      minRows={3}
      fullWidth
      margin="dense"
      variant="outlined"
    />
  );
}

/*
 * A unified diff as a table: old and new line numbers, added lines green, removed lines red.
 * Small on purpose; a YAML file change is a few lines.
 */
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { DiffLine, parseUnifiedDiff } from './parseUnifiedDiff';

const useStyles = makeStyles(theme => ({
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontFamily: 'monospace',
    fontSize: '0.8125rem',
    lineHeight: 1.5,
  },
  number: {
    width: '1%',
    minWidth: '3em',
    padding: theme.spacing(0, 1),
    textAlign: 'right',
    color: theme.palette.text.secondary,
    userSelect: 'none',
    verticalAlign: 'top',
  },
  marker: { width: '1em', userSelect: 'none', verticalAlign: 'top' },
  text: { whiteSpace: 'pre-wrap', wordBreak: 'break-all' },
  add: { backgroundColor: alpha(theme.palette.success.main, 0.15) },
  remove: { backgroundColor: alpha(theme.palette.error.main, 0.15) },
  hunk: {
    backgroundColor: alpha(theme.palette.info.main, 0.1),
    color: theme.palette.text.secondary,
  },
  context: {},
  note: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

const MARKERS: Record<DiffLine['type'], string> = {
  add: '+',
  remove: '-',
  context: ' ',
  hunk: '',
  note: '',
};

export function DiffView({ diff }: { diff: string }) {
  const classes = useStyles();
  const lines = useMemo(() => parseUnifiedDiff(diff), [diff]);
  if (lines.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No textual changes.
      </Typography>
    );
  }
  return (
    <table className={classes.table}>
      <tbody>
        {lines.map((line, index) => (
          <tr
            key={index}
            className={classes[line.type]}
            data-testid={`diff-line-${line.type}`}
          >
            <td className={classes.number}>{line.oldLine}</td>
            <td className={classes.number}>{line.newLine}</td>
            <td className={classes.marker}>{MARKERS[line.type]}</td>
            <td className={classes.text}>{line.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/*
 * Validation issues as a list: severity, line:col, message; a click selects the node or edge
 * the issue concerns.
 */
import {
  issueTarget,
  type PipelineIssue,
} from '@butler-portal/plugin-pipeline-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import ErrorIcon from '@material-ui/icons/Error';
import WarningIcon from '@material-ui/icons/Warning';
import type { Selection } from './PipelineCanvas';

export function selectionOf(issue: PipelineIssue): Selection {
  const t = issueTarget(issue.path);
  if (t.on === 'edge') return { edge: { to: t.id, inputIndex: t.inputIndex } };
  if (t.on === 'component') return { node: t.id };
  return {};
}

export function IssueList(props: {
  issues: readonly PipelineIssue[];
  onSelect?: (selection: Selection) => void;
  label?: string;
}) {
  if (props.issues.length === 0) return null;
  return (
    <List dense aria-label={props.label ?? 'Validation issues'}>
      {props.issues.map((issue, i) => (
        <ListItem
          key={`${issue.path}:${issue.rule}:${i}`}
          button={!!props.onSelect as any}
          onClick={props.onSelect ? () => props.onSelect!(selectionOf(issue)) : undefined}
          data-severity={issue.severity}
        >
          <ListItemIcon style={{ minWidth: 32 }}>
            {issue.severity === 'error' ? (
              <ErrorIcon color="error" fontSize="small" />
            ) : (
              <WarningIcon style={{ color: '#ed6c02' }} fontSize="small" />
            )}
          </ListItemIcon>
          <ListItemText
            primary={issue.message}
            secondary={`${issue.severity} · line ${issue.line ?? '?'}:${issue.column ?? '?'} · ${issue.rule}`}
          />
        </ListItem>
      ))}
    </List>
  );
}

/** "Valid", or how many errors and warnings. */
export function describeIssues(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return 'Valid';
  const parts = [];
  if (errors) parts.push(`${errors} error${errors > 1 ? 's' : ''}`);
  if (warnings) parts.push(`${warnings} warning${warnings > 1 ? 's' : ''}`);
  return parts.join(', ');
}

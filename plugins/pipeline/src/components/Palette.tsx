/*
 * The component types of the pinned Vector version, searchable and filtered by kind: drag one
 * onto the canvas, or press its + button (keyboard) to add it next to what is there.
 */
import {
  componentTypesOf,
  type ComponentKind,
  type ComponentTypeInfo,
} from '@butler-portal/plugin-pipeline-common';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import ListSubheader from '@material-ui/core/ListSubheader';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import { memo, useId, useMemo, useState } from 'react';
import { PALETTE_MIME } from './PipelineCanvas';

const KINDS: ComponentKind[] = ['source', 'transform', 'sink'];
const ALL_TYPES: ComponentTypeInfo[] = KINDS.flatMap(k => componentTypesOf(k));

const useStyles = makeStyles(theme => ({
  root: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1), minWidth: 220 },
  list: { overflowY: 'auto', maxHeight: 520 },
  item: { cursor: 'grab' },
  eventTypes: { fontSize: 11 },
}));

function describeTypes(info: ComponentTypeInfo): string {
  if (info.kind === 'source') return `emits ${info.output.join(', ')}`;
  if (info.kind === 'sink') return `takes ${info.input.join(', ')}`;
  return `${info.input.join(', ')} → ${info.output.join(', ')}`;
}

/** Filters the catalog by a search text (type or title) and a kind. */
export function filterComponentTypes(search: string, kind: ComponentKind | 'all') {
  const q = search.trim().toLowerCase();
  return ALL_TYPES.filter(
    c =>
      (kind === 'all' || c.kind === kind) &&
      (!q || c.type.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)),
  );
}

function PaletteView(props: { onAdd: (kind: ComponentKind, type: string) => void }) {
  const classes = useStyles();
  const id = useId();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<ComponentKind | 'all'>('all');
  const shown = useMemo(() => filterComponentTypes(search, kind), [search, kind]);
  return (
    <div className={classes.root} aria-label="Component palette" role="region">
      <TextField
        id={`${id}-search`}
        label="Search components"
        size="small"
        variant="outlined"
        value={search}
        onChange={e => setSearch(e.target.value)}
      />
      <TextField
        id={`${id}-kind`}
        select
        label="Kind"
        size="small"
        variant="outlined"
        value={kind}
        onChange={e => setKind(e.target.value as ComponentKind | 'all')}
        SelectProps={{ native: true }}
      >
        <option value="all">All kinds</option>
        <option value="source">Sources</option>
        <option value="transform">Transforms</option>
        <option value="sink">Sinks</option>
      </TextField>
      <List dense className={classes.list}>
        {KINDS.map(k => {
          const items = shown.filter(c => c.kind === k);
          if (items.length === 0) return null;
          return (
            <li key={k}>
              <ul style={{ padding: 0 }}>
                <ListSubheader disableSticky>{`${k}s`}</ListSubheader>
                {items.map(c => (
                  <ListItem
                    key={`${c.kind}:${c.type}`}
                    className={classes.item}
                    draggable
                    data-testid={`palette-${c.kind}-${c.type}`}
                    onDragStart={e => {
                      e.dataTransfer.setData(PALETTE_MIME, `${c.kind}:${c.type}`);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                  >
                    <ListItemText
                      primary={c.type}
                      secondary={describeTypes(c)}
                      secondaryTypographyProps={{ className: classes.eventTypes }}
                      title={c.title}
                    />
                    <ListItemSecondaryAction>
                      <IconButton
                        size="small"
                        edge="end"
                        aria-label={`Add ${c.kind} ${c.type}`}
                        onClick={() => props.onAdd(c.kind, c.type)}
                      >
                        <AddIcon fontSize="small" />
                      </IconButton>
                    </ListItemSecondaryAction>
                  </ListItem>
                ))}
              </ul>
            </li>
          );
        })}
        {shown.length === 0 && (
          <ListItem>
            <ListItemText primary="No component type matches" />
          </ListItem>
        )}
      </List>
    </div>
  );
}

export const Palette = memo(PaletteView);

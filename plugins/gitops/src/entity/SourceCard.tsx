/*
 * Overview card of a portal entity: the file it was read from, with links to view and edit it.
 */
import { InfoCard, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { entitySourceOf, shortSha } from './annotations';

function Line({ label, value }: { label: string; value?: string }) {
  return (
    <Typography variant="body2">
      <Typography component="span" variant="body2" color="textSecondary">
        {label}:
      </Typography>{' '}
      {value ?? 'unknown'}
    </Typography>
  );
}

export function SourceCard() {
  const { entity } = useEntity();
  const source = entitySourceOf(entity);
  return (
    <InfoCard title="Source in Git">
      <Line label="Repository" value={source.repository} />
      <Line label="File" value={source.path} />
      <Line
        label="Commit"
        value={source.commit ? shortSha(source.commit) : undefined}
      />
      <Typography variant="body2">
        {source.viewUrl && <Link to={source.viewUrl}>View file</Link>}
        {source.viewUrl && source.editUrl && ' · '}
        {source.editUrl && <Link to={source.editUrl}>Edit file</Link>}
      </Typography>
    </InfoCard>
  );
}

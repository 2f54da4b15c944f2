/*
 * Why live cluster data is missing, said on every page that shows it: no management cluster in
 * the embedded default (with how to connect one), or the reason the cluster does not answer.
 */
import { WarningPanel } from '@backstage/core-components';
import type { ClustersAvailability } from '../api';
import { CONFIGURE_HINT } from '../api';

export function AvailabilityNotice(props: {
  availability?: ClustersAvailability;
}) {
  const a = props.availability;
  if (!a || a.available) {
    const stale = a?.available && !a.status.reachable;
    return stale ? (
      <WarningPanel
        severity="warning"
        title="Live state may be stale"
        message={`The management cluster's watch is down: ${a.status.reason}. The last state read is shown.`}
      />
    ) : null;
  }
  if (!a.configured) {
    return (
      <WarningPanel
        severity="info"
        title="No management cluster is connected"
        message={`${a.reason}. ${CONFIGURE_HINT}`}
      />
    );
  }
  return (
    <WarningPanel
      severity="error"
      title="The management cluster does not answer"
      message={`${a.reason}. Cluster and addon changes still open change requests.`}
    />
  );
}

/*
 * The entity page parts for the portal's kinds (Workspace, WorkspaceTemplate, TenantAddon,
 * Artifact, ArtifactVersion, Pipeline): a GitOps tab and two overview cards.
 */
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isGitopsEntity } from './annotations';

export const gitopsEntityContent = EntityContentBlueprint.make({
  name: 'gitops',
  params: {
    path: 'gitops',
    title: 'GitOps',
    filter: isGitopsEntity,
    loader: () =>
      import('./GitopsEntityContent').then(m => <m.GitopsEntityContent />),
  },
});

export const pendingChangesEntityCard = EntityCardBlueprint.make({
  name: 'pending-changes',
  params: {
    filter: isGitopsEntity,
    loader: () =>
      import('./PendingChangesCard').then(m => <m.PendingChangesCard />),
  },
});

export const sourceEntityCard = EntityCardBlueprint.make({
  name: 'source',
  params: {
    type: 'info',
    filter: isGitopsEntity,
    loader: () => import('./SourceCard').then(m => <m.SourceCard />),
  },
});

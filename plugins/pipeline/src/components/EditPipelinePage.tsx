/*
 * Editing a pipeline: the editor on the file as it is on the default branch; Save opens a
 * change request updating it, based on the revision read (a stale one is refused).
 */
import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { PipelineEditor } from './PipelineEditor';

export function EditPipelinePage() {
  const { namespace = '', name = '' } = useParams();
  const gitopsApi = useApi(gitopsApiRef);
  const resource = useAsync(
    () => gitopsApi.getResource({ kind: 'Pipeline', namespace, name }),
    [gitopsApi, namespace, name],
  );
  return (
    <Page themeId="tool">
      <Header title={`Edit ${namespace}/${name}`} type="Pipeline" />
      <Content>
        {resource.loading && <Progress />}
        {resource.error && <ResponseErrorPanel error={resource.error} />}
        {resource.value && (
          <PipelineEditor
            mode="edit"
            initialText={resource.value.yaml}
            original={resource.value.yaml}
            file={resource.value.path}
            baseRevision={resource.value.revision}
          />
        )}
      </Content>
    </Page>
  );
}

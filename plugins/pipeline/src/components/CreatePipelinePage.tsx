/*
 * A new pipeline: namespace, name and owner first (they make the file's path), then the
 * editor on a fresh file. Save opens a change request adding the file.
 */
import { Content, Header, Page } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { newPipelineText } from '../lib/pipelineText';
import { PipelineEditor } from './PipelineEditor';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dnsLabelError(value: string): string | undefined {
  if (!value) return 'required';
  if (value.length > 63) return 'at most 63 characters';
  if (!DNS_LABEL.test(value)) return 'lower-case letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

export function CreatePipelinePage() {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(() => identityApi.getBackstageIdentity(), [identityApi]);
  const group = identity.value?.ownershipEntityRefs.find(r => r.startsWith('group:'));
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [description, setDescription] = useState('');
  const [started, setStarted] = useState<string>();

  // the user's first team is the likely owner and namespace
  useEffect(() => {
    if (!group) return;
    setOwner(o => o || group);
    setNamespace(n => n || group.split('/').pop()!);
  }, [group]);

  const errors = {
    namespace: dnsLabelError(namespace),
    name: dnsLabelError(name),
    owner: owner ? undefined : 'required',
  };
  const ok = !errors.namespace && !errors.name && !errors.owner;

  return (
    <Page themeId="tool">
      <Header title="Create pipeline" subtitle="Herald: Vector sources, transforms and sinks, reviewed as a change request" />
      <Content>
        {started === undefined ? (
          <Paper variant="outlined" style={{ padding: 16, maxWidth: 560, display: 'flex', flexDirection: 'column', gap: 16 }}>
            <Typography variant="body2">
              The file goes to <code>pipelines/{namespace || '<namespace>'}/{name || '<name>'}.yaml</code>; the name also
              names the rendered Vector components.
            </Typography>
            <TextField id="pipeline-namespace" label="Namespace" required variant="outlined" size="small" value={namespace}
              onChange={e => setNamespace(e.target.value.trim())}
              error={!!namespace && !!errors.namespace} helperText={namespace ? errors.namespace : 'the team namespace'} />
            <TextField id="pipeline-name" label="Name" required variant="outlined" size="small" value={name}
              onChange={e => setName(e.target.value.trim())}
              error={!!name && !!errors.name} helperText={name ? errors.name : 'e.g. app-logs'} />
            <TextField id="pipeline-owner" label="Owner" required variant="outlined" size="small" value={owner}
              onChange={e => setOwner(e.target.value.trim())} helperText="group:default/<team>" />
            <TextField id="pipeline-description" label="Description" variant="outlined" size="small" value={description}
              onChange={e => setDescription(e.target.value)} />
            <Button variant="contained" color="primary" disabled={!ok}
              onClick={() => setStarted(newPipelineText({ namespace, name, owner, description: description.trim() || undefined }))}>
              Start building
            </Button>
          </Paper>
        ) : (
          <PipelineEditor mode="create" initialText={started} original="" />
        )}
      </Content>
    </Page>
  );
}

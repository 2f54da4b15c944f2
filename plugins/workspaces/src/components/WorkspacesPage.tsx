import { Route, Routes } from 'react-router-dom';
import { CreateWorkspacePage } from './CreateWorkspacePage';
import { WorkspaceDetailPage } from './WorkspaceDetailPage';
import { WorkspaceListPage } from './WorkspaceListPage';

/** Everything under `/workspaces`: the list, the create form, and one workspace. */
export function WorkspacesPage() {
  return (
    <Routes>
      <Route path="/" element={<WorkspaceListPage />} />
      <Route path="/create" element={<CreateWorkspacePage />} />
      <Route path="/:namespace/:name" element={<WorkspaceDetailPage />} />
    </Routes>
  );
}

import { Route, Routes } from 'react-router-dom';
import { AddonsPage } from './AddonsPage';
import { ClusterPage } from './ClusterPage';
import { ClustersDashboard } from './ClustersDashboard';
import { CreateClusterPage } from './CreateClusterPage';
import { TeamsPage } from './TeamsPage';

/** Everything under `/butler`: the dashboard, create, addons, teams, and one cluster. */
export function ButlerPage() {
  return (
    <Routes>
      <Route path="/" element={<ClustersDashboard />} />
      <Route path="/create" element={<CreateClusterPage />} />
      <Route path="/addons" element={<AddonsPage />} />
      <Route path="/teams" element={<TeamsPage />} />
      <Route path="/:namespace/:name" element={<ClusterPage />} />
    </Routes>
  );
}

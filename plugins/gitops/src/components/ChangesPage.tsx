import { Route, Routes } from 'react-router-dom';
import { ChangeDetailPage } from './ChangeDetailPage';
import { ChangeListPage } from './ChangeListPage';

/** Everything under `/changes`: the list, and one change at `/changes/:id`. */
export function ChangesPage() {
  return (
    <Routes>
      <Route path="/" element={<ChangeListPage />} />
      <Route path="/:id" element={<ChangeDetailPage />} />
    </Routes>
  );
}

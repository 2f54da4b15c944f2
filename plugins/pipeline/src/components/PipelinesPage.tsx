import { Route, Routes } from 'react-router-dom';
import { CreatePipelinePage } from './CreatePipelinePage';
import { EditPipelinePage } from './EditPipelinePage';
import { PipelineDetailPage } from './PipelineDetailPage';
import { PipelineListPage } from './PipelineListPage';

/** Everything under `/pipelines`: the list, create, one pipeline, its editor. */
export function PipelinesPage() {
  return (
    <Routes>
      <Route path="/" element={<PipelineListPage />} />
      <Route path="/create" element={<CreatePipelinePage />} />
      <Route path="/:namespace/:name" element={<PipelineDetailPage />} />
      <Route path="/:namespace/:name/edit" element={<EditPipelinePage />} />
    </Routes>
  );
}

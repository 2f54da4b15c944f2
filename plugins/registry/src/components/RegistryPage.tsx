import { Route, Routes } from 'react-router-dom';
import { ArtifactListPage } from './ArtifactListPage';
import { ArtifactPage } from './ArtifactPage';
import { TokensPage } from './TokensPage';

/** Everything under `/registry`: the list, the tokens, and one artifact. */
export function RegistryPage() {
  return (
    <Routes>
      <Route path="/" element={<ArtifactListPage />} />
      <Route path="/tokens" element={<TokensPage />} />
      <Route path="/:namespace/:name" element={<ArtifactPage />} />
    </Routes>
  );
}

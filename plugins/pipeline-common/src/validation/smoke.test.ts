import fs from 'node:fs';
import { validatePipeline } from './validatePipeline';

it('smoke', () => {
  const text = fs.readFileSync(
    `${__dirname}/../../../../repo-layouts/pipelines/pipelines/team-a/app-logs.yaml`,
    'utf8',
  );
  console.log(JSON.stringify(validatePipeline(text), null, 1).slice(0, 3000));
  const bad = text.replace('type: loki', 'type: prometheus_remote_write').replace("endpoint: http://loki.observability.svc:3100", 'endpoint: http://x\n        token: abc');
  console.log(JSON.stringify(validatePipeline(bad), null, 1).slice(0, 6000));
});

import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleButler } from './module';

describe('scaffolderModuleButler', () => {
  it('adds the Butler actions to the scaffolder', async () => {
    const addActions = jest.fn();

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleButler,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });

    const ids = addActions.mock.calls.flat().map(action => action.id);
    expect(ids).toEqual([
      'butler:gitops:change',
      'butler:workspace:create',
      'butler:pipeline:create',
      'butler:registry:publish',
      'butler:layout:fetch',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect({ id: action.id, dryRun: action.supportsDryRun }).toEqual({
        id: action.id,
        dryRun: true,
      });
    }
  });
});

import type { JsonObject } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { readButlerConfig } from './readButlerConfig';
import { thrownBy } from '@butler-portal/plugin-gitops-common/testUtils';

describe('readButlerConfig', () => {
  it('is not configured without butler.managementCluster', () => {
    expect(readButlerConfig(new ConfigReader({}))).toEqual({});
    expect(readButlerConfig(new ConfigReader({ butler: {} }))).toEqual({});
  });

  it('reads a kubeconfig file (resolved against the working directory) and a context', () => {
    expect(
      readButlerConfig(
        new ConfigReader({
          butler: {
            managementCluster: {
              kubeconfigPath: 'conf/kubeconfig.yaml',
              context: 'mgmt',
            },
          },
        }),
        { workingDirectory: '/srv/portal' },
      ),
    ).toEqual({
      managementCluster: {
        kubeconfigPath: '/srv/portal/conf/kubeconfig.yaml',
        context: 'mgmt',
      },
    });
  });

  it('reads in-cluster, and an empty section as the default kubeconfig', () => {
    expect(
      readButlerConfig(
        new ConfigReader({
          butler: { managementCluster: { inCluster: true } },
        }),
      ),
    ).toEqual({ managementCluster: { inCluster: true } });
    expect(
      readButlerConfig(new ConfigReader({ butler: { managementCluster: {} } })),
    ).toEqual({ managementCluster: {} });
  });

  it('names the key of each mistake', () => {
    const read = (managementCluster: JsonObject) => () =>
      readButlerConfig(new ConfigReader({ butler: { managementCluster } }));
    expect(thrownBy(read({ kubeconfig: '/x' }))).toMatchObject({
      name: 'ButlerConfigError',
      message:
        'butler.managementCluster.kubeconfig: is not a setting of the management cluster (allowed: kubeconfigPath, context, inCluster)',
    });
    expect(
      thrownBy(read({ inCluster: true, kubeconfigPath: '/x' }))?.message,
    ).toBe(
      'butler.managementCluster.inCluster: cannot be combined with kubeconfigPath; choose one',
    );
    expect(thrownBy(read({ inCluster: 'maybe' }))?.message).toMatch(
      /^butler\.managementCluster\.inCluster: .*inCluster/,
    );
    expect(thrownBy(read({ kubeconfigPath: ' ' }))?.message).toBe(
      'butler.managementCluster.kubeconfigPath: must not be empty (leave it out for the default kubeconfig)',
    );
  });
});

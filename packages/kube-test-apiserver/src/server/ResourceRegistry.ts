/*
 * The resources the server serves: the built-in kinds, plus one per installed CRD. Also the
 * discovery documents built from them (/api, /apis, /apis/<group>/<version>), which is how
 * @kubernetes/client-node's KubernetesObjectApi maps a kind to its URL.
 */
import { BUILTIN_RESOURCES } from '../resources/builtinResources';
import { resourceTypeFromCrd } from '../resources/customResources';
import { ResourceType, storageKey } from '../resources/ResourceType';

const VERBS_COLLECTION = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();
  /** CRD name -> storage key of the resource it defines */
  private readonly byCrd = new Map<string, string>();

  constructor() {
    for (const type of BUILTIN_RESOURCES)
      this.types.set(storageKey(type), type);
  }

  /** Serves (or re-serves, after an update) the resource of a CRD. */
  installCrd(crd: Record<string, any>): ResourceType {
    const type = resourceTypeFromCrd(crd);
    const key = storageKey(type);
    this.types.set(key, type);
    this.byCrd.set(crd.metadata.name, key);
    return type;
  }

  /** Stops serving a CRD's resource; returns it so its objects can be removed. */
  removeCrd(crdName: string): ResourceType | undefined {
    const key = this.byCrd.get(crdName);
    if (!key) return undefined;
    const type = this.types.get(key);
    this.types.delete(key);
    this.byCrd.delete(crdName);
    return type;
  }

  find(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    const type = this.types.get(`${group}/${plural}`);
    if (!type || !type.versions.some(v => v.name === version)) return undefined;
    return type;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** served group -> versions (preferred first), for /apis */
  private groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.types.values()) {
      if (!type.group) continue;
      const versions = groups.get(type.group) ?? [];
      for (const v of type.versions) {
        if (!versions.includes(v.name)) versions.push(v.name);
      }
      groups.set(type.group, versions);
    }
    return groups;
  }

  apiVersions(serverAddress: string): object {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  private groupDocument(group: string, versions: string[]): object {
    const entries = versions.map(v => ({
      groupVersion: `${group}/${v}`,
      version: v,
    }));
    return {
      name: group,
      versions: entries,
      preferredVersion: entries[0],
    };
  }

  apiGroupList(): object {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...this.groups()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([group, versions]) => this.groupDocument(group, versions)),
    };
  }

  apiGroup(group: string): object | undefined {
    const versions = this.groups().get(group);
    if (!versions) return undefined;
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...this.groupDocument(group, versions),
    };
  }

  /** /api/v1 or /apis/<group>/<version>: the resources and subresources served there. */
  apiResourceList(group: string, version: string): object | undefined {
    const types = this.all().filter(
      t => t.group === group && t.versions.some(v => v.name === version),
    );
    if (types.length === 0 && group !== '') return undefined;
    const resources: object[] = [];
    for (const t of types.sort((a, b) => a.plural.localeCompare(b.plural))) {
      resources.push({
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS_COLLECTION,
        ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
        storageVersionHash: Buffer.from(`${t.group}/${t.plural}`)
          .toString('base64')
          .slice(0, 11),
      });
      if (t.versions.find(v => v.name === version)?.statusSubresource) {
        resources.push({
          name: `${t.plural}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        });
      }
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources,
    };
  }
}

// Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>[/<version>] (legacy,
// non-aggregated JSON, which kubectl and client-node accept).
import type { KubeRecord } from './fields.js';
import type { ResourceType } from './resources.js';

export function discoveryDocument(
  path: string,
  types: readonly ResourceType[],
  serverAddress: string,
): KubeRecord | undefined {
  if (path === '/version') {
    return {
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0-elwosa-test',
      gitCommit: 'test',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.23',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (path === '/api')
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  if (path === '/apis') {
    const groups = new Map<string, string[]>();
    for (const t of types)
      if (t.group) groups.set(t.group, [...new Set([...(groups.get(t.group) ?? []), t.version])]);
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => apiGroup(name, versions)),
    };
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
  if (!m) return undefined;
  if (m[1])
    return resourceList(
      'v1',
      types.filter((t) => t.group === ''),
    );
  const group = m[2] as string;
  const inGroup = types.filter((t) => t.group === group);
  if (inGroup.length === 0) return undefined;
  if (!m[3])
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...apiGroup(group, [...new Set(inGroup.map((t) => t.version))]),
    };
  const inVersion = inGroup.filter((t) => t.version === m[3]);
  return inVersion.length > 0 ? resourceList(`${group}/${m[3]}`, inVersion) : undefined;
}

function apiGroup(name: string, versions: string[]) {
  const sorted = [...versions].sort().reverse();
  return {
    name,
    versions: sorted.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${sorted[0]}`, version: sorted[0] },
  };
}

function resourceList(gv: string, types: ResourceType[]) {
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: types.flatMap((t) => [
      {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
      },
      ...(t.statusSubresource
        ? [
            {
              name: `${t.plural}/status`,
              singularName: '',
              namespaced: t.namespaced,
              kind: t.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

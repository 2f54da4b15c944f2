/*
 * What `app.packages: all` gives the running app: the build (backstage-cli) finds every
 * dependency of packages/app whose role is frontend-plugin or frontend-plugin-module and hands the
 * app the default export of the package and of its ./alpha entry point, through
 * window['__@backstage/discovered__']. Jest runs no such build, so this does the same from
 * package.json: a plugin added to the app's dependencies is in the test without editing it.
 */
import appPackageJson from '../../package.json';

const DISCOVERED_GLOBAL = '__@backstage/discovered__';
const FEATURE_ROLES = ['frontend-plugin', 'frontend-plugin-module'];

export interface DiscoveredModule {
  name: string;
  export?: string;
  default: unknown;
}

/** The import specifiers the build would discover, in dependency order. */
export function discoverablePackages(): Array<{
  name: string;
  export?: string;
  import: string;
}> {
  return Object.keys(appPackageJson.dependencies).flatMap(name => {
    const pkg = require(`${name}/package.json`) as {
      backstage?: { role?: string };
      exports?: Record<string, unknown>;
    };
    if (!FEATURE_ROLES.includes(pkg.backstage?.role ?? '')) return [];
    const alpha =
      pkg.exports && typeof pkg.exports === 'object' && './alpha' in pkg.exports
        ? [{ name, export: './alpha', import: `${name}/alpha` }]
        : [];
    return [{ name, import: name }, ...alpha];
  });
}

/** Loads the discoverable packages and publishes them where createApp looks for them. */
export async function installDiscoveredFeatures(): Promise<DiscoveredModule[]> {
  const modules = await Promise.all(
    discoverablePackages().map(async p => ({
      name: p.name,
      export: p.export,
      default: (await import(p.import)).default,
    })),
  );
  (window as unknown as Record<string, unknown>)[DISCOVERED_GLOBAL] = {
    modules,
  };
  return modules;
}

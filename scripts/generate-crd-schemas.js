#!/usr/bin/env node
/*
 * Generates the JSON Schemas of the Butler kinds (Workspace, WorkspaceTemplate, TenantAddon,
 * TenantCluster) from the real Butler CRDs, so that the files in Git are checked against exactly what the
 * management cluster will accept.
 *
 *   node scripts/generate-crd-schemas.js           write schemas/<kind>.schema.json
 *   node scripts/generate-crd-schemas.js --check   exit 1 if a committed file differs
 *
 * CRDs are read from vendor/butler-crds (see vendor/README.md), or from
 * $BUTLER_CRDS_DIR. The output is committed; plugins/gitops-common/src/schemas/crdParity.test.ts
 * regenerates it in memory and fails when the committed files are stale.
 *
 * It is also a module: the tests reuse the metadata/owner rules below so that the hand-written
 * schemas (artifact, artifactversion, pipeline) cannot drift from the generated ones.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const REPO_ROOT = path.resolve(__dirname, '..');
const SCHEMAS_DIR = path.join(REPO_ROOT, 'schemas');
const DEFAULT_CRDS_DIR = path.resolve(REPO_ROOT, 'vendor', 'butler-crds');

/** The butler-api commit the CRDs in vendor/butler-crds come from (see vendor/README.md). */
const BUTLER_API_COMMIT = '0941080';
const SCHEMA_ID_BASE = 'https://butlerlabs.dev/schemas/gitops/';
const OWNER_ANNOTATION = 'portal.butlerlabs.dev/owner';

// ---------------------------------------------------------------------------------------------
// Name rules shared by every kind. Names become file names, Kubernetes names and Backstage
// entity names, so the strictest of the three applies: Backstage caps entity names at 63.

const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_SUBDOMAIN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
// Kubernetes qualified name (label and annotation keys): optional DNS-subdomain prefix of at
// most 253 characters, then a name of at most 63.
const QUALIFIED_NAME =
  '^((?=[a-z0-9.-]{1,253}/)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
// Backstage entity ref of an owner: [kind:][namespace/]name, kind being a group or a user.
const OWNER_REF =
  '^((group|user|Group|User):)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';

/**
 * Schema of metadata.name.
 * @param {{ dnsLabel: boolean, maxLength: number, why: string }} rule
 */
function nameSchema(rule) {
  return {
    description: `${
      rule.dnsLabel
        ? 'DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)'
        : 'DNS-1123 subdomain (DNS-1123 labels joined by ".")'
    }, at most ${rule.maxLength} characters. ${rule.why}`,
    type: 'string',
    minLength: 1,
    maxLength: rule.maxLength,
    pattern: rule.dnsLabel ? DNS1123_LABEL : DNS1123_SUBDOMAIN,
  };
}

/** Schema of an owner given as a Backstage entity ref. */
function ownerRefSchema(description) {
  return {
    description,
    type: 'string',
    minLength: 1,
    maxLength: 140,
    pattern: OWNER_REF,
    examples: [
      'group:default/platform-team',
      'user:default/jane.doe',
      'platform-team',
    ],
  };
}

/**
 * Schema of metadata for every kind. Only the fields that make sense in Git: the server
 * owns uid, resourceVersion, generation, creationTimestamp, managedFields, finalizers and
 * ownerReferences; generateName cannot work because a file needs a fixed name.
 * @param {{ dnsLabel: boolean, maxLength: number, why: string }} rule
 */
function metadataSchema(rule) {
  return {
    description:
      'Kubernetes-style object metadata, restricted to what belongs in Git. The file lives at <folder>/<namespace>/<name>.yaml.',
    type: 'object',
    required: ['name', 'namespace'],
    properties: {
      name: nameSchema(rule),
      namespace: {
        description:
          'Namespace (the team namespace on the management cluster): DNS-1123 label, at most 63 characters.',
        type: 'string',
        minLength: 1,
        maxLength: 63,
        pattern: DNS1123_LABEL,
      },
      labels: {
        description:
          'Kubernetes labels: keys are qualified names ([prefix/]name), values at most 63 characters of letters, digits, "-", "_" and ".".',
        type: 'object',
        propertyNames: {
          type: 'string',
          maxLength: 317,
          pattern: QUALIFIED_NAME,
        },
        additionalProperties: {
          type: 'string',
          maxLength: 63,
          pattern: LABEL_VALUE,
        },
      },
      annotations: {
        description:
          'Kubernetes annotations: keys are qualified names ([prefix/]name), values strings.',
        type: 'object',
        propertyNames: {
          type: 'string',
          maxLength: 317,
          pattern: QUALIFIED_NAME,
        },
        properties: {
          [OWNER_ANNOTATION]: ownerRefSchema(
            'Owning team (or user) as a Backstage entity ref, e.g. group:default/platform-team. Used by Butler kinds, whose CRDs have no team owner field; portal-defined kinds use spec.owner.',
          ),
        },
        additionalProperties: { type: 'string', maxLength: 262144 },
      },
    },
    additionalProperties: false,
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAPI v3 (Kubernetes structural schema) -> JSON Schema draft-07.

/** Keywords this converter translates; anything else fails loudly instead of being dropped. */
const OPENAPI_KEYWORDS = new Set([
  'description',
  'type',
  'format',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
  'example',
  'title',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'anyOf',
  'allOf',
  'oneOf',
  'not',
  'nullable',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

/**
 * Translates one OpenAPI schema node. Kubernetes semantics are kept:
 * - an object rejects fields it does not declare (server-side apply with strict field
 *   validation refuses them), unless x-kubernetes-preserve-unknown-fields;
 * - x-kubernetes-int-or-string accepts an integer or a string; its pattern applies to the string;
 * - nullable adds null;
 * - x-kubernetes-list-type: set means unique items.
 * x-kubernetes-list-map-keys and x-kubernetes-map-type only describe merge behaviour and are
 * not validation. CEL rules (x-kubernetes-validations) cannot be expressed and are refused.
 * @param {any} node
 * @param {string} at JSON Pointer of the node, for error messages
 * @returns {any}
 */
function convertOpenApiSchema(node, at) {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new Error(`${at}: expected an OpenAPI schema object`);
  }
  for (const key of Object.keys(node)) {
    if (!OPENAPI_KEYWORDS.has(key)) {
      throw new Error(
        `${at}: OpenAPI keyword "${key}" is not translated by generate-crd-schemas.js; extend the converter rather than lose the rule`,
      );
    }
  }
  if (node.nullable === true) {
    const { nullable, description, ...rest } = node;
    const inner = convertOpenApiSchema(rest, at);
    return {
      ...(description !== undefined ? { description } : {}),
      anyOf: [inner, { type: 'null' }],
    };
  }

  const out = {};
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (node.title !== undefined) out.title = node.title;
  if (node.description !== undefined) out.description = node.description;
  if (intOrString) {
    if (node.type !== undefined) {
      throw new Error(
        `${at}: x-kubernetes-int-or-string must not declare a type`,
      );
    }
    out.anyOf = [
      { type: 'integer' },
      {
        type: 'string',
        ...(node.pattern !== undefined ? { pattern: node.pattern } : {}),
      },
    ];
  } else if (node.type !== undefined) {
    out.type = node.type;
  }
  if (node.enum !== undefined) out.enum = node.enum;
  if (node.format !== undefined) out.format = node.format;
  if (node.pattern !== undefined && !intOrString) out.pattern = node.pattern;
  for (const key of [
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'multipleOf',
    'minItems',
    'maxItems',
    'uniqueItems',
    'minProperties',
    'maxProperties',
  ]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  // OpenAPI 3.0 exclusive bounds are booleans next to minimum/maximum; draft-07 wants numbers.
  if (node.exclusiveMinimum === true) {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  }
  if (node.exclusiveMaximum === true) {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (node.default !== undefined) out.default = node.default;
  if (node.example !== undefined) out.examples = [node.example];

  if (node.properties !== undefined) {
    out.properties = {};
    for (const [key, child] of Object.entries(node.properties)) {
      out.properties[key] = convertOpenApiSchema(
        child,
        `${at}/properties/${key}`,
      );
    }
  }
  if (node.required !== undefined) out.required = node.required;
  if (node.items !== undefined) {
    out.items = convertOpenApiSchema(node.items, `${at}/items`);
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    out.additionalProperties = true;
  } else if (typeof node.additionalProperties === 'object') {
    out.additionalProperties = convertOpenApiSchema(
      node.additionalProperties,
      `${at}/additionalProperties`,
    );
  } else if (node.additionalProperties === true) {
    out.additionalProperties = true;
  } else if (node.type === 'object' || node.properties !== undefined) {
    out.additionalProperties = false;
  }
  for (const key of ['anyOf', 'allOf', 'oneOf']) {
    if (node[key] !== undefined && !intOrString) {
      out[key] = node[key].map(
        (/** @type {any} */ s, /** @type {number} */ i) =>
          convertOpenApiSchema(s, `${at}/${key}/${i}`),
      );
    }
  }
  if (node.not !== undefined)
    out.not = convertOpenApiSchema(node.not, `${at}/not`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Butler kinds. Must agree with KINDS in plugins/gitops-common/src/kinds/kinds.ts (the
// parity test checks it).

/**
 * Finds the node at a path of property names inside a converted schema, or throws: an overlay
 * whose field vanished upstream must be noticed, not skipped.
 */
function propertyAt(schema, names, kind) {
  let node = schema;
  for (const name of names) {
    node = (node.items || node).properties?.[name];
    if (!node) {
      throw new Error(
        `${kind}: the CRD no longer has spec field ${names.join('.')}`,
      );
    }
  }
  return node;
}

// Values the workspace controller pastes into shell scripts (git clone --branch <branch> <url>
// <dir>, echo '<archive>' | base64 -d) or parses with resource.MustParse / time.ParseDuration.
// The CRD accepts any string; these patterns keep a merged file from breaking or hijacking the
// controller's scripts.
const PORTAL_PATTERNS = {
  gitUrl:
    '^(https?://|ssh://|git://|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)[^\\s\'"`$;&|<>\\\\(){}]+$',
  gitRef: '^(?!.*(\\.\\.|//))[A-Za-z0-9_]([A-Za-z0-9._/+-]*[A-Za-z0-9_+-])?$',
  directoryName: '^(?!\\.\\.?$)[A-Za-z0-9._-]+$',
  base64: '^[A-Za-z0-9+/=\\s]*$',
  goDuration:
    '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$',
};

const GIT_URL_RULE =
  'an http(s), ssh, git or scp-style Git URL without spaces or shell metacharacters.';

/** Adds a portal pattern to a CRD string field that has none. */
function restrict(node, pattern, why) {
  if (node.type !== 'string' || node.pattern !== undefined) {
    throw new Error(
      `cannot add a portal pattern to ${JSON.stringify(node.description)}`,
    );
  }
  node.pattern = pattern;
  node.description = `${node.description ?? ''}\nButler Portal: ${why}`.trim();
}

/** The portal rules for the workspace fields shared by Workspace.spec and WorkspaceTemplate.spec.template. */
function restrictWorkspaceFields(spec, kind, quantityPattern) {
  for (const repo of ['repository', 'repositories']) {
    restrict(
      propertyAt(spec, [repo, 'url'], kind),
      PORTAL_PATTERNS.gitUrl,
      GIT_URL_RULE,
    );
    restrict(
      propertyAt(spec, [repo, 'branch'], kind),
      PORTAL_PATTERNS.gitRef,
      'a Git branch name (letters, digits, ".", "_", "/", "+", "-"; no "..").',
    );
    restrict(
      propertyAt(spec, [repo, 'name'], kind),
      PORTAL_PATTERNS.directoryName,
      'a single directory name (no "/", not "." or "..").',
    );
  }
  restrict(
    propertyAt(spec, ['dotfiles', 'url'], kind),
    PORTAL_PATTERNS.gitUrl,
    GIT_URL_RULE,
  );
  for (const field of ['cpu', 'memory']) {
    restrict(
      propertyAt(spec, ['resources', field], kind),
      quantityPattern,
      'a Kubernetes quantity (e.g. "2", "500m", "4Gi"); the controller parses it with resource.MustParse.',
    );
  }
}

/** The CRD's own pattern for a Kubernetes quantity, read from an int-or-string quantity field. */
function quantityPatternOf(node) {
  const pattern = node.anyOf?.find(s => s.type === 'string')?.pattern;
  if (!pattern)
    throw new Error('storageSize no longer carries the quantity pattern');
  return pattern;
}

const BUTLER_KINDS = [
  {
    kind: 'Workspace',
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    plural: 'workspaces',
    crdName: 'workspaces.butler.butlerlabs.dev',
    schemaFile: 'workspace.schema.json',
    name: {
      dnsLabel: true,
      maxLength: 56,
      why: 'The workspace controller creates the Service "ws-<name>-ssh" in the tenant cluster (a DNS-1035 label of at most 63 characters) and labels pods with the name, so dots are not allowed and 63 - len("ws-" + "-ssh") = 56.',
    },
    overlay(spec) {
      restrictWorkspaceFields(
        spec,
        'Workspace',
        quantityPatternOf(propertyAt(spec, ['storageSize'], 'Workspace')),
      );
      restrict(
        propertyAt(spec, ['editorConfig', 'neovimConfigRepo'], 'Workspace'),
        PORTAL_PATTERNS.gitUrl,
        GIT_URL_RULE,
      );
      restrict(
        propertyAt(spec, ['editorConfig', 'neovimConfigArchive'], 'Workspace'),
        PORTAL_PATTERNS.base64,
        'base64 text only.',
      );
      for (const field of ['autoStopAfter', 'idleTimeout']) {
        restrict(
          propertyAt(spec, [field], 'Workspace'),
          PORTAL_PATTERNS.goDuration,
          'a Go duration (e.g. "8h", "90m", "1h30m", "0"); anything else fails to decode in the controller.',
        );
      }
      const owner = propertyAt(spec, ['owner'], 'Workspace');
      owner.format = 'email';
      owner.description +=
        '\nButler Portal: the email of the owning user (mapped to the catalog User entity). A team owner goes in the annotation portal.butlerlabs.dev/owner as an entity ref.';
    },
  },
  {
    kind: 'WorkspaceTemplate',
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    plural: 'workspacetemplates',
    crdName: 'workspacetemplates.butler.butlerlabs.dev',
    schemaFile: 'workspacetemplate.schema.json',
    name: {
      dnsLabel: true,
      maxLength: 63,
      why: 'Templates are data-only (no controller derives names from them), so the portal-wide rule applies: a label, like the file name it becomes, and at most 63 characters like a Backstage entity name.',
    },
    overlay(spec) {
      const template = propertyAt(spec, ['template'], 'WorkspaceTemplate');
      restrictWorkspaceFields(
        template,
        'WorkspaceTemplate',
        quantityPatternOf(
          propertyAt(template, ['storageSize'], 'WorkspaceTemplate'),
        ),
      );
    },
  },
  {
    kind: 'TenantAddon',
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    plural: 'tenantaddons',
    crdName: 'tenantaddons.butler.butlerlabs.dev',
    schemaFile: 'tenantaddon.schema.json',
    name: {
      dnsLabel: true,
      maxLength: 53,
      why: 'The addon controller uses the name as the default Helm release name (at most 53 characters) and, when uninstalling, as the fallback namespace (a DNS-1123 label).',
    },
    overlay(spec) {
      propertyAt(spec, ['addon'], 'TenantAddon');
      propertyAt(spec, ['helm'], 'TenantAddon');
      // The CRD documents addon and helm as mutually exclusive without enforcing it; the
      // controller cannot install an addon that has neither.
      // (The local `properties` entries keep ajv's strictRequired mode satisfied.)
      spec.if = { properties: { helm: true }, required: ['helm'] };
      spec.then = {
        description:
          'helm is set, so addon must not be: they are mutually exclusive.',
        properties: { addon: false },
      };
      spec.else = {
        description:
          'helm is not set, so addon must name the Butler addon to install.',
        properties: { addon: true },
        required: ['addon'],
      };
    },
  },
  {
    kind: 'TenantCluster',
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    plural: 'tenantclusters',
    crdName: 'tenantclusters.butler.butlerlabs.dev',
    schemaFile: 'tenantcluster.schema.json',
    name: {
      dnsLabel: true,
      maxLength: 63,
      why: 'The cluster controller names the Cluster API Cluster, its tenant namespace and its machines after it and labels them with it, so it must be a DNS-1123 label (no dots), at most 63 characters.',
    },
    overlay(spec) {
      // The GitOps repository URL ends up in a Flux GitRepository or an Argo CD Application,
      // not in a shell; the CRD's own rules (kubernetesVersion pattern, enums, bounds) are
      // all the portal needs. Checked here so a renamed field is noticed.
      propertyAt(spec, ['kubernetesVersion'], 'TenantCluster');
      propertyAt(spec, ['workers', 'replicas'], 'TenantCluster');
    },
  },
];

/** Reads the CRD document of a kind from a directory of controller-gen output. */
function readCrd(crdsDir, kindDef) {
  const group = kindDef.apiVersion.split('/')[0];
  const file = path.join(crdsDir, `${group}_${kindDef.plural}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(
      `CRD file ${file} not found; set BUTLER_CRDS_DIR to the folder holding the butler-api CRDs`,
    );
  }
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
    }
  }
  const crd = docs
    .map(d => d.toJS())
    .find(
      d =>
        d &&
        d.kind === 'CustomResourceDefinition' &&
        d.metadata?.name === kindDef.crdName,
    );
  if (!crd)
    throw new Error(
      `${file}: no CustomResourceDefinition named ${kindDef.crdName}`,
    );
  return { file, crd };
}

/** The openAPIV3Schema of the CRD version that matches the kind's apiVersion. */
function crdVersionSchema(crd, kindDef) {
  const [group, version] = kindDef.apiVersion.split('/');
  if (crd.spec.group !== group || crd.spec.names.kind !== kindDef.kind) {
    throw new Error(
      `${kindDef.crdName}: group/kind do not match ${kindDef.apiVersion} ${kindDef.kind}`,
    );
  }
  const v = crd.spec.versions.find(x => x.name === version);
  if (!v || !v.served)
    throw new Error(`${kindDef.crdName}: version ${version} is not served`);
  return v.schema.openAPIV3Schema;
}

/** Builds the JSON Schema of one Butler kind from its CRD. */
function buildKindSchema(kindDef, crd) {
  const root = crdVersionSchema(crd, kindDef);
  const props = root.properties || {};
  const unexpected = Object.keys(props).filter(
    k => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k),
  );
  if (unexpected.length) {
    throw new Error(
      `${kindDef.crdName}: unexpected top-level fields ${unexpected.join(
        ', ',
      )}`,
    );
  }
  const spec = convertOpenApiSchema(props.spec, '/spec');
  kindDef.overlay(spec);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}${kindDef.schemaFile}`,
    $comment: `Generated from butler-api CRD ${kindDef.crdName} (${kindDef.apiVersion}), commit ${BUTLER_API_COMMIT}, by scripts/generate-crd-schemas.js; do not edit.`,
    title: `${kindDef.kind} (${kindDef.apiVersion})`,
    description: `${root.description}\n\nButler Portal: the object as stored in Git and applied to the management cluster, without status. Fields the CRD does not declare are rejected, as server-side apply would.`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: {
        description: props.apiVersion.description,
        type: 'string',
        const: kindDef.apiVersion,
      },
      kind: {
        description: props.kind.description,
        type: 'string',
        const: kindDef.kind,
      },
      metadata: metadataSchema(kindDef.name),
      spec,
    },
    additionalProperties: false,
  };
}

/** Serialises a schema the way the committed files are formatted (prettier, as the repo). */
function formatSchema(schema) {
  // prettier is a root devDependency; formatting here keeps `prettier --write .` a no-op.
  const prettier = require('prettier');
  return prettier.format(JSON.stringify(schema), { parser: 'json' });
}

/**
 * Generates every Butler kind's schema file.
 * @param {string} [crdsDir]
 * @returns {Map<string, string>} schema file name -> file content
 */
function generateSchemas(
  crdsDir = process.env.BUTLER_CRDS_DIR || DEFAULT_CRDS_DIR,
) {
  const files = new Map();
  for (const kindDef of BUTLER_KINDS) {
    const { crd } = readCrd(crdsDir, kindDef);
    files.set(kindDef.schemaFile, formatSchema(buildKindSchema(kindDef, crd)));
  }
  return files;
}

function main(argv) {
  const check = argv.includes('--check');
  const files = generateSchemas();
  let stale = 0;
  for (const [name, content] of files) {
    const target = path.join(SCHEMAS_DIR, name);
    const current = fs.existsSync(target)
      ? fs.readFileSync(target, 'utf8')
      : undefined;
    if (current === content) continue;
    if (check) {
      stale++;
      process.stderr.write(
        `schemas/${name} is stale; run node scripts/generate-crd-schemas.js\n`,
      );
    } else {
      // Write beside and rename, so a reader never sees half a schema.
      fs.writeFileSync(`${target}.tmp`, content);
      fs.renameSync(`${target}.tmp`, target);
      process.stdout.write(`wrote schemas/${name}\n`);
    }
  }
  if (stale) process.exit(1);
}

module.exports = {
  BUTLER_API_COMMIT,
  BUTLER_KINDS,
  DEFAULT_CRDS_DIR,
  OWNER_ANNOTATION,
  PORTAL_PATTERNS,
  SCHEMAS_DIR,
  buildKindSchema,
  convertOpenApiSchema,
  crdVersionSchema,
  formatSchema,
  generateSchemas,
  metadataSchema,
  ownerRefSchema,
  readCrd,
};

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`generate-crd-schemas: ${e.message}\n`);
    process.exit(1);
  }
}

#!/usr/bin/env node
/*
 * Generates src/catalog/vectorCatalog.generated.json, the Vector component catalog Herald uses,
 * from the two vendored Vector files (see vendor/README.md):
 *
 *   vendor/vector/components.json          kind, event types in/out, named outputs, required options
 *   vendor/vector/vector-config.schema.json the JSON Schema of every component's options
 *
 * Only the component types listed in components.json are kept (the ones the Pipeline kind
 * allows), with the definitions their option schemas reach, each definition once: the browser
 * bundle carries a few hundred KiB instead of Vector's whole 1.5 MB schema.
 *
 * Usage: node scripts/generate-catalog.js            write the catalog
 *        node scripts/generate-catalog.js --check    exit 1 when the committed catalog is stale
 *
 * Plain Node, no dependencies: it runs before anything is built.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_ROOT = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(PACKAGE_ROOT, '..', '..');
const VENDOR = path.join(REPO_ROOT, 'vendor');
const OUTPUT = path.join(
  PACKAGE_ROOT,
  'src',
  'catalog',
  'vectorCatalog.generated.json',
);

const KINDS = {
  sources: {
    kind: 'source',
    union: 'vector::sources::Sources',
    outer: 'vector::config::source::SourceOuter',
  },
  transforms: {
    kind: 'transform',
    union: 'vector::transforms::Transforms',
    outer: 'vector::config::transform::TransformOuter<alloc::string::String>',
  },
  sinks: {
    kind: 'sink',
    union: 'vector::sinks::Sinks',
    outer: 'vector::config::sink::SinkOuter<alloc::string::String>',
  },
};

/** `_metadata` entries worth their bytes: form labels, examples, and what forms may fold away. */
const KEPT_METADATA = new Set([
  'docs::human_name',
  'docs::examples',
  'docs::advanced',
]);

/** Where the event types of components.json ("logs", "metrics", "traces") are written. */
const EVENT_TYPES = ['logs', 'metrics', 'traces'];

/** The prefix every catalog $ref carries: definitions live in the catalog's one table. */
const REF_PREFIX = '#/definitions/';

/** The pinned versions, from the provenance table in vendor/README.md. */
function readProvenance(readme) {
  const schemaRow =
    /vector-config\.schema\.json`[^\n]*generated from Vector ([0-9][0-9.]*)/.exec(
      readme,
    );
  const componentsRow =
    /components\.json`[^\n]*\(Vector HEAD ([0-9a-f]+), ([0-9-]+)\)/.exec(
      readme,
    );
  if (!schemaRow || !componentsRow) {
    throw new Error(
      'vendor/README.md: cannot find the Vector versions of vector-config.schema.json and components.json in the provenance table',
    );
  }
  return {
    vectorVersion: schemaRow[1],
    componentsSource: `Vector CUE reference docs at ${componentsRow[1]} (${componentsRow[2]})`,
  };
}

/** Copies a schema, keeping only the `_metadata` entries forms use. */
function slim(node) {
  if (Array.isArray(node)) return node.map(slim);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '_metadata') {
      const kept = Object.entries(value).filter(([k]) => KEPT_METADATA.has(k));
      if (kept.length > 0) out[key] = Object.fromEntries(kept);
    } else {
      out[key] = slim(value);
    }
  }
  return out;
}

/** Every `#/definitions/...` name a schema refers to, directly. */
function refsOf(node, found = new Set()) {
  if (Array.isArray(node)) {
    node.forEach(n => refsOf(n, found));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (!value.startsWith(REF_PREFIX)) {
          throw new Error(`unsupported $ref ${value}`);
        }
        found.add(value.slice(REF_PREFIX.length));
      } else {
        refsOf(value, found);
      }
    }
  }
  return found;
}

/** Event types of a components.json `input` entry: `true`, or an object of metric kinds. */
function acceptedTypes(input) {
  const accepted = [];
  const metricKinds = [];
  for (const type of EVENT_TYPES) {
    const value = input[type];
    if (value === true) accepted.push(type);
    if (value && typeof value === 'object') {
      const kinds = Object.keys(value)
        .filter(k => value[k] === true)
        .sort();
      if (kinds.length > 0) {
        accepted.push(type);
        metricKinds.push(...kinds);
      }
    }
  }
  return { accepted, metricKinds };
}

/** The options schema of one component: its config plus what its kind's wrapper adds. */
function optionsSchema(definitions, kindInfo, type) {
  const union = definitions[kindInfo.union];
  const branch = union.oneOf.find(b =>
    (b.allOf || []).some(part => part.properties?.type?.const === type),
  );
  if (!branch) {
    throw new Error(
      `vector-config.schema.json has no ${kindInfo.kind} of type "${type}"`,
    );
  }
  // the `type` discriminator is the Pipeline's own field, not an option
  const parts = branch.allOf.filter(
    part => part.properties?.type?.const !== type,
  );
  const outer = definitions[kindInfo.outer].allOf[0];
  const common = { ...outer.properties };
  delete common.inputs; // a Pipeline field too
  return {
    description: branch.description,
    allOf: [{ type: 'object', properties: common }, ...parts],
    // as Vector's own outer component schema: no option outside the component's and its kind's
    unevaluatedProperties: false,
  };
}

function buildCatalog(schema, components, readme) {
  const definitions = schema.definitions;
  const provenance = readProvenance(readme);
  const out = {
    $comment:
      'Generated by plugins/pipeline-common/scripts/generate-catalog.js from vendor/vector; do not edit.',
    vectorVersion: provenance.vectorVersion,
    componentsSource: provenance.componentsSource,
    components: {},
    definitions: {},
  };
  const wanted = new Set();
  for (const key of Object.keys(components).sort()) {
    const [plural, type] = key.split('.');
    const kindInfo = KINDS[plural];
    if (!kindInfo) throw new Error(`components.json: unknown kind in ${key}`);
    const entry = components[key];
    const options = slim(optionsSchema(definitions, kindInfo, type));
    refsOf(options).forEach(r => wanted.add(r));
    const { accepted, metricKinds } = entry.input
      ? acceptedTypes(entry.input)
      : { accepted: [], metricKinds: [] };
    out.components[`${kindInfo.kind}:${type}`] = {
      kind: kindInfo.kind,
      type,
      title: entry.title,
      development: entry.classes?.development,
      input: accepted,
      inputMetricKinds: metricKinds,
      output: [...(entry.output_types || [])].sort(),
      // "<route_id>" is a placeholder: route-like transforms name their outputs from options
      outputs: (entry.outputs || []).map(([name, description]) => ({
        name,
        description: String(description).trim().replace(/\s+/g, ' '),
      })),
      required: (entry.required || [])
        .filter(([, , required]) => required === true)
        .map(([option, valueType, , relevantWhen]) => ({
          option,
          type: valueType,
          ...(relevantWhen
            ? { relevantWhen: String(relevantWhen).replace(/\\"/g, '"') }
            : {}),
        })),
      options,
    };
  }
  // the definitions the components reach, transitively, each once
  const queue = [...wanted];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const name = queue.pop();
    const definition = definitions[name];
    if (!definition) throw new Error(`missing definition ${name}`);
    const slimmed = slim(definition);
    out.definitions[name] = slimmed;
    for (const ref of refsOf(slimmed)) {
      if (!seen.has(ref)) {
        seen.add(ref);
        queue.push(ref);
      }
    }
  }
  out.definitions = Object.fromEntries(
    Object.keys(out.definitions)
      .sort()
      .map(k => [k, out.definitions[k]]),
  );
  return out;
}

/** The catalog file's text, from the vendored files' texts. */
function generateCatalogText(schemaText, componentsText, readmeText) {
  const catalog = buildCatalog(
    JSON.parse(schemaText),
    JSON.parse(componentsText),
    readmeText,
  );
  return `${JSON.stringify(catalog, null, 1)}\n`;
}

/** Reads the vendored files and returns the catalog text the committed file must equal. */
function generateFromVendor() {
  return generateCatalogText(
    fs.readFileSync(
      path.join(VENDOR, 'vector', 'vector-config.schema.json'),
      'utf8',
    ),
    fs.readFileSync(path.join(VENDOR, 'vector', 'components.json'), 'utf8'),
    fs.readFileSync(path.join(VENDOR, 'README.md'), 'utf8'),
  );
}

function main(argv) {
  const check = argv.includes('--check');
  const text = generateFromVendor();
  const relative = path.relative(REPO_ROOT, OUTPUT);
  if (check) {
    const committed = fs.existsSync(OUTPUT)
      ? fs.readFileSync(OUTPUT, 'utf8')
      : '';
    if (committed !== text) {
      process.stderr.write(
        `${relative} is stale; run node plugins/pipeline-common/scripts/generate-catalog.js\n`,
      );
      return 1;
    }
    process.stdout.write(`${relative} is up to date\n`);
    return 0;
  }
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, text);
  process.stdout.write(
    `wrote ${relative} (${Math.round(Buffer.byteLength(text) / 1024)} KiB)\n`,
  );
  return 0;
}

module.exports = { generateCatalogText, generateFromVendor, OUTPUT };

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

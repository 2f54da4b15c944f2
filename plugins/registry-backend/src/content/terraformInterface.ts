/*
 * A module's inputs and outputs, read from its .tf files with a real HCL parser
 * (@cdktf/hcl2json, HashiCorp's hcl compiled to WebAssembly).
 */
import { parse } from '@cdktf/hcl2json';
import type {
  TerraformOutput,
  TerraformVariable,
} from '@butler-portal/plugin-registry-common';
import type { ArchiveEntry } from '../archive/deterministicTarGz';

const unwrap = (value: unknown) =>
  typeof value === 'string'
    ? value.replace(/^\$\{([\s\S]*)\}$/, '$1')
    : undefined;

export async function terraformInterface(
  files: readonly ArchiveEntry[],
): Promise<{
  inputs: TerraformVariable[];
  outputs: TerraformOutput[];
  problems: string[];
}> {
  const inputs: TerraformVariable[] = [];
  const outputs: TerraformOutput[] = [];
  const problems: string[] = [];
  // only the module's own folder: nested folders are submodules or examples
  for (const file of files.filter(
    f => f.path.endsWith('.tf') && !f.path.includes('/'),
  )) {
    let parsed: Record<string, any>;
    try {
      parsed = await parse(file.path, file.content.toString('utf8'));
    } catch (error) {
      problems.push(
        `${file.path}: ${String((error as Error).message ?? error)}`,
      );
      continue;
    }
    for (const [name, blocks] of Object.entries(parsed.variable ?? {})) {
      const block = (blocks as any[])[0] ?? {};
      inputs.push({
        name,
        ...(unwrap(block.type) && { type: unwrap(block.type) }),
        ...(typeof block.description === 'string' && {
          description: block.description,
        }),
        ...('default' in block && { default: block.default }),
        required: !('default' in block),
        ...(block.sensitive === true && { sensitive: true }),
      });
    }
    for (const [name, blocks] of Object.entries(parsed.output ?? {})) {
      const block = (blocks as any[])[0] ?? {};
      outputs.push({
        name,
        ...(typeof block.description === 'string' && {
          description: block.description,
        }),
        ...(block.sensitive === true && { sensitive: true }),
      });
    }
  }
  inputs.sort((a, b) => a.name.localeCompare(b.name));
  outputs.sort((a, b) => a.name.localeCompare(b.name));
  return { inputs, outputs, problems };
}

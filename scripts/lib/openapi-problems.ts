/**
 * What makes the OpenAPI document a poor base for a generated client, checked by
 * `npm run openapi:check` and by test/integration/openapi.test.ts alike.
 */
interface Operation {
  operationId?: string;
  responses?: Record<string, { description?: string }>;
  'x-error-codes'?: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
  'x-error-codes'?: Record<string, { status: number; description: string }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operationProblems(where: string, op: Operation, catalogue: Set<string>): string[] {
  const problems: string[] = [];
  if (!op.operationId) {
    problems.push(`${where}: no operationId`);
  }
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    if (!response.description || response.description === 'Default Response') {
      problems.push(`${where} ${status}: no real description`);
    }
  }
  const codes = op['x-error-codes'];
  if (!Array.isArray(codes)) {
    problems.push(`${where}: no x-error-codes`);
  } else {
    for (const code of codes.filter((c) => !catalogue.has(String(c)))) {
      problems.push(`${where}: x-error-codes lists ${String(code)}, not in the catalogue`);
    }
  }
  return problems;
}

/** Every problem found, one line each; empty when the document is fit. */
export function openApiProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const catalogue = new Set(Object.keys(doc['x-error-codes'] ?? {}));
  if (catalogue.size === 0) {
    problems.push('no x-error-codes catalogue at the top level');
  }
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (path.length > 1 && path.endsWith('/')) {
      problems.push(`${path}: ends with '/'`);
    }
    for (const method of METHODS.filter((m) => item[m])) {
      const where = `${method.toUpperCase()} ${path}`;
      const op = item[method]!;
      problems.push(...operationProblems(where, op, catalogue));
      const seen = op.operationId ? ids.get(op.operationId) : undefined;
      if (seen) {
        problems.push(`${where}: operationId ${op.operationId} also names ${seen}`);
      }
      ids.set(op.operationId ?? '', where);
    }
  }
  for (const name of Object.keys(doc.components?.schemas ?? {})) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) {
      problems.push(`components.schemas.${name}: anonymous (give the schema an $id)`);
    }
  }
  return problems;
}

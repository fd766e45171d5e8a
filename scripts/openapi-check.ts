/**
 * `npm run openapi:check [out-dir]`: builds the app in-process (PGlite in memory,
 * no Commands-Server needed), writes its OpenAPI document, validates it, generates
 * TypeScript types from it with openapi-typescript, and fails on any schema that
 * came out anonymous, operation without an operationId or x-error-codes, response
 * without a description, or path ending in '/'. CI runs it; the files are written
 * to out-dir (default: a temporary directory) for a look at what a client gets.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { documentOfApp } from './lib/openapi-document.js';
import { openApiProblems } from './lib/openapi-problems.js';

const outDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'netpilot-openapi-')));
await mkdir(outDir, { recursive: true });
// With the optional routes on, so that they are checked too.
const doc = await documentOfApp({ NETPILOT_CLIENT_COMPAT: 'true' });
const documentPath = join(outDir, 'openapi.json');
await writeFile(documentPath, `${JSON.stringify(doc, null, 2)}\n`);

const problems = openApiProblems(doc);
try {
  // validate() dereferences the document it is given: hand it a copy.
  await SwaggerParser.validate(structuredClone(doc) as never);
} catch (err) {
  problems.push(`not a valid OpenAPI document: ${(err as Error).message}`);
}
const types = astToString(await openapiTS(structuredClone(doc) as never));
const typesPath = join(outDir, 'api-types.d.ts');
await writeFile(typesPath, types);
if (/def-\d+/.test(types)) {
  problems.push('the generated types name an anonymous def-N schema');
}

if (problems.length > 0) {
  console.error(`OpenAPI document: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item)).length;
const schemas = Object.keys(doc.components?.schemas ?? {}).length;
console.log(
  `OpenAPI document valid: ${operations} operations, ${schemas} named schemas.\n  ${documentPath}\n  ${typesPath}`,
);

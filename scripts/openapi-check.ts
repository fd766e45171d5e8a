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
import { buildApp } from '../src/app.js';
import { CommandsServerHttp } from '../src/clients/commands-server.http.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/client.js';
import { openApiProblems, type OpenApiDocument } from './lib/openapi-problems.js';

async function documentOfApp(): Promise<OpenApiDocument> {
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    PGLITE_DATA_DIR: 'memory://',
    COMMANDS_SERVER_URL: 'http://127.0.0.1:9',
  });
  const db = await createDb(config.database);
  const commandsServer = new CommandsServerHttp({
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 1_000,
    scanTimeoutMs: 1_000,
  });
  const app = await buildApp({ config, db, commandsServer, startSweeper: false });
  try {
    await app.ready();
    return structuredClone(app.swagger()) as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await commandsServer.close();
    await db.close();
  }
}

const outDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'netpilot-openapi-')));
await mkdir(outDir, { recursive: true });
const doc = await documentOfApp();
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

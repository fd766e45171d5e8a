/**
 * Framework ceiling: a bare Fastify server that answers `GET *` with a fixed JSON
 * body, byte for byte the body our real endpoint answered. No database, no auth, no
 * schema: what Fastify alone can do on this machine.
 *
 * `node --import tsx bench/ceilings/framework.ts <body-file>`; prints
 * `{"ready":true,"url":…}` once listening.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) {
    throw new Error('usage: framework.ts <body-file>');
  }
  const body = readFileSync(file);
  const app = Fastify({ logger: false });
  app.get('/*', async (_request, reply) => {
    return reply.type('application/json; charset=utf-8').send(body);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ ready: true, url, bytes: body.length }));
  const stop = () => {
    void app.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

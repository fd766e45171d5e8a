import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildValidator = NonNullable<
  NonNullable<
    NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
  >['buildValidator']
>;

/**
 * Fastify's own validator compiler, with one difference: a query string is
 * coerced to its schema's types (`?limit=20` is the integer 20), so the
 * schema and the OpenAPI document can say `integer` with its bounds. Bodies,
 * params and headers keep the app's options (no coercion: a JSON body's
 * "20" stays a string and is refused where a number is expected).
 */
export const queryCoercingValidator: BuildValidator = (externalSchemas, options) => {
  const strict = AjvCompiler()(externalSchemas, options);
  // The same options but coerceTypes (the union of ajv's option types needs the cast).
  const coercing = AjvCompiler()(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: true },
  } as typeof options);
  return (route) => (route.httpPart === 'querystring' ? coercing(route) : strict(route));
};

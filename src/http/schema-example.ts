import type { TSchema } from 'typebox';

/**
 * Example values for the OpenAPI document, built from a response schema so that
 * every success answer shows a complete envelope (`error: null` included)
 * without an example to keep in step with each schema by hand. Property names
 * the API uses everywhere get realistic values; the rest follow their type.
 */
const BY_PROPERTY: Record<string, unknown> = {
  ip: '192.168.1.10',
  mac: 'aa:bb:cc:dd:ee:01',
  routerId: 'home-router-1',
  email: 'ada@example.com',
  name: 'Living room',
  ssid: 'HomeWiFi',
  hostname: 'ada-laptop',
  vendor: 'Raspberry Pi Trading Ltd',
  requestId: 'req-5f2b9c',
  executionTime: 0.0042,
};

const BY_FORMAT: Record<string, string> = {
  'date-time': '2026-01-15T09:30:00.000Z',
  uuid: '3f0c8a52-6a1e-4f5e-9d43-1b2c3d4e5f60',
};

type JsonSchema = {
  examples?: unknown[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  anyOf?: JsonSchema[];
  type?: string;
  format?: string;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

function exampleOfType(s: JsonSchema): unknown {
  switch (s.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([key, value]) => [
          key,
          propertyExample(key, value),
        ]),
      );
    case 'array':
      return s.items ? [exampleOf(s.items)] : [];
    case 'string':
      return (s.format && BY_FORMAT[s.format]) ?? 'string';
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case undefined:
    default:
      return {};
  }
}

function propertyExample(key: string, schema: JsonSchema): unknown {
  const known = BY_PROPERTY[key];
  const plain = schema.type === 'string' || schema.type === 'number' || schema.anyOf !== undefined;
  return known !== undefined && plain && schema.const === undefined ? known : exampleOf(schema);
}

/** A value the schema accepts, for documentation. */
export function exampleOf(schema: TSchema): unknown {
  const s = schema as JsonSchema;
  if (s.examples?.length) {
    return s.examples[0];
  }
  if ('const' in s) {
    return s.const;
  }
  if (s.enum?.length) {
    return s.enum[0];
  }
  if (s.default !== undefined) {
    return s.default;
  }
  if (s.anyOf) {
    // The first member that is not null: an example shows a value where there can be one.
    const member = s.anyOf.find((m) => m.type !== 'null') ?? s.anyOf[0];
    return member ? exampleOf(member) : null;
  }
  return exampleOfType(s);
}

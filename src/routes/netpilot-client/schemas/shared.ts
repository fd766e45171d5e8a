import { Type } from 'typebox';
import { ROUTER_ID_PATTERN } from '../../../validation/router-input.js';

/** The OpenAPI tag of every route of NetPilot's existing web client. */
export const COMPAT_TAG = {
  name: 'NetPilot client compatibility',
  description:
    "NetPilot's existing web client, unchanged, at its own paths (NETPILOT_CLIENT_COMPAT=true): each route maps one of its calls onto the /api/v1 services, with their rules and errors, in the shapes the client reads",
};

export const tags = [COMPAT_TAG.name];

export const RouterId = Type.String({
  pattern: ROUTER_ID_PATTERN,
  description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
});

/** `?routerId=` of the router-scoped calls (the client adds nothing else, or `period`). */
export const RouterQuerySchema = Type.Object({ routerId: RouterId }, { $id: 'CompatRouterQuery' });

export const MessageSchema = Type.Object(
  { message: Type.String({ description: 'for people' }) },
  { $id: 'CompatMessage' },
);

/** A browser redirect's response entry: no body, a Location. */
export function redirect(description: string) {
  return {
    type: 'null',
    description,
    headers: { Location: { type: 'string', description: 'where the browser goes next' } },
  } as const;
}

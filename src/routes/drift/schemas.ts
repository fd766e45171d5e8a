import { Type } from 'typebox';
import { Envelope } from '../../http/envelope.js';
import { ROUTER_ID_PATTERN } from '../../validation/router-input.js';
import {
  errorResponses as errors,
  Nullable,
  ROUTER_CALL_ERRORS,
  ROUTER_ROUTE_ERRORS,
} from '../common.js';

export const DriftParamsSchema = Type.Object({
  routerId: Type.String({
    pattern: ROUTER_ID_PATTERN,
    description: "The router's agent id: 1-128 of [A-Za-z0-9_.-]",
  }),
});

const Mode = (description: string) =>
  Type.Union([Type.Literal('none'), Type.Literal('whitelist'), Type.Literal('blacklist')], {
    description,
  });

const InSync = Type.Boolean({ description: 'true when both sides hold the same' });

export const ListDriftSchema = Type.Object(
  {
    onlyInDatabase: Type.Array(Type.String(), {
      description: 'addresses saved here that the router does not hold',
    }),
    onlyOnRouter: Type.Array(Type.String(), {
      description:
        "addresses the router holds that are not saved here, exactly as the router's state file holds them",
    }),
    inSync: InSync,
  },
  { description: 'the addresses of one list that only one side holds' },
);

const BlockedEntrySchema = Type.Object({
  mac: Nullable(Type.String({ description: 'lower-case; null for a block saved without a MAC' })),
  ip: Nullable(Type.String({ description: 'null when the router no longer knows the IP ("N/A")' })),
});

const RatesPairSchema = Type.Object({ limitedMbps: Type.Number(), fullMbps: Type.Number() });

const ListRatesDriftSchema = Type.Object({
  database: RatesPairSchema,
  router: Type.Null({
    description: 'always null: the Commands-Server has no route that reads the rates it stores',
  }),
});

export const RouterDriftSchema = Type.Object(
  {
    inSync: Type.Boolean({
      description:
        'true when the lists, the mode and the blocked MACs agree (rates and SSID are not compared)',
    }),
    lists: Type.Object({ whitelist: ListDriftSchema, blacklist: ListDriftSchema }),
    mode: Type.Object(
      {
        database: Mode('the mode saved here'),
        router: Mode(
          "the mode the router's firewall enforces: the list whose jump is in its FORWARD chain (GET /mode-activation)",
        ),
        inSync: InSync,
      },
      {
        description: 'the active mode (one at a time: activating one list switches the other off)',
      },
    ),
    rates: Type.Object(
      {
        compared: Type.Literal(false, {
          description:
            'false: the rates saved here are shown, but the router cannot be asked for its own',
        }),
        whitelist: ListRatesDriftSchema,
        blacklist: ListRatesDriftSchema,
      },
      { description: 'the limited and full rates of each list, in Mbps' },
    ),
    ssid: Type.Object(
      {
        database: Type.Null({
          description:
            'always null: this server keeps no Wi-Fi settings (the router is their only source of truth)',
        }),
        router: Type.String({ description: "the SSID of the router's radio 0" }),
        wifiEnabled: Type.Boolean(),
        compared: Type.Literal(false, {
          description: 'false: there is nothing here to compare it with',
        }),
      },
      { description: "the router's Wi-Fi name, shown for reference and never counted as drift" },
    ),
    blocked: Type.Object(
      {
        onlyInDatabase: Type.Array(BlockedEntrySchema, {
          description: 'blocks saved here whose MAC has no firewall rule on the router',
        }),
        onlyOnRouter: Type.Array(BlockedEntrySchema, {
          description: 'MACs the router blocks that are not saved here',
        }),
        inSync: InSync,
      },
      { description: "blocked devices, compared by MAC (what the router's firewall rule names)" },
    ),
  },
  { $id: 'RouterDrift' },
);

/** GET /routers/{routerId}/drift */
export const DriftRoute = {
  operationId: 'getRouterDrift',
  tags: ['routers'],
  summary:
    "Compare what this server saved with what the router holds: whitelist and blacklist addresses, the active mode, blocked MACs; shows the saved rates and the router's SSID (any member; five reads from the router, nothing changed or audited)",
  params: DriftParamsSchema,
  response: {
    200: Envelope(RouterDriftSchema, 'Which side holds what.'),
    ...errors(...ROUTER_ROUTE_ERRORS, ...ROUTER_CALL_ERRORS),
  },
};

import type { ListName } from '../clients/commands-server.types.js';
import { NotFoundError } from '../errors.js';
import {
  ENTRIES_ORDER,
  type AccessListRow,
  type AccessListsRepository,
  type EntryDetails,
} from '../repositories/access-lists.repository.js';
import { parseDescription } from '../validation/description.js';
import { parseDisplayName } from '../validation/display-name.js';
import { parseIpv4 } from '../validation/router-input.js';
import type { AuthContext, ClientInfo } from './auth-context.js';
import { paginate, type Page, type PageQuery } from './pagination.js';
import type { RouterAccessPolicy } from './router-access.policy.js';
import type { RouterOperationRunner } from './router-operation.runner.js';

/** One whitelist or blacklist entry as the API answers it. */
export interface AccessListEntry {
  ip: string;
  name: string | null;
  description: string | null;
  deviceId: string | null;
  addedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewEntryInput {
  ip: string;
  name?: string;
  description?: string;
}

/**
 * Name and description as the user gave them, checked: a name like a router's or
 * device's (trimmed, one line), a description that may span lines. `null` clears.
 */
function parseDetails(details: EntryDetails): EntryDetails {
  const out: EntryDetails = {};
  if (details.name !== undefined) {
    out.name = details.name === null ? null : parseDisplayName(details.name, 'body.name');
  }
  if (details.description !== undefined) {
    out.description =
      details.description === null
        ? null
        : parseDescription(details.description, 'body.description');
  }
  return out;
}

function toEntry(row: AccessListRow): AccessListEntry {
  return {
    ip: row.ip,
    name: row.name,
    description: row.description,
    deviceId: row.deviceId,
    addedBy: row.addedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Whitelist and blacklist entries (SPEC §5, contract §1.2.5): one implementation for
 * both lists. Every change that reaches the router is serialised per router, since
 * the router keeps lists, mode and rates in a state file it rewrites without
 * locking. Any member may read and manage entries (modes and rates, which are
 * household-wide policy, are in ListSettingsService).
 */
export class AccessListsService {
  constructor(
    private readonly deps: {
      access: RouterAccessPolicy;
      runner: RouterOperationRunner;
      lists: AccessListsRepository;
    },
  ) {}

  /** The list's entries, from the database, in address order, one page at a time. */
  async listEntries(
    auth: AuthContext,
    routerId: string,
    list: ListName,
    query: PageQuery,
  ): Promise<Page<AccessListEntry>> {
    const router = await this.deps.access.check(auth, routerId);
    return paginate(
      ENTRIES_ORDER,
      query,
      (page) => this.deps.lists.list(router.id, list, page),
      toEntry,
    );
  }

  /**
   * Adds an address on the router (`POST /api/{list}/add`), then saves the entry,
   * linked to the known device with that IP. Re-adding an address is a success that
   * updates the name/description given. `changed` says whether the router's list
   * changed (false when it had the address already); `created` whether the entry is
   * new here. They differ only when the two had drifted apart.
   */
  async addEntry(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    list: ListName,
    input: NewEntryInput,
  ): Promise<{ entry: AccessListEntry; created: boolean; changed: boolean }> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(input.ip, 'body.ip');
    const details = parseDetails(input);
    const { row, created, changed } = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: `${list}.add`,
      params: { ip },
      serialize: true,
      call: (cs) => cs.addToList(list, ip),
      persist: async (tx, added) => {
        const entry = {
          routerId: router.id,
          ip,
          name: details.name ?? null,
          description: details.description ?? null,
          addedBy: auth.userId,
        };
        return { ...(await this.deps.lists.upsert(tx, entry, list)), changed: added.changed };
      },
    });
    return { entry: toEntry(row), created, changed };
  }

  /** Renames or re-describes an entry; database only. */
  async updateEntry(
    auth: AuthContext,
    routerId: string,
    list: ListName,
    rawIp: string,
    details: EntryDetails,
  ): Promise<AccessListEntry> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(rawIp, 'params.ip');
    const row = await this.deps.lists.updateDetails(router.id, list, ip, parseDetails(details));
    if (!row) {
      throw new NotFoundError('ENTRY_NOT_FOUND', `${ip} is not in the ${list}`);
    }
    return toEntry(row);
  }

  /**
   * Removes an address from the router (`POST /api/{list}/remove`) and from the
   * database. The router is asked even when the database has no entry, so an address
   * that drift reports as only on the router can be removed too. `changed` says
   * whether the router's list changed (false when it did not have the address); an
   * entry of ours is deleted either way.
   */
  async removeEntry(
    auth: AuthContext,
    client: ClientInfo,
    routerId: string,
    list: ListName,
    rawIp: string,
  ): Promise<{ ip: string; changed: boolean }> {
    const router = await this.deps.access.check(auth, routerId);
    const ip = parseIpv4(rawIp, 'params.ip');
    const changed = await this.deps.runner.execute({
      auth,
      client,
      router,
      operation: `${list}.remove`,
      params: { ip },
      serialize: true,
      call: (cs) => cs.removeFromList(list, ip),
      persist: async (tx, removed) => {
        await this.deps.lists.remove(tx, router.id, list, ip);
        return removed.changed;
      },
    });
    return { ip, changed };
  }
}

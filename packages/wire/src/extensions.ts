// Registry of BEP 10 extensions for one connection. Each side picks the ids it wants to *receive*
// messages under and announces them in its handshake's `m`; to send, we use the id the peer announced.
import { WireError } from './errors.ts';

/** Well-known extension names. */
export const UT_METADATA = 'ut_metadata';
export const UT_PEX = 'ut_pex';

// Most extension names of the peer's `m` kept besides the ones we registered (real peers send ~10).
const MAX_REMOTE_EXTENSIONS = 256;

/** Maps extension names to local (receive) ids and to the remote peer's (send) ids. */
export class ExtensionRegistry {
  readonly #local = new Map<string, number>();
  readonly #localById = new Map<number, string>();
  readonly #remote = new Map<string, number>();

  /** Registers `names` under ids 1, 2, ... in order. */
  constructor(names: readonly string[] = []) {
    for (const name of names) this.register(name);
  }

  /**
   * Registers an extension we understand, under `id` (1..255) or the lowest free id. Returns its id.
   * Registering a known name again returns its existing id.
   */
  register(name: string, id?: number): number {
    const existing = this.#local.get(name);
    if (existing !== undefined) return existing;
    let chosen = id;
    if (chosen === undefined) {
      chosen = 1;
      while (this.#localById.has(chosen)) chosen++;
    }
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > 255 || this.#localById.has(chosen)) {
      throw new WireError('WIRE_INVALID_ARGUMENT', `extension id ${chosen} for ${name} is invalid or taken`);
    }
    this.#local.set(name, chosen);
    this.#localById.set(chosen, name);
    return chosen;
  }

  /** The `m` dictionary for our extension handshake. */
  get m(): Record<string, number> {
    return Object.fromEntries(this.#local);
  }

  /** The name of the extension a received extended message id refers to, if we registered it. */
  nameOf(localId: number): string | undefined {
    return this.#localById.get(localId);
  }

  /**
   * Records the peer's `m` (from its handshake; later handshakes update it, 0 disables). Names we
   * have not registered are kept only up to 256 names in all: a peer sending
   * handshake after handshake with new names must not grow the registry without bound.
   */
  setRemote(m: Record<string, number>): void {
    for (const [name, id] of Object.entries(m)) {
      if (id === 0) this.#remote.delete(name);
      else if (this.#local.has(name) || this.#remote.has(name) || this.#remote.size < MAX_REMOTE_EXTENSIONS) this.#remote.set(name, id);
    }
  }

  /** The id to send extension `name` under, or undefined if the peer does not support it. */
  remoteId(name: string): number | undefined {
    return this.#remote.get(name);
  }

  /** Whether both sides support `name`. */
  supports(name: string): boolean {
    return this.#local.has(name) && this.#remote.has(name);
  }
}

// Types of pushwire-client.js, the browser client of the pushwire protocol. Guide: docs/browser.md.

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface StateEvent {
  state: ConnectionState;
  transport: 'websocket' | 'sse';
  /** connected: whether this connection resumed earlier channels */
  resumed?: boolean;
  /** connected: how many missed frames the server replays (per channel, head minus resume cursor, summed) */
  missed?: number;
  /** reconnecting: the wait before the next attempt, and when it ends (Unix ms) */
  delayMs?: number;
  retryAt?: number;
  attempt?: number;
  /** closed: the close code and reason, when the server ended the connection */
  code?: number;
  reason?: string;
}

export interface Frame<T = unknown> {
  channel: string;
  cursor?: number;
  payload: T;
  client_id?: string;
}

export interface Member { client_id: string; user: string; }

export interface Asset {
  type: 'inline' | 'pointer';
  mime: string;
  sha256: string;
  size: number;
  name?: string;
  data_base64?: string;
  url?: string;
}

export interface ClientEvents {
  state: StateEvent;
  gap: { channel: string; expected: number; got: number };
  resume_required: { channel: string; from_cursor: number; epoch: string };
  error: { code: string; message: string; channel?: string };
  join: { channel: string; client_id: string; user: string };
  leave: { channel: string; client_id: string; user: string };
  members: { channel: string; members: Member[] };
}

export interface BackoffOptions { initialMs?: number; maxMs?: number; factor?: number; }

export interface PushwireClientOptions {
  /** The server's base path or URL; default '/rps' on the page's origin */
  url?: string;
  /** A token, or a function called before every connection attempt (and before each refresh) */
  token?: string | null | (() => string | null | Promise<string | null>);
  /** Channels to subscribe to on connect */
  channels?: string[];
  /** 'auto' (default: WebSocket, SSE when WebSocket is missing or keeps failing), 'websocket' or 'sse' */
  transport?: 'auto' | 'websocket' | 'sse';
  /** Where cursors, epochs, the client id and session secret are kept; default sessionStorage, null for none */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Keeps several clients of one page apart in the storage; default 'default' */
  storageKey?: string;
  backoff?: BackoffOptions;
  /** Silence tolerated beyond heartbeat_ms before the connection counts as dead; default 10000 */
  deadGraceMs?: number;
  /** Share of the credentials' lifetime after which they are refreshed; default 0.8 */
  refreshAhead?: number;
  /** Delay before acknowledging received cursors; default 1000 */
  ackDelayMs?: number;
  /** Listen to online/offline and page visibility; default true */
  watchNetwork?: boolean;
}

export class PushwireClient {
  constructor(options?: PushwireClientOptions);
  readonly state: ConnectionState;
  readonly clientId: string | null;
  readonly features: string[];
  connect(): this;
  close(): void;
  /** Close the connection as a network failure would: the client reconnects and resumes */
  drop(): void;
  /** Frames of a channel ('*' for all); returns a function that removes the listener */
  on<T = unknown>(channel: string, fn: (payload: T, frame: Frame<T>) => void): () => void;
  onEvent<K extends keyof ClientEvents>(name: K, fn: (event: ClientEvents[K]) => void): () => void;
  send(channel: string, payload: unknown): Promise<void>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): void;
  /** Who is subscribed to a channel (servers that offer 'presence') */
  presence(channel: string): Promise<Member[]>;
  membersOf(channel: string): Member[];
  /** Download or decode an asset and check its size and SHA-256 */
  asset(asset: Asset): Promise<Uint8Array>;
}

export class CursorTracker {
  constructor(storage?: Pick<Storage, 'getItem' | 'setItem'> | null, key?: string);
  clientId: string | null;
  sessionSecret: string | null;
  cursor(channel: string): number;
  epoch(channel: string): string | null;
  has(channel: string): boolean;
  reset(channel: string, cursor: number, epoch: string | null): void;
  accept(channel: string, cursor: number): { deliver: boolean; gap?: { expected: number; got: number } };
}

export function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;

export function fetchAsset(asset: Asset, options?: { fetch?: typeof fetch; headers?: Record<string, string> }): Promise<Uint8Array>;

/**
 * Parsing of frames a gateway client sends. Anything that is not a well-formed frame of an op the
 * fake handles comes back as `{ ok: false, reason }`, to be logged and dropped.
 */
import type { RawData } from 'ws';

export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export interface IdentifyData {
  token: string;
  /** Checked against the bot's grants by the gateway (4013 / 4014), so left unparsed here. */
  intents: unknown;
}

export interface ResumeData {
  token: string;
  session_id: string;
  seq: number | null;
}

export interface RequestGuildMembersData {
  guildIds: string[];
  query: string;
  /** 0 → no limit. */
  limit: number;
  presences: boolean;
  userIds: string[] | null;
  nonce: string | undefined;
}

export type ClientFrame =
  | { op: typeof GatewayOp.Heartbeat; d: number | null }
  | { op: typeof GatewayOp.Identify; d: IdentifyData }
  | { op: typeof GatewayOp.PresenceUpdate; d: unknown }
  | { op: typeof GatewayOp.VoiceStateUpdate; d: unknown }
  | { op: typeof GatewayOp.Resume; d: ResumeData }
  | { op: typeof GatewayOp.RequestGuildMembers; d: RequestGuildMembersData };

export type FrameParse = { ok: true; frame: ClientFrame } | { ok: false; reason: string };

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string): FrameParse {
  return { ok: false, reason };
}

function stringList(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return null;
}

export function parseClientFrame(data: RawData, isBinary: boolean): FrameParse {
  if (isBinary) return fail('binary frame (only encoding=json is supported)');
  let payload: unknown;
  try {
    payload = JSON.parse(rawToString(data));
  } catch {
    return fail('not JSON');
  }
  if (!isRecord(payload)) return fail('not a JSON object');
  const { op, d } = payload;
  switch (op) {
    case GatewayOp.Heartbeat:
      if (d !== null && d !== undefined && typeof d !== 'number') return fail('heartbeat d must be a number or null');
      return { ok: true, frame: { op, d: d ?? null } };
    case GatewayOp.Identify:
      if (!isRecord(d) || typeof d.token !== 'string') return fail('identify needs d.token');
      return { ok: true, frame: { op, d: { token: d.token, intents: d.intents } } };
    case GatewayOp.PresenceUpdate:
    case GatewayOp.VoiceStateUpdate:
      return { ok: true, frame: { op, d } };
    case GatewayOp.Resume:
      if (!isRecord(d) || typeof d.token !== 'string' || typeof d.session_id !== 'string') {
        return fail('resume needs d.token and d.session_id');
      }
      if (d.seq !== null && d.seq !== undefined && typeof d.seq !== 'number') return fail('resume d.seq must be a number');
      return { ok: true, frame: { op, d: { token: d.token, session_id: d.session_id, seq: d.seq ?? null } } };
    case GatewayOp.RequestGuildMembers:
      return parseRequestGuildMembers(d);
    default:
      return fail(`unsupported op ${JSON.stringify(op)}`);
  }
}

function parseRequestGuildMembers(d: unknown): FrameParse {
  if (!isRecord(d)) return fail('request guild members needs d');
  const guildIds = stringList(d.guild_id);
  if (!guildIds) return fail('request guild members needs d.guild_id');
  const userIds = d.user_ids === undefined || d.user_ids === null ? null : stringList(d.user_ids);
  if (d.user_ids !== undefined && d.user_ids !== null && !userIds) return fail('d.user_ids must be snowflakes');
  return {
    ok: true,
    frame: {
      op: GatewayOp.RequestGuildMembers,
      d: {
        guildIds,
        query: typeof d.query === 'string' ? d.query : '',
        limit: typeof d.limit === 'number' && d.limit > 0 ? Math.floor(d.limit) : 0,
        presences: d.presences === true,
        userIds,
        nonce: typeof d.nonce === 'string' ? d.nonce : undefined,
      },
    },
  };
}

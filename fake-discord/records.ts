import type { PrivilegedIntentName } from './intents.js';

export type PresenceStatus = 'online' | 'idle' | 'dnd' | 'offline';

/** An activity as a test describes it (type: 0 playing … 5 competing). */
export interface ActivityInput {
  name: string;
  type: number;
  state?: string;
  url?: string;
}

export interface PresenceInput {
  status: PresenceStatus;
  activities?: ActivityInput[];
}

export interface ActivityRecord extends ActivityInput {
  /** When this activity started (epoch ms); kept while the same activity continues. */
  createdAt: number;
}

export interface PresenceRecord {
  status: PresenceStatus;
  activities: ActivityRecord[];
}

export interface BotRecord {
  id: string;
  token: string;
  username: string;
  /** Privileged intent bits this bot may request. */
  grantedIntents: number;
  grantedIntentNames: PrivilegedIntentName[];
  /** false → the gateway ignores this bot's heartbeats (tests zombie detection). */
  heartbeatAck: boolean;
}

export interface UserRecord {
  id: string;
  username: string;
  presence: PresenceRecord;
}

export interface GuildRecord {
  id: string;
  name: string;
  channelId: string;
  ownerId: string;
  joinedAt: string;
  botIds: string[];
  userIds: string[];
}

export type ChannelRecord =
  | { kind: 'text'; id: string; guildId: string; name: string }
  | { kind: 'dm'; id: string; botId: string; recipientId: string };

/** A message a bot sent, as the control API reports it. */
export interface MessageRecord {
  id: string;
  botId: string;
  channelId: string;
  recipientId?: string;
  content: string;
  embeds: unknown[];
  /** ISO 8601. */
  at: string;
}

export interface MessageFilter {
  botId?: string;
  recipientId?: string;
  channelId?: string;
}

export interface FakeStats {
  /** Gateway connections open right now. */
  connections: number;
  /** IDENTIFYs answered with READY. */
  identifies: number;
  /** RESUMEs answered with RESUMED. */
  resumes: number;
  /** RESUMEs refused (INVALID_SESSION): the session had ended, expired or was unknown. */
  resumesRefused: number;
  /** Dispatches queued to sessions (replays not counted again). */
  dispatches: number;
  /** PRESENCE_UPDATE dispatches queued to sessions. */
  presenceUpdates: number;
  /** Messages bots sent. */
  messages: number;
  /**
   * The most sessions of one bot that were live at the same moment, since start or reset. Live:
   * attached to an open socket that completed IDENTIFY or RESUME; a dropped session that is only
   * waiting to be resumed is not live. 1 means no bot was ever connected twice.
   */
  maxSessionsPerBot: number;
}

import { FakeDiscordError } from './errors.js';
import { PRIVILEGED_INTENT_NAMES, privilegedIntentBits, type PrivilegedIntentName } from './intents.js';
import type {
  ActivityInput,
  ActivityRecord,
  BotRecord,
  ChannelRecord,
  GuildRecord,
  MessageFilter,
  MessageRecord,
  PresenceInput,
  PresenceStatus,
  UserRecord,
} from './records.js';
import type { SnowflakeGenerator } from './snowflake.js';
import { createBotToken } from './tokens.js';

const STATUSES: ReadonlySet<string> = new Set<PresenceStatus>(['online', 'idle', 'dnd', 'offline']);
const MAX_ACTIVITY_TYPE = 5;

/** Everything the fake knows: bots, users, guilds, channels and sent messages. No I/O. */
export class FakeStore {
  readonly #ids: SnowflakeGenerator;
  readonly #bots = new Map<string, BotRecord>();
  readonly #botsByToken = new Map<string, BotRecord>();
  readonly #users = new Map<string, UserRecord>();
  readonly #guilds = new Map<string, GuildRecord>();
  /** Member (bot or user) id → ids of the guilds it is in. */
  readonly #memberships = new Map<string, Set<string>>();
  readonly #channels = new Map<string, ChannelRecord>();
  /** `${botId}:${recipientId}` → DM channel id. */
  readonly #dmChannels = new Map<string, string>();
  #messages: MessageRecord[] = [];

  constructor(ids: SnowflakeGenerator) {
    this.#ids = ids;
  }

  nextId(): string {
    return this.#ids.next();
  }

  createBot(opts: { username?: string; grantedIntents?: PrivilegedIntentName[] } = {}): BotRecord {
    const names = opts.grantedIntents ?? [...PRIVILEGED_INTENT_NAMES];
    for (const name of names) {
      if (!PRIVILEGED_INTENT_NAMES.includes(name)) {
        throw new FakeDiscordError('INVALID_ARGUMENT', `unknown privileged intent "${String(name)}"`);
      }
    }
    const id = this.#ids.next();
    const bot: BotRecord = {
      id,
      token: createBotToken(id),
      username: opts.username ?? `fake-bot-${this.#bots.size + 1}`,
      grantedIntents: privilegedIntentBits(names),
      grantedIntentNames: [...names],
      heartbeatAck: true,
    };
    this.#bots.set(id, bot);
    this.#botsByToken.set(bot.token, bot);
    return bot;
  }

  createUser(opts: { username: string }): UserRecord {
    if (typeof opts?.username !== 'string' || opts.username.length === 0) {
      throw new FakeDiscordError('INVALID_ARGUMENT', 'username must be a non-empty string');
    }
    const user: UserRecord = {
      id: this.#ids.next(),
      username: opts.username,
      presence: { status: 'offline', activities: [] },
    };
    this.#users.set(user.id, user);
    return user;
  }

  createGuild(opts: { name?: string; botIds: string[]; userIds: string[] }): GuildRecord {
    const botIds = unique(opts.botIds ?? []);
    const userIds = unique(opts.userIds ?? []);
    for (const id of botIds) this.requireBot(id);
    for (const id of userIds) this.requireUser(id);
    const id = this.#ids.next();
    const channelId = this.#ids.next();
    const guild: GuildRecord = {
      id,
      name: opts.name ?? 'Fake Guild',
      channelId,
      ownerId: userIds[0] ?? botIds[0] ?? id,
      joinedAt: new Date().toISOString(),
      botIds,
      userIds,
    };
    this.#guilds.set(id, guild);
    this.#channels.set(channelId, { kind: 'text', id: channelId, guildId: id, name: 'general' });
    for (const memberId of [...botIds, ...userIds]) this.#guildIdsOf(memberId).add(id);
    return guild;
  }

  bot(id: string): BotRecord | undefined {
    return this.#bots.get(id);
  }

  botByToken(token: string): BotRecord | undefined {
    return this.#botsByToken.get(token);
  }

  user(id: string): UserRecord | undefined {
    return this.#users.get(id);
  }

  guild(id: string): GuildRecord | undefined {
    return this.#guilds.get(id);
  }

  channel(id: string): ChannelRecord | undefined {
    return this.#channels.get(id);
  }

  requireBot(id: string): BotRecord {
    const bot = this.#bots.get(id);
    if (!bot) throw new FakeDiscordError('UNKNOWN_BOT', `unknown bot ${id}`);
    return bot;
  }

  requireUser(id: string): UserRecord {
    const user = this.#users.get(id);
    if (!user) throw new FakeDiscordError('UNKNOWN_USER', `unknown user ${id}`);
    return user;
  }

  guildsOf(memberId: string): GuildRecord[] {
    const ids = this.#memberships.get(memberId);
    if (!ids) return [];
    const guilds: GuildRecord[] = [];
    for (const id of ids) {
      const guild = this.#guilds.get(id);
      if (guild) guilds.push(guild);
    }
    return guilds;
  }

  isMember(guildId: string, memberId: string): boolean {
    return this.#memberships.get(memberId)?.has(guildId) ?? false;
  }

  sharesGuild(botId: string, userId: string): boolean {
    const botGuilds = this.#memberships.get(botId);
    const userGuilds = this.#memberships.get(userId);
    if (!botGuilds || !userGuilds) return false;
    for (const id of botGuilds) if (userGuilds.has(id)) return true;
    return false;
  }

  /** Replaces the user's presence; an activity that continues keeps its start time. */
  setPresence(userId: string, input: PresenceInput): UserRecord {
    const user = this.requireUser(userId);
    const activities = validatePresence(input);
    const now = Date.now();
    const previous = user.presence.activities;
    user.presence = {
      status: input.status,
      activities:
        input.status === 'offline'
          ? []
          : activities.map((activity): ActivityRecord => {
              const same = previous.find((p) => p.name === activity.name && p.type === activity.type);
              return { ...activity, createdAt: same?.createdAt ?? now };
            }),
    };
    return user;
  }

  setHeartbeatAck(botId: string, ack: boolean): void {
    this.requireBot(botId).heartbeatAck = ack;
  }

  /** The bot's DM channel with a user, created on first use (one per pair, like Discord). */
  openDmChannel(botId: string, recipientId: string): ChannelRecord & { kind: 'dm' } {
    const key = `${botId}:${recipientId}`;
    const existing = this.#dmChannels.get(key);
    const channel = existing ? this.#channels.get(existing) : undefined;
    if (channel?.kind === 'dm') return channel;
    const created: ChannelRecord & { kind: 'dm' } = { kind: 'dm', id: this.#ids.next(), botId, recipientId };
    this.#channels.set(created.id, created);
    this.#dmChannels.set(key, created.id);
    return created;
  }

  addMessage(message: Omit<MessageRecord, 'id' | 'at'>): MessageRecord {
    const record: MessageRecord = {
      id: this.#ids.next(),
      botId: message.botId,
      channelId: message.channelId,
      ...(message.recipientId === undefined ? {} : { recipientId: message.recipientId }),
      content: message.content,
      embeds: message.embeds,
      at: new Date().toISOString(),
    };
    this.#messages.push(record);
    return record;
  }

  /** Sent messages, oldest first. */
  messages(filter: MessageFilter = {}): MessageRecord[] {
    return this.#messages.filter(
      (m) =>
        (filter.botId === undefined || m.botId === filter.botId) &&
        (filter.recipientId === undefined || m.recipientId === filter.recipientId) &&
        (filter.channelId === undefined || m.channelId === filter.channelId),
    );
  }

  get messageCount(): number {
    return this.#messages.length;
  }

  clear(): void {
    this.#bots.clear();
    this.#botsByToken.clear();
    this.#users.clear();
    this.#guilds.clear();
    this.#memberships.clear();
    this.#channels.clear();
    this.#dmChannels.clear();
    this.#messages = [];
  }

  #guildIdsOf(memberId: string): Set<string> {
    let ids = this.#memberships.get(memberId);
    if (!ids) {
      ids = new Set();
      this.#memberships.set(memberId, ids);
    }
    return ids;
  }
}

function unique(ids: readonly string[]): string[] {
  if (!Array.isArray(ids)) throw new FakeDiscordError('INVALID_ARGUMENT', 'botIds and userIds must be arrays');
  return [...new Set<string>(ids)];
}

function validatePresence(input: PresenceInput): ActivityInput[] {
  if (!input || !STATUSES.has(input.status)) {
    throw new FakeDiscordError('INVALID_ARGUMENT', 'status must be online, idle, dnd or offline');
  }
  const activities = input.activities ?? [];
  if (!Array.isArray(activities)) {
    throw new FakeDiscordError('INVALID_ARGUMENT', 'activities must be an array');
  }
  return activities.map((activity, index) => {
    if (
      typeof activity?.name !== 'string' ||
      !Number.isInteger(activity.type) ||
      activity.type < 0 ||
      activity.type > MAX_ACTIVITY_TYPE
    ) {
      throw new FakeDiscordError(
        'INVALID_ARGUMENT',
        `activities[${index}] needs a name and a type from 0 to ${MAX_ACTIVITY_TYPE}`,
      );
    }
    return {
      name: activity.name,
      type: activity.type,
      ...(activity.state === undefined ? {} : { state: activity.state }),
      ...(activity.url === undefined ? {} : { url: activity.url }),
    };
  });
}

/**
 * Builders for the Discord JSON objects the fake sends, from its records. Field lists follow what
 * discord.js 14 reads (docs/fake-discord.md lists them); pure functions, no I/O.
 */
import { hasIntent, Intent } from './intents.js';
import type {
  ActivityRecord,
  BotRecord,
  ChannelRecord,
  GuildRecord,
  MessageRecord,
  PresenceRecord,
  UserRecord,
} from './records.js';
import type { FakeStore } from './store.js';

/** View Channel, Send Messages, Embed Links, Attach Files, Read History and the rest a bot uses. */
const EVERYONE_PERMISSIONS = '2248473465835073';
/** ApplicationFlags.GatewayPresenceLimited / GatewayGuildMembersLimited. */
const APPLICATION_FLAG_BY_INTENT = { GuildPresences: 1 << 13, GuildMembers: 1 << 15 } as const;

type Member = BotRecord | UserRecord;

export function userObject(member: Member): Record<string, unknown> {
  const isBot = 'token' in member;
  return {
    id: member.id,
    username: member.username,
    discriminator: '0',
    global_name: isBot ? null : member.username,
    avatar: null,
    ...(isBot ? { bot: true } : {}),
  };
}

export function botUserObject(bot: BotRecord): Record<string, unknown> {
  return { ...userObject(bot), verified: true, mfa_enabled: false, flags: 0 };
}

export function memberObject(member: Member, joinedAt: string): Record<string, unknown> {
  return {
    user: userObject(member),
    nick: null,
    avatar: null,
    roles: [],
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

export function activityObject(activity: ActivityRecord): Record<string, unknown> {
  return {
    name: activity.name,
    type: activity.type,
    created_at: activity.createdAt,
    timestamps: { start: activity.createdAt },
    ...(activity.state === undefined ? {} : { state: activity.state }),
    ...(activity.url === undefined ? {} : { url: activity.url }),
  };
}

export function presenceObject(
  userId: string,
  presence: PresenceRecord,
  guildId: string,
): Record<string, unknown> {
  return {
    user: { id: userId },
    guild_id: guildId,
    status: presence.status,
    activities: presence.activities.map(activityObject),
    client_status: presence.status === 'offline' ? {} : { desktop: presence.status },
  };
}

export function channelObject(channel: ChannelRecord, store: FakeStore): Record<string, unknown> {
  if (channel.kind === 'dm') {
    const recipient = store.user(channel.recipientId);
    return {
      id: channel.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: recipient ? [userObject(recipient)] : [],
    };
  }
  return {
    id: channel.id,
    type: 0,
    guild_id: channel.guildId,
    name: channel.name,
    position: 0,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

function membersOf(guild: GuildRecord, store: FakeStore): Member[] {
  const members: Member[] = [];
  for (const id of guild.botIds) {
    const bot = store.bot(id);
    if (bot) members.push(bot);
  }
  for (const id of guild.userIds) {
    const user = store.user(id);
    if (user) members.push(user);
  }
  return members;
}

/** The guild as REST's GET /guilds/:id returns it (no members or presences). */
export function guildObject(guild: GuildRecord): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    system_channel_id: guild.channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    vanity_url_code: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    features: [],
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: EVERYONE_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    application_id: null,
    max_members: 500_000,
  };
}

/**
 * GUILD_CREATE as a session with `intents` sees it: members need GuildMembers or GuildPresences
 * (otherwise only the bot itself), presences need GuildPresences and list only non-offline users.
 */
export function guildCreatePayload(
  guild: GuildRecord,
  store: FakeStore,
  botId: string,
  intents: number,
): Record<string, unknown> {
  const all = membersOf(guild, store);
  const seesMembers = hasIntent(intents, Intent.GuildMembers) || hasIntent(intents, Intent.GuildPresences);
  const members = seesMembers ? all : all.filter((m) => m.id === botId);
  const presences = hasIntent(intents, Intent.GuildPresences)
    ? guild.userIds.flatMap((id) => {
        const user = store.user(id);
        return user && user.presence.status !== 'offline' ? [presenceObject(id, user.presence, guild.id)] : [];
      })
    : [];
  const channel = store.channel(guild.channelId);
  return {
    ...guildObject(guild),
    unavailable: false,
    large: false,
    lazy: true,
    member_count: all.length,
    joined_at: guild.joinedAt,
    channels: channel ? [channelObject(channel, store)] : [],
    threads: [],
    members: members.map((m) => memberObject(m, guild.joinedAt)),
    presences,
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function readyPayload(
  bot: BotRecord,
  store: FakeStore,
  sessionId: string,
  resumeGatewayUrl: string,
): Record<string, unknown> {
  let flags = 0;
  for (const name of bot.grantedIntentNames) flags |= APPLICATION_FLAG_BY_INTENT[name];
  return {
    v: 10,
    user: botUserObject(bot),
    user_settings: {},
    guilds: store.guildsOf(bot.id).map((guild) => ({ id: guild.id, unavailable: true })),
    presences: [],
    private_channels: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    session_id: sessionId,
    session_type: 'normal',
    resume_gateway_url: resumeGatewayUrl,
    shard: [0, 1],
    application: { id: bot.id, flags },
    _trace: ['["fake-discord",{"micros":0}]'],
  };
}

export function messageObject(message: MessageRecord, author: BotRecord, guildId?: string): Record<string, unknown> {
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(guildId === undefined ? {} : { guild_id: guildId }),
    type: 0,
    author: userObject(author),
    content: message.content,
    embeds: message.embeds,
    attachments: [],
    components: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    flags: 0,
    timestamp: message.at,
    edited_timestamp: null,
  };
}

/** GUILD_MEMBERS_CHUNK answering op 8, in one chunk, echoing the nonce. */
export function guildMembersChunkPayload(
  guild: GuildRecord,
  store: FakeStore,
  request: { query: string; limit: number; presences: boolean; userIds: string[] | null; nonce: string | undefined },
): Record<string, unknown> {
  const all = membersOf(guild, store);
  let members: Member[];
  const notFound: string[] = [];
  if (request.userIds) {
    members = [];
    for (const id of request.userIds) {
      const member = all.find((m) => m.id === id);
      if (member) members.push(member);
      else notFound.push(id);
    }
  } else {
    const query = request.query.toLowerCase();
    members = all.filter((m) => m.username.toLowerCase().startsWith(query));
  }
  if (request.limit > 0) members = members.slice(0, request.limit);
  return {
    guild_id: guild.id,
    members: members.map((m) => memberObject(m, guild.joinedAt)),
    chunk_index: 0,
    chunk_count: 1,
    not_found: notFound,
    ...(request.presences
      ? {
          presences: members.flatMap((m) =>
            'presence' in m && m.presence.status !== 'offline' ? [presenceObject(m.id, m.presence, guild.id)] : [],
          ),
        }
      : {}),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  };
}

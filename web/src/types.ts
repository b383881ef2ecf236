// The API's shapes as the dashboard names them, derived from the server's TypeBox schemas (the
// ones beside the routes in src/api/): a route whose schema changes fails the dashboard's type
// check. Type-only imports: the schemas themselves never reach the browser bundle
// (scripts/build-web.mjs refuses a bundle holding server code).
import type { Static } from 'typebox';
import type * as accounts from '../../src/api/accounts/schemas.js';
import type * as auth from '../../src/api/auth/schemas.js';
import type * as discovery from '../../src/api/discovery/schemas.js';
import type * as events from '../../src/api/events/schemas.js';
import type * as friends from '../../src/api/friends/schemas.js';
import type * as history from '../../src/api/history/schemas.js';
import type * as system from '../../src/api/system/schemas.js';

// Answers.
export type User = Static<typeof auth.User>;
export type AccessToken = Static<typeof auth.AccessToken>;
export type Account = Static<typeof accounts.Account>;
export type AccountPage = Static<typeof accounts.AccountPage>;
export type WorkerState = Static<typeof accounts.WorkerStateSchema>;
export type LastError = Static<typeof accounts.LastError>;
export type RuleOverride = NonNullable<Account['settings']['defaultRules']>;
export type Trigger = NonNullable<RuleOverride['triggers']>[number];
export type Friend = Static<typeof friends.Friend>;
export type FriendPage = Static<typeof friends.FriendPage>;
export type Presence = Static<typeof friends.Presence>;
export type Decision = Static<typeof friends.Decision>;
export type ContentPage = Static<typeof history.ContentPage>;
export type ContentEntry = Static<typeof history.ContentEntry>;
export type GuildPage = Static<typeof discovery.GuildPage>;
export type MemberPage = Static<typeof discovery.MemberPage>;
export type Member = Static<typeof discovery.Member>;
export type StatusBody = Static<typeof system.StatusBody>;
/** Admins only, when the embedded store runs in its own process. */
export type StoreProcessFigures = NonNullable<NonNullable<StatusBody['server']>['embeddedStore']>;
export type MetricsHistory = Static<typeof system.HistoryBody>;
export type MetricsSample = Static<typeof system.MetricsSample>;
export type EventTicket = Static<typeof events.TicketBody>;

// Request bodies.
export type RegisterBody = Static<typeof auth.RegisterBody>;
export type LoginBody = Static<typeof auth.LoginBody>;
export type CreateAccountBody = Static<typeof accounts.CreateAccountInput>;
export type UpdateAccountBody = Static<typeof accounts.UpdateAccountInput>;
export type CreateFriendBody = Static<typeof friends.CreateFriend>;

// The live stream (`GET /api/events`): each event by its SSE name. The bus's events carry `at`
// (epoch ms) besides their data; the stream's own (hello, reset, disconnect) do not.
type BusEvents = { [K in keyof events.LiveEventData]: events.LiveEventData[K] & { at: number } };
type StreamEvents = BusEvents & events.StreamEventData;
export type LiveEventType = keyof StreamEvents;
type AnyLiveEvent = { [K in LiveEventType]: { id: string; type: K; data: StreamEvents[K] } }[LiveEventType];
/** An event of the stream; `LiveEvent<'state' | 'reset'>` is one of those two, told apart by `type`. */
export type LiveEvent<T extends LiveEventType = LiveEventType> = Extract<AnyLiveEvent, { type: T }>;

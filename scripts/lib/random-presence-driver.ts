/**
 * Random presence changes in the fake Discord, about one a second: people come online, start and
 * stop games, music and streams, go idle or offline.
 */
import type { ActivityInput, PresenceInput, PresenceStatus } from '../../fake-discord/records.js';
import type { DemoPerson } from './demo-scenario.js';
import type { FakeDiscordClient } from '../../fake-discord/http-client.js';

/** Discord activity types: 0 playing, 2 listening, 3 watching, 5 competing. */
export const DEMO_ACTIVITIES: readonly ActivityInput[] = [
  { name: 'Factorio', type: 0 },
  { name: 'Chess', type: 0 },
  { name: 'Celeste', type: 0 },
  { name: 'Minecraft', type: 0 },
  { name: 'Hades', type: 0 },
  { name: 'Spotify', type: 2, state: 'lofi beats' },
  { name: 'YouTube', type: 3 },
  { name: 'Rocket League', type: 5 },
];

const AWAY_STATUSES: readonly PresenceStatus[] = ['idle', 'dnd'];

export type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** The next presence of someone whose presence is `current`: mostly a new activity. */
export function nextPresence(current: PresenceInput, random: Random = Math.random): PresenceInput {
  const roll = random();
  if (roll < 0.12 && current.status !== 'offline') return { status: 'offline', activities: [] };
  if (roll < 0.25 && current.status !== 'offline') {
    const status = current.status === 'online' ? pick(AWAY_STATUSES, random) : 'online';
    return { status, activities: current.activities ?? [] };
  }
  if (roll < 0.35 && (current.activities?.length ?? 0) > 0) return { status: 'online', activities: [] };
  const playing = current.activities?.[0]?.name;
  const choices = DEMO_ACTIVITIES.filter((a) => a.name !== playing);
  return { status: 'online', activities: [pick(choices, random)] };
}

export interface PresenceDriverOptions {
  fake: FakeDiscordClient;
  people: DemoPerson[];
  /** Mean time between changes; each wait is 0.5× to 1.5× of it. */
  intervalMs: number;
  random?: Random;
  /** A change the fake refused (the demo reports it and carries on). */
  onError: (err: unknown) => void;
}

/** Changes one person's presence at a time until `stop()`, which waits for the change in flight. */
export class RandomPresenceDriver {
  readonly #opts: PresenceDriverOptions;
  readonly #random: Random;
  readonly #presences = new Map<string, PresenceInput>();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #stopped = false;
  #changes = 0;

  constructor(options: PresenceDriverOptions) {
    this.#opts = options;
    this.#random = options.random ?? Math.random;
  }

  get changes(): number {
    return this.#changes;
  }

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const delay = this.#opts.intervalMs * (0.5 + this.#random());
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#changeOne().finally(() => this.#schedule());
    }, delay);
  }

  async #changeOne(): Promise<void> {
    const person = pick(this.#opts.people, this.#random);
    const current = this.#presences.get(person.discordUserId) ?? { status: 'offline', activities: [] };
    const next = nextPresence(current, this.#random);
    try {
      await this.#opts.fake.setPresence(person.discordUserId, next);
      this.#presences.set(person.discordUserId, next);
      this.#changes++;
    } catch (err) {
      this.#opts.onError(err);
    }
  }
}

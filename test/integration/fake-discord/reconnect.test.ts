import { GatewayDispatchEvents, type GatewayDispatchPayload } from 'discord.js';
import { describe, expect } from 'vitest';
import { createWorld, loginAndWaitReady, test, waitFor } from './helpers.js';

function isPresenceOf(packet: GatewayDispatchPayload, activityName: string): boolean {
  return (
    packet.t === GatewayDispatchEvents.PresenceUpdate &&
    packet.d.activities?.some((activity) => activity.name === activityName) === true
  );
}

describe('fake Discord: disconnects, resumes and heartbeats', () => {
  test('after a network drop the client resumes and gets a presence change made while it was away exactly once', async ({ fake, newClient }) => {
    const { bot, friend } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const seen: GatewayDispatchPayload[] = [];
    client.on('raw', (packet: GatewayDispatchPayload) => seen.push(packet));
    const resumed = waitFor(fake, 'resumed');

    expect(fake.disconnectBot(bot.id)).toEqual({ closed: 1 });
    expect(fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'While away', type: 0 }] })).toEqual({ deliveredTo: 1 });
    await resumed;
    // Everything after this marker was sent after the replay, so a duplicate would precede it.
    const marker = waitFor(client, 'raw', (packet: GatewayDispatchPayload) => isPresenceOf(packet, 'Marker'));
    fake.setPresence(friend.id, { status: 'online', activities: [{ name: 'Marker', type: 0 }] });
    await marker;

    expect(seen.filter((packet) => isPresenceOf(packet, 'While away'))).toHaveLength(1);
    expect(seen.some((packet) => packet.t === GatewayDispatchEvents.Resumed)).toBe(true);
    expect(fake.stats()).toMatchObject({ identifies: 1, resumes: 1, connections: 1 });
  });

  test('when heartbeat ACKs stop the client drops the zombie connection and resumes', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const zombie = waitFor<[{ botId: string; code: number }]>(fake, 'disconnect');
    const resumed = waitFor(fake, 'resumed');

    fake.setHeartbeatAck(bot.id, false);
    const [{ code }] = await zombie;
    fake.setHeartbeatAck(bot.id, true);
    await resumed;

    expect(code).toBe(4200);
    expect(fake.stats()).toMatchObject({ identifies: 1, resumes: 1 });
  });

  test('a close with a resumable code (4000) makes the client resume', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const resumed = waitFor(fake, 'resumed');

    expect(fake.disconnectBot(bot.id, 4000)).toEqual({ closed: 1 });
    await resumed;

    expect(fake.stats()).toMatchObject({ identifies: 1, resumes: 1, connections: 1 });
  });

  test('a close with a fatal code (4004) stops the client with shardDisconnect', async ({ fake, newClient }) => {
    const { bot } = createWorld(fake);
    const client = newClient();
    await loginAndWaitReady(client, bot.token);
    const disconnected = new Promise<number>((resolve) => client.once('shardDisconnect', (event) => resolve(event.code)));

    fake.disconnectBot(bot.id, 4004);

    expect(await disconnected).toBe(4004);
    expect(fake.stats()).toMatchObject({ resumes: 0 });
  });

  test('disconnecting with close code 4200 is refused because discord.js would never reconnect', async ({ fake }) => {
    const { bot } = createWorld(fake);

    expect(() => fake.disconnectBot(bot.id, 4200)).toThrow(/4200/);
  });
});

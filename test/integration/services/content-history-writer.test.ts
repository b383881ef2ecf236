import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentHistoryWriter } from '../../../src/services/content-history-writer.js';
import { startTestModels, type TestModels } from '../../support/test-models.js';

let store: TestModels;
beforeAll(async () => {
  store = await startTestModels({ monitorCommands: true });
});
afterAll(async () => store.stop());

describe('ContentHistoryWriter', () => {
  it('writes a row at once when no write is running, gathers rows arriving meanwhile, and stores them as mongoose would', async () => {
    const { conn, models } = store;
    const writer = new ContentHistoryWriter(models.ContentHistory);
    const accountId = new mongoose.Types.ObjectId();
    const row = (n: number) => ({
      accountId,
      friendId: new mongoose.Types.ObjectId(),
      discordUserId: '123456789012345678',
      item: { id: `item ${n}`, type: 'text', url: undefined, text: 'hi' },
      status: 'sent',
      reason: undefined,
      at: new Date(),
    });
    const inserts: number[] = [];
    const during: Array<Promise<boolean>> = [];
    conn.getClient().on('commandStarted', (ev) => {
      const command = ev.command as { insert?: string; documents?: unknown[] };
      if (ev.commandName !== 'insert' || command.insert !== 'contenthistories') return;
      inserts.push(command.documents?.length ?? 0);
      // Three rows arrive while the first write is on the wire.
      if (inserts.length === 1) for (let i = 2; i <= 4; i++) during.push(writer.write(row(i)));
    });
    await writer.write(row(1));
    await Promise.all(during);
    expect(inserts).toEqual([1, 3]);
    const stored = await models.ContentHistory.find({ accountId }).sort({ 'item.id': 1 }).lean();
    expect(stored.map((s) => s.item?.id)).toEqual(['item 1', 'item 2', 'item 3', 'item 4']);
    // Fields left undefined are absent, not null (as `create` stored them).
    expect(stored[0]).not.toHaveProperty('reason');
    expect(stored[0]?.item).toEqual({ id: 'item 1', type: 'text', text: 'hi' });
  });

  it('with gatherMs, rows handed over within the window go in one write; a row `keep` refuses when the write starts is dropped', async () => {
    const { conn, models } = store;
    const refused = new Set<string>();
    const writer = new ContentHistoryWriter(models.ContentHistory, { gatherMs: 200, keep: (row) => !refused.has(String(row.discordUserId)) });
    const accountId = new mongoose.Types.ObjectId();
    const inserts: number[] = [];
    conn.getClient().on('commandStarted', (ev) => {
      const command = ev.command as { insert?: string; documents?: Array<{ accountId?: unknown }> };
      if (ev.commandName === 'insert' && command.insert === 'contenthistories' && String(command.documents?.[0]?.accountId) === String(accountId)) {
        inserts.push(command.documents?.length ?? 0);
      }
    });
    const written = ['1', '2', '3'].map((discordUserId) => writer.write({ accountId, discordUserId, status: 'sent', at: new Date() }));
    // Refused after hand-over, before the write: checked when the write starts.
    refused.add('2');
    expect(await Promise.all(written)).toEqual([true, false, true]);
    expect(inserts).toEqual([2]);
    const stored = await models.ContentHistory.find({ accountId }).sort({ discordUserId: 1 }).lean();
    expect(stored.map((s) => s.discordUserId)).toEqual(['1', '3']);
  });
});

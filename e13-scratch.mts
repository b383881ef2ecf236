import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from './src/db/embedded/index.ts';
const store = await startEmbeddedMongo({});
const client = await new MongoClient(store.uri).connect();
const c = client.db('t').collection('c');
await c.insertOne({ _id: 1 as never, a: 1 });
const tries: Array<[string, () => Promise<unknown>]> = [
  ['agg setField dotted', () => c.aggregate([{ $replaceWith: { $setField: { field: 'a.b', input: '$$ROOT', value: 2 } } }]).toArray()],
  ['agg setField dollar', () => c.aggregate([{ $replaceWith: { $setField: { field: { $literal: '$x' }, input: '$$ROOT', value: 2 } } }]).toArray()],
  ['agg replaceWith dotted literal', () => c.aggregate([{ $replaceWith: { 'a.b': 1 } }]).toArray()],
  ['agg getField', () => c.aggregate([{ $project: { v: { $getField: 'a' } } }]).toArray()],
  ['upd setField dotted', () => c.updateOne({ _id: 1 as never }, [{ $replaceWith: { $setField: { field: 'x.y', input: '$$ROOT', value: 2 } } }])],
  ['upd setField dollar', () => c.updateOne({ _id: 1 as never }, [{ $replaceWith: { $setField: { field: { $literal: '$z' }, input: '$$ROOT', value: 2 } } }])],
  ['upd set dotted', () => c.updateOne({ _id: 1 as never }, [{ $set: { 'q.r': 2 } }])],
  ['find', () => c.find().toArray()],
];
for (const [name, fn] of tries) {
  try { console.log(name, JSON.stringify(await fn())); } catch (e) { const x = e as any; console.log(name, 'ERR', x.code, x.codeName, x.message); }
}
await client.close(); await store.stop();

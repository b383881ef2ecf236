import { calculateObjectSize } from 'bson';
import { numberOf, toLong } from '../bson/values.js';
import type { Catalog } from '../engine/catalog.js';
import { CommandError } from '../errors.js';
import type { CommandHandler } from './command-context.js';

/** A database's documents: how many, and their BSON size in bytes (mongod's `dataSize`). */
export function documentStats(catalog: Catalog, db: string): { objects: number; dataSize: number } {
  let objects = 0;
  let dataSize = 0;
  for (const collection of catalog.collections(db)) {
    objects += collection.records.size;
    for (const record of collection.records.values()) dataSize += calculateObjectSize(record.doc);
  }
  return { objects, dataSize };
}

/** `scale`: sizes are divided by its integer part, which must be at least 1 (as in mongod). */
function scaleOf(value: unknown): number {
  if (value === undefined) return 1;
  const scale = numberOf(value);
  if (scale === undefined) throw new CommandError('TypeMismatch', "BSON field 'dbStats.scale' is the wrong type, expected a number");
  if (Math.trunc(scale) < 1) throw new CommandError('BadValue', 'scale has to be >= 1');
  return Math.trunc(scale);
}

/**
 * `db.stats()`, as mongod 7.0 shapes it (the counts as int64). Documents are stored as the BSON
 * they are counted by and indexes are held in memory only, so `storageSize` is `dataSize` and
 * `indexSize` 0; the file system figures are not reported (0, as mongod gives for a database
 * that does not exist).
 */
const dbStats: CommandHandler = (command, context) => {
  const scale = scaleOf(command.scale);
  const collections = context.catalog.collections(context.db);
  const { objects, dataSize } = documentStats(context.catalog, context.db);
  const indexes = collections.reduce((sum, collection) => sum + collection.indexSpecs().length, 0);
  return {
    db: context.db,
    collections: toLong(collections.length),
    views: toLong(0),
    objects: toLong(objects),
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize: dataSize / scale,
    storageSize: dataSize / scale,
    indexes: toLong(indexes),
    indexSize: 0,
    totalSize: dataSize / scale,
    scaleFactor: toLong(scale),
    fsUsedSize: 0,
    fsTotalSize: 0,
    ok: 1,
  };
};

export const dbStatsCommands: Record<string, CommandHandler> = { dbStats };

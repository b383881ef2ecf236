import { type Connection, type InferSchemaType, Schema } from 'mongoose';

const systemMetricsSchema = new Schema(
  {
    at: { type: Date, required: true },
    process: {
      rss: Number,
      heapUsed: Number,
      cpuPercent: Number,
      eventLoopLagMs: Number,
    },
    workers: {
      total: Number,
      byState: { type: Schema.Types.Mixed },
      rssTotal: Number,
    },
    rates: {
      eventsPerSec: Number,
      deliveriesPerSec: Number,
    },
  },
  { versionKey: false, minimize: false },
);

export type SystemMetrics = InferSchemaType<typeof systemMetricsSchema>;

export function systemMetricsModel(conn: Connection, retentionDays: number) {
  const schema = systemMetricsSchema.clone();
  schema.index({ at: 1 }, { expireAfterSeconds: retentionDays * 86_400 });
  return conn.model('SystemMetrics', schema, 'systemmetrics');
}

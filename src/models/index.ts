import type { Connection } from 'mongoose';
import { activityHistoryModel } from './activity-history.js';
import { clusterNodeModel } from './cluster-node.js';
import { contentHistoryModel } from './content-history.js';
import { discordAccountModel } from './discord-account.js';
import { friendModel } from './friend.js';
import { quotaCounterModel } from './quota-counter.js';
import { rateBucketModel } from './rate-bucket.js';
import { systemMetricsModel } from './system-metrics.js';
import { userModel } from './user.js';

export interface ModelOptions {
  activityRetentionDays: number;
  metricsRetentionDays: number;
}

/** Binds every model to one connection, so several apps (tests) can run in one process. */
export function createModels(conn: Connection, options: ModelOptions) {
  return {
    User: userModel(conn),
    DiscordAccount: discordAccountModel(conn),
    Friend: friendModel(conn),
    ActivityHistory: activityHistoryModel(conn, options.activityRetentionDays),
    ContentHistory: contentHistoryModel(conn),
    SystemMetrics: systemMetricsModel(conn, options.metricsRetentionDays),
    ClusterNode: clusterNodeModel(conn),
    QuotaCounter: quotaCounterModel(conn),
    RateBucket: rateBucketModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;

// Metrics of live delivery at /ws, on the gateway's registry.
import { Counter, type Registry } from 'prom-client';
import type { ResyncReason } from './replay.js';

export type ResumeOutcome = 'replayed' | 'resync';

export interface LiveMetrics {
  /** Events received by this replica on the channels of its connected users. */
  eventsReceived: Counter;
  /** Event messages sent to sockets (live and replayed). */
  eventsDelivered: Counter<'path'>;
  resumes: Counter<'outcome'>;
  resyncs: Counter<'reason'>;
}

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const registers = [registry];
  return {
    eventsReceived: new Counter({
      name: 'gateway_live_events_received_total',
      help: 'User events received by this replica on the channels of the users connected to it',
      registers,
    }),
    eventsDelivered: new Counter({
      name: 'gateway_live_events_delivered_total',
      help: 'User events sent to WebSocket connections, by path (live, replay)',
      labelNames: ['path'] as const,
      registers,
    }),
    resumes: new Counter({
      name: 'gateway_live_resumes_total',
      help: 'Resume requests by outcome (replayed, resync)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    resyncs: new Counter({
      name: 'gateway_live_resyncs_total',
      help: 'Resumes answered with resync, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}

export type ResyncMetricReason = ResyncReason | 'already_resumed' | 'resume_too_late';

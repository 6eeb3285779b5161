// The chat service's own Prometheus metrics, on the host's registry (bounded labels only).
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ChatMetrics {
  /** Turns by how they ended: complete, stopped, error. */
  turns: Counter<'status'>;
  /** Model failures by code (no_model_configured, model_unavailable …). */
  modelErrors: Counter<'code'>;
  /** Tool calls by tool and outcome (ok, error); unknown tool names count as `unknown`. */
  toolCalls: Counter<'tool' | 'outcome'>;
  /** Generations running on this replica. */
  running: Gauge;
}

export function createChatMetrics(registry: Registry): ChatMetrics {
  return {
    turns: new Counter({
      name: 'chat_turns_total',
      help: 'Agent turns, by final status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    modelErrors: new Counter({
      name: 'chat_model_errors_total',
      help: 'Turns that ended in a model failure, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'chat_tool_calls_total',
      help: 'Tool calls the agent made, by tool and outcome',
      labelNames: ['tool', 'outcome'] as const,
      registers: [registry],
    }),
    running: new Gauge({
      name: 'chat_generations_running',
      help: 'Generations running on this replica',
      registers: [registry],
    }),
  };
}

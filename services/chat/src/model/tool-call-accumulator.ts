// Streamed tool calls arrive as deltas per `index` (OpenAI: the first delta carries id and
// name, later ones argument fragments to concatenate; Ollama through the bridge: one whole call
// per index). This collects them into complete calls, in index order.
import { randomUUID } from 'node:crypto';

export interface ToolCallDelta {
  index: number;
  id?: string | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

export interface ModelToolCall {
  id: string;
  name: string;
  /** The arguments exactly as the model wrote them (JSON text, possibly invalid). */
  arguments: string;
}

export class ToolCallAccumulator {
  private readonly calls = new Map<number, { id?: string; name: string; arguments: string }>();

  add(deltas: readonly ToolCallDelta[]): void {
    for (const d of deltas) {
      const call = this.calls.get(d.index) ?? { name: '', arguments: '' };
      if (d.id) call.id = d.id;
      // Names are never fragmented; some providers repeat them on every delta.
      if (d.function?.name && !call.name) call.name = d.function.name;
      if (d.function?.arguments) call.arguments += d.function.arguments;
      this.calls.set(d.index, call);
    }
  }

  get size(): number {
    return this.calls.size;
  }

  /** The complete calls in index order; a call without an id gets a generated one. */
  result(newId: () => string = () => `call_${randomUUID()}`): ModelToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({ id: c.id ?? newId(), name: c.name, arguments: c.arguments }));
  }
}

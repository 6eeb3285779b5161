// Runs one tool call of the model: an unknown (or not permitted) tool and invalid arguments are
// answered with a tool error the model can correct, without running anything; a failing
// service call becomes a tool error too. The result is JSON text for the tool message.
import { HttpProblem } from '@elwosa/runtime';
import type { ModelToolCall } from '../model/tool-call-accumulator.js';
import { type ToolContext, type ToolDefinition, validateArguments } from '../tools/tool.js';

export interface ToolOutcome {
  ok: boolean;
  /** JSON text handed back to the model. */
  content: string;
  error: string | null;
}

const failure = (error: string): ToolOutcome => ({ ok: false, content: JSON.stringify({ error }), error });

export async function executeToolCall(
  call: ModelToolCall,
  offered: readonly ToolDefinition[],
  ctx: ToolContext,
): Promise<ToolOutcome> {
  const tool = offered.find((t) => t.name === call.name);
  if (!tool)
    return failure(
      `unknown tool "${call.name}"; available: ${offered.map((t) => t.name).join(', ') || 'none'}`,
    );
  const validated = validateArguments(tool, call.arguments);
  if (!validated.ok) return failure(validated.error);
  try {
    const result = await tool.run(validated.args as never, ctx);
    return { ok: true, content: JSON.stringify(result), error: null };
  } catch (err) {
    if (err instanceof HttpProblem) return failure(`${call.name} failed (${err.status}): ${err.message}`);
    return failure(`${call.name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

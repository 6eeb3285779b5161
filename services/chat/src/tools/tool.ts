// An agent tool: a name, a description for the model, the permission it needs, its arguments
// as one zod schema (the model gets the JSON schema generated from it; what the model sends is
// validated against it before anything runs), and what it does, as the user.
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';

/** A call to another service as the user (their bearer token): resolves the JSON body or throws. */
export type UserServiceCall = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

export interface ToolContext {
  tasks: UserServiceCall;
  memory: UserServiceCall;
}

export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  permission: string;
  parameters: S;
  run(args: z.output<S>, ctx: ToolContext): Promise<unknown>;
}

/** Keeps the argument type of `run` tied to the schema. */
export function defineTool<S extends z.ZodType>(tool: ToolDefinition<S>): ToolDefinition<S> {
  return tool;
}

/** The JSON schema the model sees for a tool's arguments (what a client may send: defaults optional). */
export function parametersSchema(tool: ToolDefinition): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return schema;
}

export function toModelTool(tool: ToolDefinition): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: parametersSchema(tool) },
  };
}

export type ValidatedCall = { ok: true; args: unknown } | { ok: false; error: string };

/** Parses and validates the model's argument text; the error explains what to fix. */
export function validateArguments(tool: ToolDefinition, argumentText: string): ValidatedCall {
  let json: unknown;
  try {
    json = argumentText.trim() === '' ? {} : JSON.parse(argumentText);
  } catch {
    return { ok: false, error: 'the arguments are not valid JSON' };
  }
  const result = tool.parameters.safeParse(json);
  if (result.success) return { ok: true, args: result.data };
  const issues = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`);
  return { ok: false, error: `invalid arguments: ${issues.join('; ')}` };
}

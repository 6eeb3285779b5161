// OpenAPI 3.1 document built from the route specs (the same zod schemas that validate requests).
import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
  },
};

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const params: JsonSchema[] = [];
  const add = (location: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = toJsonSchema(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, propSchema] of Object.entries(properties)) {
      params.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: propSchema,
      });
    }
  };
  add('path', spec.params);
  add('query', spec.query);
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    params.push({
      name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: { type: 'string' },
    });
  }
  return params;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export function buildOpenApiDocument(info: OpenApiInfo, routes: readonly RouteSpec[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    const path = openApiPath(spec.path);
    const operation: JsonSchema = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      security: spec.auth === 'public' ? [] : [{ bearerAuth: [] }],
      parameters: parameters(spec),
      responses: Object.fromEntries(
        Object.entries(spec.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { 'application/json': { schema: toJsonSchema(response.schema, 'output') } } }
              : {}),
          },
        ]),
      ),
    };
    if (spec.auth !== 'public') {
      (operation.responses as JsonSchema)['401'] ??= {
        description: 'Missing or invalid access token',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    (operation.responses as JsonSchema).default = {
      description: 'Error (RFC 9457 problem details)',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toJsonSchema(spec.body, 'input') } },
      };
    }
    paths[path] ??= {};
    paths[path][spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

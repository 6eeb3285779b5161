// Fake model providers for tests and benchmarks (node:http on 127.0.0.1, no network):
// `startFakeOllama` (native NDJSON API) and `startFakeOpenAI` (SSE API), both scripted with the
// same scenarios. See docs/ai.md "Testing against fake providers".
export * from './fake-ollama.ts';
export * from './fake-openai.ts';
export type { FakeServerBase, RecordedRequest, Responder } from './fake-server.ts';
export * from './scenarios.ts';

// @elwosa/memory: long-term memory with semantic search (issue 5).
export {
  CreateMemoryBody,
  LIMITS,
  MEMORY_KINDS,
  type MemoryDto,
  MemoryDto as MemoryDtoSchema,
  memoryRouteSpecs,
  memoryRoutes,
  SearchBody,
  type SearchResultDto,
} from './api.js';
export { MEMORY_SCHEMA, memoryMigrationsDir, startMemory } from './service.js';

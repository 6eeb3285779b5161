// The platform's API shapes as the dashboard uses them (docs/api.md and each service's
// src/api.ts); written once here, used by every page through client.ts.

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// auth
export interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  mfaEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}
export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: User;
}
export interface MfaChallenge {
  mfaRequired: true;
  challengeToken: string;
}
export type LoginResult = TokenPair | MfaChallenge;
export interface Session {
  id: string;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}
export interface MfaEnrolment {
  otpauthUri: string;
  qrDataUrl: string;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
export interface AuditEvent {
  id: string;
  at: string;
  event: string;
  outcome: string;
  userId: string | null;
  actorId: string | null;
  ip: string;
  userAgent: string;
  requestId: string;
  details: Record<string, unknown>;
}

// tasks
export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export interface Step {
  id: string;
  title: string;
  done: boolean;
}
export interface Task {
  id: string;
  ownerId: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueAt: string | null;
  startAt: string | null;
  tags: string[];
  steps: Step[];
  progress: { done: number; total: number; percent: number };
  version: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}
export interface TaskInput {
  title: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  dueAt?: string | null;
  startAt?: string | null;
  tags?: string[];
}
export interface TaskCreateInput extends TaskInput {
  steps?: { title: string; done?: boolean }[];
}
export interface TaskQuery {
  status?: TaskStatus[];
  priority?: TaskPriority[];
  tag?: string;
  q?: string;
  overdue?: boolean;
  sort?: string;
  cursor?: string;
  limit?: number;
}
export interface TaskChanges {
  upserts: Task[];
  deletions: { id: string; deletedAt: string }[];
  nextCursor: string;
  hasMore: boolean;
}

// notifications
export interface Notification {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}
export type NotificationPreferences = Record<string, Record<string, boolean>>;

// chat
export interface Conversation {
  id: string;
  title: string;
  titleSource: 'auto' | 'user';
  activeLeafId: string | null;
  generating: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'error';
export interface Message {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  toolCalls: ToolCall[] | null;
  toolCallId: string | null;
  toolName: string | null;
  status: MessageStatus;
  finishReason: string | null;
  error: string | null;
  model: string | null;
  createdAt: string;
  siblingIds?: string[];
}
export interface Branch {
  conversation: Conversation;
  messages: Message[];
}
export interface TurnStarted {
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
}

// memory
export const MEMORY_KINDS = ['fact', 'preference', 'note', 'context'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];
export interface Memory {
  id: string;
  kind: MemoryKind;
  content: string;
  tags: string[];
  source: string;
  pinned: boolean;
  createdAt: string;
  updatedAt: string;
  embeddingModel: string | null;
}
export interface MemoryInput {
  kind?: MemoryKind;
  content?: string;
  tags?: string[];
  pinned?: boolean;
}
export interface MemorySearchResult {
  model: string;
  items: { score: number; memory: Memory }[];
}

// analytics
export interface Figures {
  requests: number;
  errors: number;
  unpricedRequests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costMicroUsd: number;
  costUsd: string;
}
export interface UsageDay extends Figures {
  day: string;
  tasksCreated: number;
  tasksCompleted: number;
}
export interface UsageReport {
  from: string;
  to: string;
  scope: 'user' | 'all';
  days: UsageDay[];
  totals: Figures & { tasksCreated: number; tasksCompleted: number };
}
export interface CostRow extends Figures {
  day?: string;
  userId?: string;
  provider?: string;
  model?: string;
  latencyAvgMs: number | null;
  latencyP95Ms: number | null;
}
export interface CostReport {
  from: string;
  to: string;
  groupBy: 'model' | 'user' | 'day';
  rows: CostRow[];
  totals: Figures;
}
export interface ReportQuery {
  from?: string;
  to?: string;
  scope?: 'own' | 'all';
}

// ai
export interface RoutingReplica {
  url: string;
  healthy: boolean;
  inFlight: number;
  cap: number;
  coolingDown: boolean;
  cooldownRemainingMs: number;
  consecutiveFailures: number;
  lastFailureAt: string | null;
  lastError: string | null;
  lastProbeAt: string | null;
  version: string | null;
  models: string[] | null;
  loaded: string[];
}
export interface RoutingState {
  replicas: RoutingReplica[];
  openai: { configured: boolean; baseUrl: string | null };
  defaultModel: string | null;
  embeddingModel: string | null;
  fallbacks: Record<string, string[]>;
}
export interface AiUsageSummary {
  month: string;
  spentMicroUsd: number;
  budgetMicroUsd: number;
  limits: { rpm: number; tpm: number; maxStreams: number };
}

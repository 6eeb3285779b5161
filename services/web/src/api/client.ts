// The typed API client: one function per platform operation the dashboard uses, grouped by
// service. Pages never build URLs themselves.
import type { Http } from './http';
import type {
  AiUsageSummary,
  ApiKey,
  AuditEvent,
  Branch,
  Conversation,
  CostReport,
  LoginResult,
  Memory,
  MemoryInput,
  MemorySearchResult,
  MfaEnrolment,
  Notification,
  NotificationPreferences,
  Page,
  ReportQuery,
  RoutingState,
  Session,
  Task,
  TaskChanges,
  TaskCreateInput,
  TaskInput,
  TaskQuery,
  TokenPair,
  TurnStarted,
  UsageReport,
  User,
} from './types';

const id = (value: string) => encodeURIComponent(value);
const ifMatch = (version: number | undefined) =>
  version === undefined ? undefined : { 'If-Match': `"${version}"` };

export function createApi(http: Http) {
  const pub = { auth: false } as const;
  return {
    auth: {
      register: (body: { email: string; password: string; name: string }) =>
        http.json<{ message: string }>('/api/auth/register', { ...pub, method: 'POST', body }),
      login: (body: { email: string; password: string }) =>
        http.json<LoginResult>('/api/auth/login', { ...pub, method: 'POST', body }),
      loginMfa: (body: { challengeToken: string; code: string }) =>
        http.json<TokenPair>('/api/auth/login/mfa', { ...pub, method: 'POST', body }),
      refresh: (refreshToken: string) =>
        http.json<TokenPair>('/api/auth/refresh', { ...pub, method: 'POST', body: { refreshToken } }),
      logout: (scope: 'local' | 'global' = 'local') =>
        http.json<void>('/api/auth/logout', { method: 'POST', query: { scope } }),
      me: () => http.json<User>('/api/auth/me'),
      rename: (name: string) => http.json<User>('/api/auth/me', { method: 'PATCH', body: { name } }),
      changePassword: (body: { currentPassword: string; newPassword: string }) =>
        http.json<unknown>('/api/auth/me/password', { method: 'POST', body }),
      sessions: () => http.json<{ items: Session[] }>('/api/auth/sessions'),
      revokeSession: (sessionId: string) =>
        http.json<void>(`/api/auth/sessions/${id(sessionId)}`, { method: 'DELETE' }),
      enrolMfa: () => http.json<MfaEnrolment>('/api/auth/mfa/enrol', { method: 'POST' }),
      confirmMfa: (code: string) =>
        http.json<{ backupCodes: string[] }>('/api/auth/mfa/confirm', { method: 'POST', body: { code } }),
      disableMfa: (password: string) =>
        http.json<unknown>('/api/auth/mfa/disable', { method: 'POST', body: { password } }),
      apiKeys: () => http.json<{ items: ApiKey[] }>('/api/auth/api-keys'),
      createApiKey: (body: { name: string; expiresInDays?: number }) =>
        http.json<ApiKey & { key: string }>('/api/auth/api-keys', { method: 'POST', body }),
      revokeApiKey: (keyId: string) =>
        http.json<void>(`/api/auth/api-keys/${id(keyId)}`, { method: 'DELETE' }),
      users: (cursor?: string) => http.json<Page<User>>('/api/auth/users', { query: { cursor, limit: 100 } }),
      setRoles: (userId: string, roles: string[]) =>
        http.json<User>(`/api/auth/users/${id(userId)}/roles`, { method: 'PUT', body: { roles } }),
      setDisabled: (userId: string, disabled: boolean) =>
        http.json<User>(`/api/auth/users/${id(userId)}/${disabled ? 'disable' : 'enable'}`, {
          method: 'POST',
        }),
      audit: (cursor?: string) =>
        http.json<Page<AuditEvent>>('/api/auth/audit', { query: { cursor, limit: 50 } }),
    },
    tasks: {
      list: (query: TaskQuery) => http.json<Page<Task>>('/api/tasks', { query: { ...query } }),
      get: (taskId: string) => http.json<Task>(`/api/tasks/${id(taskId)}`),
      create: (body: TaskCreateInput, idempotencyKey?: string) =>
        http.json<Task>('/api/tasks', {
          method: 'POST',
          body,
          ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
        }),
      update: (taskId: string, body: Partial<TaskInput>, version?: number, idempotencyKey?: string) =>
        http.json<Task>(`/api/tasks/${id(taskId)}`, {
          method: 'PATCH',
          body,
          headers: { ...ifMatch(version), ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
        }),
      remove: (taskId: string, version?: number) =>
        http.json<void>(`/api/tasks/${id(taskId)}`, { method: 'DELETE', headers: { ...ifMatch(version) } }),
      addStep: (taskId: string, title: string, version?: number) =>
        http.json<Task>(`/api/tasks/${id(taskId)}/steps`, {
          method: 'POST',
          body: { title },
          headers: { ...ifMatch(version) },
        }),
      toggleStep: (taskId: string, stepId: string, version?: number) =>
        http.json<Task>(`/api/tasks/${id(taskId)}/steps/${id(stepId)}/toggle`, {
          method: 'POST',
          headers: { ...ifMatch(version) },
        }),
      removeStep: (taskId: string, stepId: string, version?: number) =>
        http.json<Task>(`/api/tasks/${id(taskId)}/steps/${id(stepId)}`, {
          method: 'DELETE',
          headers: { ...ifMatch(version) },
        }),
      changes: (since?: string) =>
        http.json<TaskChanges>('/api/tasks/changes', { query: { since, limit: 500 } }),
      tags: () => http.json<{ items: { tag: string; count: number }[] }>('/api/tasks/tags'),
    },
    notifications: {
      list: (query: { cursor?: string; unread?: boolean } = {}) =>
        http.json<Page<Notification>>('/api/notifications', { query: { ...query, limit: 50 } }),
      unreadCount: () => http.json<{ count: number }>('/api/notifications/unread-count'),
      markRead: (notificationId: string) =>
        http.json<Notification>(`/api/notifications/${id(notificationId)}/read`, { method: 'PATCH' }),
      markAllRead: () =>
        http.json<{ updated: number }>('/api/notifications/read-all', { method: 'POST', body: {} }),
      preferences: () => http.json<NotificationPreferences>('/api/notifications/preferences'),
      updatePreferences: (body: NotificationPreferences) =>
        http.json<NotificationPreferences>('/api/notifications/preferences', { method: 'PATCH', body }),
    },
    chat: {
      conversations: (q?: string) =>
        http.json<Page<Conversation>>('/api/chat/conversations', { query: { q, limit: 50 } }),
      create: () => http.json<Conversation>('/api/chat/conversations', { method: 'POST', body: {} }),
      get: (conversationId: string) => http.json<Branch>(`/api/chat/conversations/${id(conversationId)}`),
      rename: (conversationId: string, title: string) =>
        http.json<Conversation>(`/api/chat/conversations/${id(conversationId)}`, {
          method: 'PATCH',
          body: { title },
        }),
      remove: (conversationId: string) =>
        http.json<void>(`/api/chat/conversations/${id(conversationId)}`, { method: 'DELETE' }),
      send: (conversationId: string, content: string) =>
        http.json<TurnStarted>(`/api/chat/conversations/${id(conversationId)}/messages`, {
          method: 'POST',
          body: { content },
        }),
      regenerate: (conversationId: string, messageId: string) =>
        http.json<TurnStarted>(
          `/api/chat/conversations/${id(conversationId)}/messages/${id(messageId)}/regenerate`,
          { method: 'POST', body: {} },
        ),
      activateBranch: (conversationId: string, messageId: string) =>
        http.json<Branch>(`/api/chat/conversations/${id(conversationId)}/active-branch`, {
          method: 'PUT',
          body: { messageId },
        }),
      stop: (conversationId: string) =>
        http.json<{ stopping: boolean }>(`/api/chat/conversations/${id(conversationId)}/stop`, {
          method: 'POST',
        }),
    },
    memory: {
      list: (query: { kind?: string; tag?: string; pinned?: boolean; cursor?: string } = {}) =>
        http.json<Page<Memory>>('/api/memory/memories', { query: { ...query, limit: 100 } }),
      create: (body: MemoryInput & { content: string }) =>
        http.json<Memory>('/api/memory/memories', { method: 'POST', body }),
      update: (memoryId: string, body: MemoryInput) =>
        http.json<Memory>(`/api/memory/memories/${id(memoryId)}`, { method: 'PATCH', body }),
      remove: (memoryId: string) =>
        http.json<void>(`/api/memory/memories/${id(memoryId)}`, { method: 'DELETE' }),
      search: (query: string) =>
        http.json<MemorySearchResult>('/api/memory/search', { method: 'POST', body: { query, k: 20 } }),
    },
    analytics: {
      usage: (query: ReportQuery) => http.json<UsageReport>('/api/analytics/usage', { query: { ...query } }),
      costs: (query: ReportQuery & { groupBy: 'model' | 'user' | 'day' }) =>
        http.json<CostReport>('/api/analytics/ai-costs', { query: { ...query } }),
    },
    ai: {
      routing: () => http.json<RoutingState>('/api/ai/routing'),
      usage: () => http.json<AiUsageSummary>('/api/ai/usage'),
    },
  };
}

export type Api = ReturnType<typeof createApi>;

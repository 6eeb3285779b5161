// The auth service's HTTP API as data: request and response schemas and route specs. The
// service binds handlers to these; the gateway builds the OpenAPI document from them.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './crypto/passwords.js';

const email = z
  .email({ message: 'must be an email address' })
  .max(254)
  .transform((v) => v.trim().toLowerCase());
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);
const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);
const displayName = z.string().trim().min(1).max(100);
const otp = z.string().trim().min(6).max(16);
const uuidParam = z.object({ id: z.uuid() }).strict();

export const RegisterBody = z.object({ email, password: newPassword, name: displayName }).strict();
export const LoginBody = z.object({ email, password }).strict();
export const MfaLoginBody = z.object({ challengeToken: z.string().min(1).max(4096), code: otp }).strict();
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(256) }).strict();
export const LogoutQuery = z.object({ scope: z.enum(['local', 'global']).default('local') }).strict();
export const UpdateMeBody = z.object({ name: displayName }).strict();
export const ChangePasswordBody = z.object({ currentPassword: password, newPassword }).strict();
export const MfaConfirmBody = z.object({ code: otp }).strict();
export const MfaDisableBody = z.object({ password }).strict();
export const SetRolesBody = z
  .object({
    roles: z
      .array(z.enum(['admin', 'moderator', 'user']))
      .min(1)
      .max(3),
  })
  .strict();
export const CursorQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^\d{1,19}$/, 'invalid cursor')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export const UsersQuery = z
  .object({
    cursor: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export const ApiKeyDto = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const UserDto = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  mfaEnabled: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserDto = z.infer<typeof UserDto>;

export const TokenPairDto = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().int(),
  user: UserDto,
});
export const MfaChallengeDto = z.object({ mfaRequired: z.literal(true), challengeToken: z.string() });
export const SessionDto = z.object({
  id: z.uuid(),
  userAgent: z.string(),
  ip: z.string(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  current: z.boolean(),
});
export const AuditEventDto = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  event: z.string(),
  outcome: z.string(),
  userId: z.string().nullable(),
  actorId: z.string().nullable(),
  ip: z.string(),
  userAgent: z.string(),
  requestId: z.string(),
  details: z.record(z.string(), z.unknown()),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

const tags = ['auth'];
const admin = ['auth-admin'];

export const authRoutes = {
  register: defineRoute({
    operationId: 'register',
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create an account (the answer does not reveal whether the email was already registered)',
    tags,
    auth: 'public',
    body: RegisterBody,
    responses: {
      202: { description: 'Accepted; sign in to continue', schema: z.object({ message: z.string() }) },
    },
  }),
  login: defineRoute({
    operationId: 'login',
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with email and password; MFA users get a challenge token for the code step',
    tags,
    auth: 'public',
    body: LoginBody,
    responses: {
      200: { description: 'Tokens, or an MFA challenge', schema: z.union([TokenPairDto, MfaChallengeDto]) },
      429: { description: 'Too many failed attempts; see Retry-After' },
    },
  }),
  loginMfa: defineRoute({
    operationId: 'loginMfa',
    method: 'post',
    path: '/api/auth/login/mfa',
    summary: 'Complete sign-in with a TOTP or backup code',
    tags,
    auth: 'public',
    body: MfaLoginBody,
    responses: { 200: { description: 'Tokens', schema: TokenPairDto } },
  }),
  refresh: defineRoute({
    operationId: 'refresh',
    method: 'post',
    path: '/api/auth/refresh',
    summary: 'Exchange a refresh token for new tokens (single use, rotated)',
    tags,
    auth: 'public',
    body: RefreshBody,
    responses: { 200: { description: 'Tokens', schema: TokenPairDto } },
  }),
  logout: defineRoute({
    operationId: 'logout',
    method: 'post',
    path: '/api/auth/logout',
    summary: 'End this session (scope=local) or every session of the user (scope=global)',
    tags,
    auth: 'authenticated',
    query: LogoutQuery,
    responses: { 204: { description: 'Signed out' } },
  }),
  me: defineRoute({
    operationId: 'getMe',
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in user (also with an API key: "who am I" for scripts)',
    tags,
    auth: 'authenticated',
    apiKeys: true,
    responses: { 200: { description: 'User', schema: UserDto } },
  }),
  updateMe: defineRoute({
    operationId: 'updateMe',
    method: 'patch',
    path: '/api/auth/me',
    summary: 'Change the display name',
    tags,
    auth: { permission: 'profile:write' },
    body: UpdateMeBody,
    responses: { 200: { description: 'User', schema: UserDto } },
  }),
  changePassword: defineRoute({
    operationId: 'changePassword',
    method: 'post',
    path: '/api/auth/me/password',
    summary: 'Change the password (ends every other session)',
    tags,
    auth: { permission: 'profile:write' },
    body: ChangePasswordBody,
    responses: { 204: { description: 'Changed' } },
  }),
  listSessions: defineRoute({
    operationId: 'listSessions',
    method: 'get',
    path: '/api/auth/sessions',
    summary: 'Active sessions of the signed-in user',
    tags,
    auth: 'authenticated',
    responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(SessionDto) }) } },
  }),
  revokeSession: defineRoute({
    operationId: 'revokeSession',
    method: 'delete',
    path: '/api/auth/sessions/:id',
    summary: 'End one of the signed-in user’s sessions',
    tags,
    auth: 'authenticated',
    params: uuidParam,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such session of this user' } },
  }),
  mfaEnrol: defineRoute({
    operationId: 'mfaEnrol',
    method: 'post',
    path: '/api/auth/mfa/enrol',
    summary: 'Start TOTP enrolment: returns the otpauth URI and a QR code',
    tags,
    auth: { permission: 'profile:write' },
    responses: {
      200: {
        description: 'Enrolment details',
        schema: z.object({ otpauthUri: z.string(), qrDataUrl: z.string() }),
      },
    },
  }),
  mfaConfirm: defineRoute({
    operationId: 'mfaConfirm',
    method: 'post',
    path: '/api/auth/mfa/confirm',
    summary: 'Confirm enrolment with a code; returns 10 single-use backup codes (shown once)',
    tags,
    auth: { permission: 'profile:write' },
    body: MfaConfirmBody,
    responses: {
      200: { description: 'Backup codes', schema: z.object({ backupCodes: z.array(z.string()) }) },
    },
  }),
  mfaDisable: defineRoute({
    operationId: 'mfaDisable',
    method: 'post',
    path: '/api/auth/mfa/disable',
    summary: 'Turn MFA off (requires the password)',
    tags,
    auth: { permission: 'profile:write' },
    body: MfaDisableBody,
    responses: { 204: { description: 'Disabled' } },
  }),
  createApiKey: defineRoute({
    operationId: 'createApiKey',
    method: 'post',
    path: '/api/auth/api-keys',
    summary: 'Create a personal API key (the key is shown once) for scripts and OpenAI-compatible clients',
    tags,
    auth: { permission: 'profile:write' },
    body: CreateApiKeyBody,
    responses: { 201: { description: 'The new key', schema: ApiKeyDto.extend({ key: z.string() }) } },
  }),
  listApiKeys: defineRoute({
    operationId: 'listApiKeys',
    method: 'get',
    path: '/api/auth/api-keys',
    summary: 'Active API keys of the signed-in user (without the secrets)',
    tags,
    auth: 'authenticated',
    responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(ApiKeyDto) }) } },
  }),
  revokeApiKey: defineRoute({
    operationId: 'revokeApiKey',
    method: 'delete',
    path: '/api/auth/api-keys/:id',
    summary: 'Revoke one of your API keys (effective on the next request)',
    tags,
    auth: { permission: 'profile:write' },
    params: uuidParam,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key of this user' } },
  }),
  listUsers: defineRoute({
    operationId: 'listUsers',
    method: 'get',
    path: '/api/auth/users',
    summary: 'All users (admin)',
    tags: admin,
    auth: { permission: 'users:read' },
    query: UsersQuery,
    responses: { 200: { description: 'Users', schema: page(UserDto) } },
  }),
  setRoles: defineRoute({
    operationId: 'setUserRoles',
    method: 'put',
    path: '/api/auth/users/:id/roles',
    summary: 'Replace a user’s roles (admin; ends the user’s sessions)',
    tags: admin,
    auth: { permission: 'users:write' },
    params: uuidParam,
    body: SetRolesBody,
    responses: { 200: { description: 'User', schema: UserDto } },
  }),
  disableUser: defineRoute({
    operationId: 'disableUser',
    method: 'post',
    path: '/api/auth/users/:id/disable',
    summary: 'Disable a user (admin; ends the user’s sessions)',
    tags: admin,
    auth: { permission: 'users:write' },
    params: uuidParam,
    responses: { 200: { description: 'User', schema: UserDto } },
  }),
  enableUser: defineRoute({
    operationId: 'enableUser',
    method: 'post',
    path: '/api/auth/users/:id/enable',
    summary: 'Enable a disabled user (admin)',
    tags: admin,
    auth: { permission: 'users:write' },
    params: uuidParam,
    responses: { 200: { description: 'User', schema: UserDto } },
  }),
  audit: defineRoute({
    operationId: 'listAuditEvents',
    method: 'get',
    path: '/api/auth/audit',
    summary: 'The audit log, newest first, with a cursor (admin and moderator)',
    tags: admin,
    auth: { permission: 'audit:read' },
    query: CursorQuery,
    responses: { 200: { description: 'Events', schema: page(AuditEventDto) } },
  }),
  jwks: defineRoute({
    operationId: 'jwks',
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'Public keys that verify access tokens',
    tags,
    auth: 'public',
    responses: { 200: { description: 'JSON Web Key Set' } },
  }),
} as const;

export const authRouteSpecs: readonly RouteSpec[] = Object.values(authRoutes);

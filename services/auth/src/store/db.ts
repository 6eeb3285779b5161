// The auth service's Prisma client type and the row → DTO mappings. Nothing outside this
// service reads these tables.
import type { UserDto } from '../api.js';
import type { PrismaClient, User } from '../generated/prisma/client.js';

export type AuthDb = PrismaClient;
export type Tx = Parameters<Parameters<AuthDb['$transaction']>[0]>[0];

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    mfaEnabled: user.totpEnabledAt !== null,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

import { describe, expect, it } from 'vitest';
import { hasPermission, permissionsFor } from '../../src/index.js';

describe('roles and permissions', () => {
  it('grants users their own data only', () => {
    const user = permissionsFor(['user']);
    expect(hasPermission(user, 'tasks:write')).toBe(true);
    expect(hasPermission(user, 'users:write')).toBe(false);
    expect(hasPermission(user, 'audit:read')).toBe(false);
    expect(hasPermission(user, 'analytics:read:all')).toBe(false);
  });

  it('gives moderators read access to users and audit, not writes', () => {
    const moderator = permissionsFor(['moderator']);
    expect(hasPermission(moderator, 'audit:read')).toBe(true);
    expect(hasPermission(moderator, 'users:read')).toBe(true);
    expect(hasPermission(moderator, 'users:write')).toBe(false);
  });

  it('gives admins everything through admin:*', () => {
    const admin = permissionsFor(['admin']);
    expect(hasPermission(admin, 'users:write')).toBe(true);
    expect(hasPermission(admin, 'admin:anything:at-all')).toBe(true);
  });

  it('ignores unknown roles', () => {
    expect(permissionsFor(['root', 'superuser']).size).toBe(0);
  });
});

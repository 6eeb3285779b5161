// The authenticated caller, as every service sees it.
import { permissionsFor } from './permissions.js';

export interface Identity {
  userId: string;
  sessionId: string;
  roles: string[];
  permissions: ReadonlySet<string>;
}

export function identityFromClaims(claims: { sub: string; sid: string; roles: string[] }): Identity {
  return {
    userId: claims.sub,
    sessionId: claims.sid,
    roles: claims.roles,
    permissions: permissionsFor(claims.roles),
  };
}

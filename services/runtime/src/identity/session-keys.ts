// Cache keys shared by auth (writer) and every verifier (reader) for live-session checks.

/** Present while the session is active; deleted when it is revoked. */
export const activeSessionKey = (sessionId: string): string => `auth:session:${sessionId}`;

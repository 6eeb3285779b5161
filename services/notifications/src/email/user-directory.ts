// Who to email: the auth service's internal user lookup (never its tables).
import { createServiceClient, HttpProblem, USER_LOOKUP_PATH } from '@elwosa/runtime';

export interface Recipient {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
}

export interface UserDirectory {
  /** The user, or undefined when auth does not know them; throws when auth cannot be asked. */
  lookup(userId: string): Promise<Recipient | undefined>;
}

export function createUserDirectory(authUrl: string): UserDirectory {
  const client = createServiceClient(authUrl, { timeoutMs: 5_000 });
  return {
    async lookup(userId) {
      try {
        const res = await client.call<Recipient>('GET', `${USER_LOOKUP_PATH}/${encodeURIComponent(userId)}`);
        return res.body;
      } catch (err) {
        if (err instanceof HttpProblem && err.status === 404) return undefined;
        throw err;
      }
    },
  };
}

// The dashboard's long-lived objects, created once per page load: the token store, the HTTP
// client and the typed API on top of it, and the live socket.
import { type Api, createApi } from '../api/client';
import { Http } from '../api/http';
import { TokenStore } from '../auth/tokens';
import { LiveSocket } from '../live/live-socket';

export interface Services {
  tokens: TokenStore;
  api: Api;
  live: LiveSocket;
}

export function createServices(): Services {
  const tokens = new TokenStore();
  const api = createApi(new Http(tokens));
  tokens.setRefreshCall(api.auth.refresh);
  const live = new LiveSocket(async (fresh) =>
    fresh
      ? (await tokens.refresh())?.accessToken
      : (tokens.accessToken ?? (await tokens.refresh())?.accessToken),
  );
  return { tokens, api, live };
}

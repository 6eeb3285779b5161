// The signed-in sessions of the CLI, one per gateway URL, in the user's config directory
// ($XDG_CONFIG_HOME/elwosa or ~/.config/elwosa): a JSON file readable by the user only (0600, in
// a 0700 directory), replaced atomically so a crash never leaves half a token pair behind.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const sessionSchema = z.object({
  email: z.string(),
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Epoch ms after which the access token is refreshed before use. */
  accessExpiresAt: z.number(),
});
export type StoredSession = z.infer<typeof sessionSchema>;
const fileSchema = z.object({ sessions: z.record(z.string(), sessionSchema) });
type CredentialsFile = z.infer<typeof fileSchema>;

/** Where the CLI keeps its files (pure). */
export function configDir(env: Record<string, string | undefined>, home = os.homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'elwosa');
}

export class CredentialStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'credentials.json');
  }

  private async load(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sessions: {} };
      throw err;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is damaged; delete it and sign in again`);
    return parsed.data;
  }

  private async save(data: CredentialsFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }

  async get(url: string): Promise<StoredSession | undefined> {
    return (await this.load()).sessions[url];
  }

  async put(url: string, session: StoredSession): Promise<void> {
    const data = await this.load();
    data.sessions[url] = session;
    await this.save(data);
  }

  async remove(url: string): Promise<boolean> {
    const data = await this.load();
    if (!data.sessions[url]) return false;
    delete data.sessions[url];
    await this.save(data);
    return true;
  }
}

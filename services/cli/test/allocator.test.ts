// When `elwosa start` restarts itself with glibc's malloc setting (src/allocator.ts).
import { describe, expect, it, vi } from 'vitest';
import { allocatorRestartEnv, MALLOC_ENV } from '../src/allocator.js';

const glibc = () => true;

describe('allocatorRestartEnv', () => {
  it('adds the fixed mmap threshold on glibc and keeps the rest of the environment', () => {
    expect(allocatorRestartEnv({ PATH: '/bin', ELWOSA_DATA_DIR: '/data' }, glibc)).toEqual({
      PATH: '/bin',
      ELWOSA_DATA_DIR: '/data',
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
  });

  it('does nothing once the setting is there, so the restart happens once', () => {
    const restarted = allocatorRestartEnv({ PATH: '/bin' }, glibc)!;
    const asked = vi.fn(() => true);
    expect(allocatorRestartEnv(restarted, asked)).toBeUndefined();
    expect(asked).not.toHaveBeenCalled();
  });

  it('keeps a value the operator chose', () => {
    expect(allocatorRestartEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }, glibc)).toBeUndefined();
  });

  it('does nothing where malloc is not glibc (musl, macOS)', () => {
    expect(allocatorRestartEnv({ PATH: '/bin' }, () => false)).toBeUndefined();
  });

  it('sets only glibc tunables', () => {
    expect(Object.keys(MALLOC_ENV).every((name) => name.startsWith('MALLOC_'))).toBe(true);
  });
});

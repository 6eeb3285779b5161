// problemForError: the one place a failed request's error becomes its problem (service apps and
// the gateway's proxy path).
import { describe, expect, it } from 'vitest';
import { HttpProblem, problemForError } from '../../src/http/problem.js';

function recordingLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    error: (obj: object, msg: string) => void lines.push({ level: 'error', obj: { ...obj }, msg }),
    warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj: { ...obj }, msg }),
  };
}

describe('problemForError', () => {
  it('keeps an HttpProblem as it is, without asking the mappers or logging a 4xx', () => {
    const log = recordingLog();
    const problem = new HttpProblem(404, 'no such task');
    expect(problemForError(problem, [() => new HttpProblem(503, 'never')], log)).toBe(problem);
    expect(log.lines).toEqual([]);
  });

  it('takes the first mapper that answers, and logs a mapped 5xx at warn with the cause', () => {
    const log = recordingLog();
    const problem = problemForError(
      new Error('redis down'),
      [() => undefined, () => new HttpProblem(503, 'cache unavailable'), () => new HttpProblem(500, 'later')],
      log,
    );
    expect(problem.status).toBe(503);
    expect(log.lines).toEqual([
      { level: 'warn', obj: { err: 'redis down', status: 503 }, msg: 'request failed' },
    ]);
  });

  it('answers what nothing maps with a 500 and logs the error itself', () => {
    const log = recordingLog();
    const err = new TypeError('bug');
    const problem = problemForError(err, [() => undefined], log);
    expect(problem.status).toBe(500);
    expect(problem.message).toBe('internal error');
    expect(log.lines).toEqual([{ level: 'error', obj: { err }, msg: 'unhandled error' }]);
  });
});

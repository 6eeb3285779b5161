import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseUnavailable, isTransientConflict } from '../../src/db/errors.js';

// Shapes as pg, Node and Prisma 7 (with @prisma/adapter-pg) produce them; the integration
// tests (fault.test.ts) check the predicate against the real errors as well.
const prismaKnown = (code: string, driverCause?: object): Error =>
  Object.assign(new Error('Invalid `prisma.widget.count()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: driverCause
      ? {
          driverAdapterError: Object.assign(new Error('x'), {
            name: 'DriverAdapterError',
            cause: driverCause,
          }),
        }
      : {},
  });

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'Unix socket gone',
      Object.assign(new Error('connect ENOENT /tmp/x'), { code: 'ENOENT', syscall: 'connect' }),
    ],
    [
      'terminated backend',
      Object.assign(new Error('terminating connection'), { code: '57P01', severity: 'FATAL' }),
    ],
    ['server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['connection exception class 08', Object.assign(new Error('protocol'), { code: '08006' })],
    ['pg connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg pool timeout', new Error('timeout exceeded when trying to connect')],
    ['pool ended during shutdown', new Error('Cannot use a pool after calling end on the pool')],
    ['Prisma P1001', prismaKnown('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5999 })],
    ['Prisma P2024 pool timeout', prismaKnown('P2024')],
    ['Prisma P2028 transaction not started in time', prismaKnown('P2028')],
    [
      'Prisma raw query on a terminated connection',
      prismaKnown('P2010', { kind: 'postgres', code: '57P01', originalCode: '57P01', severity: 'FATAL' }),
    ],
    ['adapter ConnectionClosed', prismaKnown('P2010', { kind: 'ConnectionClosed' })],
    ['initialization error', Object.assign(new Error("Can't reach database server"), { errorCode: 'P1001' })],
    ['wrapped in a cause', new Error('loading user failed', { cause: new Error('Connection terminated') })],
    [
      'AggregateError of connects',
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
    ],
    ['readiness timeout', new DatabaseUnavailableError('database did not answer within 1500 ms')],
  ])('recognises %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaKnown('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a missing record', prismaKnown('P2025')],
    ['a syntax error', Object.assign(new Error('syntax error at or near "x"'), { code: '42601' })],
    ['a missing file', Object.assign(new Error('ENOENT: open'), { code: 'ENOENT', syscall: 'open' })],
    ['a plain error', new Error('boom')],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
  ])('does not treat %s as unavailability', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it('survives cyclic causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe('isTransientConflict', () => {
  it.each([
    // As Prisma 7 with @prisma/adapter-pg reports a raw statement that lost a deadlock.
    [
      'a deadlock in a raw statement',
      prismaKnown('P2010', {
        originalCode: '40P01',
        originalMessage: 'deadlock detected',
        kind: 'TransactionWriteConflict',
      }),
    ],
    ['Prisma P2034', prismaKnown('P2034')],
    ['a pg serialization failure', Object.assign(new Error('could not serialize access'), { code: '40001' })],
    ['a pg deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
  ])('recognises %s', (_, err) => {
    expect(isTransientConflict(err)).toBe(true);
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it.each([
    ['a unique violation', prismaKnown('P2002', { kind: 'UniqueConstraintViolation' })],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a plain error', new Error('boom')],
  ])('does not treat %s as a conflict', (_, err) => {
    expect(isTransientConflict(err)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCode, NestorError } from '../../../src/core/errors.js';
import { isFullSha, isSha, validateRef } from '../../../src/core/release/ref.js';

function refusal(ref: string): NestorError {
  try {
    validateRef(ref);
  } catch (error) {
    expect(error).toBeInstanceOf(NestorError);
    return error as NestorError;
  }
  throw new Error(`accepted ${JSON.stringify(ref)}`);
}

describe('validateRef', () => {
  it('accepts branch, tag and sha names', () => {
    for (const ref of ['main', 'feature/x-1', 'release_2025.01', 'v1.2.3', 'deps/bump+lodash', 'fix#123', '1a2b3c4', 'a'.repeat(40), 'user@host']) {
      expect(validateRef(ref)).toBe(ref);
    }
  });

  it('refuses shell-like refs with one line naming the ref', () => {
    for (const ref of ['main;curl x|sh', '$(id)', '`id`', 'a|b', 'a&b', 'x>y', "it's", 'a"b', 'a b', '(x)', 'a\\b', '!x', '{a}']) {
      const error = refusal(ref);
      expect(error.code).toBe(ErrorCode.BadInput);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(JSON.stringify(ref));
      expect(error.message).not.toContain('\n');
    }
  });

  it('refuses what git check-ref-format refuses', () => {
    for (const ref of ['', '-x', '--upload-pack=x', 'a..b', 'a/', '/a', 'a//b', 'a.', '.a', 'a/.b', 'a.lock', 'a/b.lock/c', 'a@{1}', '@', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'x'.repeat(201)]) {
      expect(refusal(ref).code).toBe(ErrorCode.BadInput);
    }
  });

  it('refuses control characters and keeps the message on one line', () => {
    for (const ref of ['a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u007fb']) {
      const error = refusal(ref);
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });
});

describe('isSha', () => {
  it('recognises abbreviated and full lowercase shas', () => {
    expect(isSha('1a2b3c4')).toBe(true);
    expect(isSha('1a2b3c')).toBe(false);
    expect(isSha('1A2B3C4')).toBe(false);
    expect(isSha('main')).toBe(false);
    expect(isSha('f'.repeat(64))).toBe(true);
    expect(isFullSha('f'.repeat(40))).toBe(true);
    expect(isFullSha('f'.repeat(39))).toBe(false);
  });
});

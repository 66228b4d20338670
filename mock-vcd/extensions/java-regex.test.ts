import { describe, expect, it } from 'vitest';
import { compileJavaPattern } from './java-regex';

describe('Java UrlPattern matching', () => {
  it('matches the whole path, not a part of it', () => {
    const re = compileJavaPattern('/api/org/[^/]+/faas(/.*)?');
    expect(re.test('/api/org/acme/faas')).toBe(true);
    expect(re.test('/api/org/acme/faas/functions/hello')).toBe(true);
    expect(re.test('/api/org/acme/faasx')).toBe(false);
    expect(re.test('/prefix/api/org/acme/faas')).toBe(false);
  });

  it('understands Java-only syntax: inline flags, \\A \\z anchors, \\Q..\\E quoting, possessive quantifiers', () => {
    expect(compileJavaPattern('(?i)/API/ORG/.*').test('/api/org/acme')).toBe(true);
    expect(compileJavaPattern('\\A/api/x\\z').test('/api/x')).toBe(true);
    expect(compileJavaPattern('/api/\\Q.*+\\E').test('/api/.*+')).toBe(true);
    expect(compileJavaPattern('/api/\\Q.*+\\E').test('/api/abc')).toBe(false);
    expect(compileJavaPattern('/api/[a-z]++/x').test('/api/org/x')).toBe(true);
    expect(compileJavaPattern('/api/[+]+').test('/api/++')).toBe(true);
  });

  it('rejects a pattern that does not compile', () => {
    expect(() => compileJavaPattern('/api/(unclosed')).toThrow(SyntaxError);
  });
});

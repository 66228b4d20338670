/** Syntax checks of a container function's build: what the image build runs, and how its log is read. */

/**
 * Compiles handler.py without running it (in the image build, with the image's own python) and prints a syntax
 * error as `handler.py:LINE:COLUMN: SyntaxError: message`, the form syntaxErrorOf reads.
 */
export const PYTHON_SYNTAX_CHECK = `import ast, sys
try:
    ast.parse(open('/app/handler.py', encoding='utf-8').read(), 'handler.py')
except SyntaxError as e:
    print('handler.py:%s:%s: %s: %s' % (e.lineno or 0, e.offset or 0, type(e).__name__, e.msg))
    sys.exit(1)
except (ValueError, RecursionError, MemoryError) as e:
    print('handler.py:0:0: %s: %s' % (type(e).__name__, e))
    sys.exit(1)
`;

/**
 * A build log's syntax error: python's check line (`handler.py:3:7: SyntaxError: ...`), or node --check's
 * `/app/handler.js:3` followed by the source line and a caret under the column. Line and column are 1-based.
 */
export function syntaxErrorOf(text: string, fallback: string, handler: string): { message: string; line?: number; column?: number } {
  const name = handler.replace('.', '\\.');
  const python = new RegExp(`^${name}:(\\d+):(\\d+): (\\w*Error: .*)$`, 'm').exec(text);
  if (python) {
    const [line, column] = [Number(python[1]), Number(python[2])];
    return { message: python[3], ...(line > 0 ? { line } : {}), ...(column > 0 ? { column } : {}) };
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => new RegExp(`${name}:(\\d+)\\s*$`).test(l));
  const syntax = /^(\w*Error: .*)$/m.exec(text);
  const message = syntax?.[1] ?? fallback.trim().split('\n').slice(-1)[0] ?? 'build failed';
  if (at < 0) return { message };
  const line = Number(new RegExp(`${name}:(\\d+)`).exec(lines[at])![1]);
  const caret = lines[at + 2]?.indexOf('^') ?? -1;
  return { message, line, ...(caret >= 0 ? { column: caret + 1 } : {}) };
}

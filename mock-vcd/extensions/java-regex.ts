/**
 * vCD matches an API filter's UrlPattern as a Java regular expression against the whole request path.
 * This translates the Java-only syntax that commonly appears in such patterns into a JavaScript RegExp:
 * leading inline flags `(?i)`/`(?s)`/`(?m)`, `\A` `\Z` `\z` anchors, `\Q...\E` quoting and possessive
 * quantifiers (treated as greedy, which accepts the same paths for these anchored, simple patterns).
 */
export function compileJavaPattern(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if (inline[1].includes('x')) throw new SyntaxError('the (?x) comments flag is not supported');
    flags = [...new Set(inline[1])].join('');
    source = source.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new SyntaxError('the pattern ends with a lone backslash');
      if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const quoted = source.slice(i + 2, end < 0 ? source.length : end);
        out += quoted.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? source.length : end + 1;
        continue;
      }
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && (next === 'Z' || next === 'z')) out += '$';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += '\\' + source[++i];
      continue;
    }
    out += c;
    // A possessive quantifier (`*+`, `++`, `?+`, `{n}+`): drop the trailing `+`.
    if ((c === '*' || c === '+' || c === '?' || c === '}') && source[i + 1] === '+') i++;
  }
  return new RegExp(`^(?:${out})$`, flags);
}

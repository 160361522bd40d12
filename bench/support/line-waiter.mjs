/** Lines of a child's stdout, awaited one match at a time. */
export function lineWaiter(child) {
  const lines = [];
  let wake;
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
    wake?.();
  });
  let cursor = 0;
  return async (match) => {
    for (;;) {
      while (cursor < lines.length) {
        const line = lines[cursor++];
        if (match(line)) return line;
      }
      await new Promise((resolve) => (wake = resolve));
    }
  };
}

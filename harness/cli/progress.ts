// One progress line on a terminal; nothing when stderr is not a TTY or under CI, where
// carriage returns only clutter the log.
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = Boolean(stream.isTTY) && !process.env.CI;
  let shown = false;
  return {
    update(text: string) {
      if (!enabled) return;
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    clear() {
      if (enabled && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

# The Python drivers' shared part (harness/reference/driver.ts gives the protocol): settings from
# argv, "go"/"stop" on stdin, one row per request on stdout at the end, and the users' pacing in
# threads. A driver gives its library's version and one user: an object whose send() makes one
# request and says what came back, (status, kind, colour), and close().
import errno
import json
import os
import sys
import threading
import time


def colour_of(value):
    """Colour index of a response's colour header value: 1 blue, 2 green, 0 neither."""
    if not isinstance(value, str):
        return 0
    return 1 if 'blue' in value else 2 if 'green' in value else 0


def kind_of(exc):
    """What the caller caught, and the failure at its root: "ConnectionError:RemoteDisconnected",
    "ConnectError:ECONNREFUSED". The root is the innermost exception it wraps (in its args, raised
    from, or urllib3's reason); an OSError there, or one it was raised while handling, by its
    errno. Not any exception it was raised while handling: urllib3's own TypeError fallback, say,
    did not cause it."""
    root, seen = exc, {id(exc)}
    while True:
        reason = getattr(root, 'reason', None)
        inner = next((a for a in root.args if isinstance(a, BaseException)), None) or root.__cause__ or (reason if isinstance(reason, BaseException) else None)
        if inner is None or id(inner) in seen:
            break
        seen.add(id(inner))
        root = inner
    for candidate in (root, root.__context__):
        if isinstance(candidate, OSError) and candidate.errno in errno.errorcode:
            return f'{type(exc).__name__}:{errno.errorcode[candidate.errno]}'
    return f'{type(exc).__name__}:{type(root).__name__}'


class ClientUser:
    """A user on a client object with requests' calling shape (requests' Session, httpx's Client):
    request(method, url, headers=…, <body>=…, **extra) returning a response, and close()."""

    def __init__(self, opts, client, body, **extra):
        self.opts, self.client, self.body, self.extra = opts, client, body, extra

    def send(self):
        o = self.opts
        try:
            r = self.client.request(o['method'], o['url'], headers=o['headers'], **{self.body: o.get('body')}, **self.extra)
            r.content  # the whole body, as a caller reading it would
            return r.status_code, '', colour_of(r.headers.get(o['colourHeader']))
        except Exception as e:
            return 0, kind_of(e), 0

    def close(self):
        self.client.close()


class Protocol:
    """--version, or the settings; then "ready", the origin at "go", and the stop at "stop" or the time bound."""

    def __init__(self, version):
        if sys.argv[1] == '--version':
            print(version)
            sys.exit(0)
        self.opts = json.loads(sys.argv[1])
        self.rows = []
        self.stopped = threading.Event()
        self._go = threading.Event()
        self._origin = 0
        self._started = 0
        self._count = threading.Lock()
        threading.Thread(target=self._read_stdin, daemon=True).start()
        self._write({'ready': True})
        self._go.wait()
        threading.Timer(self.opts['maxDurationMs'] / 1000, self.stopped.set).start()

    def _write(self, value):
        sys.stdout.write(json.dumps(value) + '\n')
        sys.stdout.flush()

    def _read_stdin(self):
        for line in sys.stdin:
            if line.startswith('go '):
                self._origin = int(line[3:])
                self._go.set()
            elif line.strip() == 'stop':
                self.stopped.set()
        if not self.stopped.is_set():
            os._exit(1)

    def since(self):
        """µs since the origin; time.monotonic_ns is CLOCK_MONOTONIC on Linux, the harness's clock."""
        return (time.monotonic_ns() - self._origin) / 1000

    def take(self):
        """Whether another request may start (maxRequests over all users)."""
        with self._count:
            self._started += 1
            return self._started <= self.opts['maxRequests']

    def finish(self):
        sys.stdout.write(''.join(json.dumps(row) + '\n' for row in self.rows))
        self._write({'done': True})
        os._exit(0)


def run_users(version, new_user):
    """Users in threads, each sending, waiting for the outcome, then for its next turn: every
    connections / rate seconds on its own schedule (phases spread evenly), or idleMs after the response."""
    p = Protocol(version)
    opts = p.opts
    period_us = opts['connections'] / opts['rate'] * 1e6 if opts['rate'] > 0 else 0

    def loop(index):
        user = new_user(opts)
        due = index / opts['connections'] * period_us
        served = 0
        while True:
            wait_us = due - p.since()
            while wait_us > 0 and not p.stopped.is_set():  # until due by the monotonic clock, however the wait rounds
                p.stopped.wait(wait_us / 1e6)
                wait_us = due - p.since()
            if p.stopped.is_set() or not p.take():
                break
            start = p.since()
            status, kind, colour = user.send()
            end = p.since()
            p.rows.append([due, start, end, status, kind, index, 1 if served > 0 else 0, colour])
            served += 0 if kind else 1
            due = due + period_us if period_us > 0 else end + opts['idleMs'] * 1000
        user.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(opts['connections'])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    p.finish()

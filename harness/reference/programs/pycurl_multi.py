# libcurl through pycurl's multi interface: one easy handle per user, all driven by one multi
# handle in one thread, its connection cache shared and kept alive (at most `connections` open).
import pycurl
from driver_loop import Protocol, colour_of

CURL_ERRORS = {getattr(pycurl, n): n for n in sorted(dir(pycurl), reverse=True) if n.startswith('E_') and 'MULTI' not in n and isinstance(getattr(pycurl, n), int)}
ERRNO_NAMES = __import__('errno').errorcode


def main():
    p = Protocol(' '.join(pycurl.version.split()[:2]))
    o = p.opts
    multi = pycurl.CurlMulti()
    multi.setopt(pycurl.M_MAXCONNECTS, o['connections'])
    period_us = o['connections'] / o['rate'] * 1e6 if o['rate'] > 0 else 0
    colour_header = o['colourHeader'].lower().encode()

    users = []
    for index in range(o['connections']):
        easy = pycurl.Curl()
        easy.setopt(pycurl.URL, o['url'])
        easy.setopt(pycurl.CUSTOMREQUEST, o['method'])
        if o.get('body') is not None:
            easy.setopt(pycurl.POSTFIELDS, o['body'])
        easy.setopt(pycurl.HTTPHEADER, [f'{k}: {v}' for k, v in o['headers'].items()] + ['Expect:'])
        easy.setopt(pycurl.TIMEOUT_MS, o['timeoutMs'])
        easy.setopt(pycurl.WRITEFUNCTION, lambda data: None)
        user = {'easy': easy, 'index': index, 'due': index / o['connections'] * period_us, 'busy': False, 'served': 0, 'colour': 0}

        def header(line, user=user):
            name, _, value = line.partition(b':')
            if name.strip().lower() == colour_header:
                user['colour'] = colour_of(value.decode('latin1'))

        easy.setopt(pycurl.HEADERFUNCTION, header)
        users.append(user)
    by_easy = {id(u['easy']): u for u in users}
    running = 0
    stopping = False

    def ended(user, kind):
        nonlocal running
        easy = user['easy']
        multi.remove_handle(easy)
        running -= 1
        end = p.since()
        status = easy.getinfo(pycurl.RESPONSE_CODE) if not kind else 0
        # the connection: its local port; reused when libcurl made no new connection for the transfer
        reused = 1 if easy.getinfo(pycurl.NUM_CONNECTS) == 0 else 0
        p.rows.append([user['due'], user['start'], end, status, kind, easy.getinfo(pycurl.LOCAL_PORT), reused, user['colour'] if not kind else 0])
        user['busy'] = False
        user['due'] = user['due'] + period_us if period_us > 0 else end + o['idleMs'] * 1000

    while True:
        stopping = stopping or p.stopped.is_set()
        now = p.since()
        for user in users:
            if not stopping and not user['busy'] and user['due'] <= now:
                if not p.take():
                    stopping = True
                    break
                user['busy'], user['colour'], user['start'] = True, 0, p.since()
                multi.add_handle(user['easy'])
                running += 1
        if stopping and running == 0:
            break
        while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        _, done, failed = multi.info_read()
        for easy in done:
            ended(by_easy[id(easy)], '')
        for easy, code, _message in failed:
            os_errno = easy.getinfo(pycurl.OS_ERRNO)
            ended(by_easy[id(easy)], CURL_ERRORS.get(code, f'E_{code}') + (f':{ERRNO_NAMES.get(os_errno, os_errno)}' if os_errno else ''))
        idle = [u['due'] - p.since() for u in users if not u['busy']]
        wait_s = max(0, min(idle, default=10_000)) / 1e6
        curl_ms = multi.timeout()
        if curl_ms >= 0:
            wait_s = min(wait_s, curl_ms / 1000)
        if running:
            multi.select(min(wait_s, 0.05))
        else:
            p.stopped.wait(min(wait_s, 0.05))  # select with no transfer returns at once: it would spin
    for user in users:
        user['easy'].close()
    multi.close()
    p.finish()


main()

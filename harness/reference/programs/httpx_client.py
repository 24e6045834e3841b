# Python httpx: one Client per user, at most one connection each, kept alive (httpcore's pool).
import sys

import httpcore
import httpx
from driver_loop import ClientUser, run_users


def new_user(opts):
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return ClientUser(opts, httpx.Client(timeout=opts['timeoutMs'] / 1000, limits=limits), 'content')


run_users(f'httpx {httpx.__version__} (httpcore {httpcore.__version__}, Python {sys.version.split()[0]})', new_user)

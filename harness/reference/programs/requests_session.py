# Python requests: one Session per user, so each keeps its own keep-alive connection (urllib3's pool).
import sys

import requests
import urllib3
from driver_loop import ClientUser, run_users

run_users(
    f'requests {requests.__version__} (urllib3 {urllib3.__version__}, Python {sys.version.split()[0]})',
    lambda opts: ClientUser(opts, requests.Session(), 'data', timeout=opts['timeoutMs'] / 1000),
)

#!/usr/bin/python3
"""Reference DSQL tokens from Debian's python3-botocore (run with /usr/bin/python3).

  botocore_token.py token AKID SECRET SESSION|- HOST REGION DbConnect|DbConnectAdmin UNIX_TIME EXPIRES
      prints the token exactly as botocore's SigV4QueryAuth presigns
      GET https://HOST/?Action=... for service dsql at that time.
  botocore_token.py bench N
      presigns N tokens and prints the rate (tokens per second) on stdout.

The time is fixed by replacing botocore.auth's datetime.utcnow(), the only clock
SigV4Auth reads.
"""
import datetime
import sys
import time

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def presign(akid, secret, session, host, region, action, unix_time, expires):
    fixed = datetime.datetime.utcfromtimestamp(unix_time)

    class FixedDateTime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

    saved = botocore.auth.datetime.datetime
    botocore.auth.datetime.datetime = FixedDateTime
    try:
        creds = Credentials(akid, secret, session)
        req = AWSRequest(method="GET", url=f"https://{host}/?Action={action}")
        botocore.auth.SigV4QueryAuth(creds, "dsql", region, expires=expires).add_auth(req)
        return req.url[len("https://"):]
    finally:
        botocore.auth.datetime.datetime = saved


def main(argv):
    if len(argv) == 9 and argv[0] == "token":
        _, akid, secret, session, host, region, action, t, exp = argv
        print(presign(akid, secret, None if session == "-" else session, host, region,
                      action, int(t), int(exp)))
        return 0
    if len(argv) == 2 and argv[0] == "bench":
        n = int(argv[1])
        creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        start = time.perf_counter()
        for _ in range(n):
            req = AWSRequest(method="GET", url="https://abc.dsql.us-east-1.on.aws/?Action=DbConnect")
            botocore.auth.SigV4QueryAuth(creds, "dsql", "us-east-1", expires=900).add_auth(req)
        print(f"{n / (time.perf_counter() - start):.0f}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

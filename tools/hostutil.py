"""Small helpers the host-side tools and test drivers share."""
import socket
import sys


def say(msg):
    """A message of the launchers, on stderr, as 'amphi: msg'."""
    print('amphi: ' + msg, file=sys.stderr, flush=True)


def free_port(kind=socket.SOCK_STREAM):
    """A localhost port that was free a moment ago (TCP, or UDP with
    kind=SOCK_DGRAM); the caller binds it soon after."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

"""Child processes of the launchers and of the Linux reference runs."""
import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In the child (a Popen preexec_fn): the emulator or monitor goes
    when its launcher goes, even by SIGKILL (a test timeout), instead of
    living on as an orphan that eats a CPU."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def fresh_signals():
    """In the child (a Popen preexec_fn): every signal to its default
    action and none blocked, as Amphi starts an app. A shell without job
    control starts background jobs with SIGINT and SIGQUIT ignored and
    exec keeps that, so a Linux reference run would otherwise depend on
    how the test suite was started."""
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, [])

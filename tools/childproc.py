"""Child processes of the launchers (qemu-run.py, kvm-run.py, kvmhost.py)."""
import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In the child (a Popen preexec_fn): the emulator or monitor goes
    when its launcher goes, even by SIGKILL (a test timeout), instead of
    living on as an orphan that eats a CPU."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

"""The Node processes that drive chromium for the browser tests."""
import subprocess


def stop_driver(process):
    """Closes the driver's stdin (it finishes, screenshots included, and
    exits); kills it if it has not exited within 30 s."""
    process.stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()

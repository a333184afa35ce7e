"""Kernel time of a slider change on a stack: the demo's callback, then the draw ipympl sends.

    <stack's python> -m tests.stacks.draw_benchmark [NAME ...] [--changes 30] [--accelerated]

Run it with the python of any stack (``.venv``, or ``.stacks/colab`` and the others that
``./kit stacks`` builds): for each notebook's first live demo (the worked solution's, built as
tests/support/driving.py builds it, at the notebook's own size) it moves the first control back
and forth and times the callback, then the answer to the browser's draw request (ipympl renders
the figure and encodes its PNG: what every stack outside the tested one gets, the acceleration
layer off).  ``--accelerated`` leaves the layer on where it supports the stack.  No browser: the
page's share is in tests/browser/latency_benchmark.py.  It prints a table; it asserts nothing.
"""

import argparse
import os
import platform
import statistics
import time


def measure(name, changes, accelerated):
    import matplotlib

    matplotlib.use("module://ipympl.backend_nbagg")
    from _pytest.monkeypatch import MonkeyPatch

    from tests.support.driving import demo_controls, solution_demos

    patches = MonkeyPatch()
    try:
        demo = solution_demos(name, patches, blit=accelerated)[0]
        control = demo_controls(demo.app())[0]
        canvas = demo.figure.figure.canvas
        sent = []
        patches.setattr(canvas, "send_binary", lambda frame: sent.append(len(frame)))
        values = (list(control.options[:2]) if hasattr(control, "options")
                  else [control.value, control.value + control.step])
        callbacks, draws = [], []
        for change in range(3 + changes):  # the first three warm caches
            started = time.perf_counter()
            control.value = values[change % 2]
            called = time.perf_counter()
            canvas.handle_draw({})  # the browser's draw request
            drawn = time.perf_counter()
            if change >= 3:
                callbacks.append(1000 * (called - started))
                draws.append(1000 * (drawn - called))
        return (statistics.median(callbacks), statistics.median(draws), sent[-1] if sent else 0,
                demo.figure.accelerator is not None)
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
        patches.undo()


def main(argv=None):
    from tests.conftest import NOTEBOOKS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"notebooks (default all: {', '.join(NOTEBOOKS)})")
    parser.add_argument("--changes", type=int, default=30, help="timed changes per notebook (default 30)")
    parser.add_argument("--accelerated", action="store_true",
                        help="leave the acceleration layer on (where it supports this stack)")
    args = parser.parse_args(argv)
    names = args.names or NOTEBOOKS
    unknown = sorted(set(names) - set(NOTEBOOKS))
    if unknown:
        parser.error(f"no notebook {', '.join(unknown)}; notebooks: {', '.join(NOTEBOOKS)}")
    if not args.accelerated:
        os.environ["BACKPROP_KIT_ACCELERATION"] = "off"
    try:
        import ipympl
    except ImportError:
        raise SystemExit("this stack has no ipympl: its figures are pictures drawn once per change (nothing "
                         "here to time); run it with a stack that has ipympl")
    import ipywidgets
    import matplotlib
    import numpy

    print(f"Python {platform.python_version()}, numpy {numpy.__version__}, matplotlib {matplotlib.__version__}, "
          f"ipywidgets {ipywidgets.__version__}, ipympl {ipympl.__version__}; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("| notebook | figure | callback (ms) | draw + PNG (ms) | frame (bytes) |")
    print("|---|---|---:|---:|---:|")
    for name in names:
        callback, draw, frame, on = measure(name, args.changes, args.accelerated)
        print(f"| {name} | {'accelerated' if on else 'plain'} | {callback:.1f} | {draw:.1f} | {frame} |", flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
